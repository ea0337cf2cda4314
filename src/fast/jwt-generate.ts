// The fast path of `jwt:generate`, bundled into one file by esbuild (npm run build; tsc only
// type-checks it, in npm run typecheck) and tried by bin/run.js before oclif is loaded:
// `JWT="$(nexmo jwt:generate …)"` runs in loops, and loading oclif costs more than signing. It reads
// the command line by the flag spec the oclif command is made from (src/lib/jwt-generate.ts), and
// runs the same procedure, printer and failure wrapping. Whatever it cannot read exactly as oclif
// would — help, --json, a flag it does not know, a value oclif would refuse — it leaves to oclif,
// whose messages then apply. Nothing here may import @oclif/core (test/e2e/module-graph.test.ts).
import {asPluginError, ignoreClosedOutput, writeFailure} from '../lib/errors.js'
import {parseWithSpec} from '../lib/flag-spec.js'
import {generateToken, JWT_GENERATE_FLAGS, tokenLine} from '../lib/jwt-generate.js'
import {commandLineSecretsHint} from '../lib/secrets.js'

/** Words oclif acts on before parsing the command's flags. */
const LEAVE_TO_OCLIF = new Set(['--help', '-h', '--json', '--version', '-v'])

/** The exit code when this path handled the command; undefined when oclif should run it. */
export async function runFast(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (argv.some((arg) => LEAVE_TO_OCLIF.has(arg) || arg.startsWith('--json='))) return undefined
  const parsed = parseWithSpec(JWT_GENERATE_FLAGS, argv, env)
  if (!parsed) return undefined

  ignoreClosedOutput()
  const hint = commandLineSecretsHint(argv)
  if (hint) process.stderr.write(`${hint}\n`)
  try {
    process.stdout.write(tokenLine(await generateToken(parsed.argv, parsed.flags)))
    return 0
  } catch (error) {
    const failure = asPluginError(error, argv)
    writeFailure(failure, error)
    return failure.exitCode
  }
}
