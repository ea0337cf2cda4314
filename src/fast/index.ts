// The JWT commands without oclif, bundled into dist/fast.cjs by esbuild (npm run build; tsc only
// type-checks it, in npm run typecheck) and tried before oclif is loaded: by bin/run.js, and inside
// a host by the commands' own modules (scripts/build.ts). `JWT="$(nexmo jwt:generate …)"` runs in
// loops, and loading oclif costs more than signing. Each reads the command line by the flag spec its
// oclif command is made from (src/lib/jwt-generate.ts, src/lib/jwt-decode.ts) and runs the same
// procedure, printer and failure wrapping. Whatever it cannot read exactly as oclif would — help,
// --json, a flag it does not know, a value oclif would refuse — it leaves to oclif, whose messages
// then apply. Nothing here may import @oclif/core (test/e2e/module-graph.test.ts).
// Each command's modules are imported when it runs (esbuild then evaluates them, from the same
// file: one file loads faster than chunks): jwt:generate does not pay for jwt:decode's table
// printer (string-width and its Unicode tables).
import {asPluginError, ignoreClosedOutput, writeFailure} from '../lib/errors.js'
import {parseWithSpec} from '../lib/flag-spec.js'
import {commandLineSecretsHint} from '../lib/secrets.js'

/** Words oclif acts on before parsing the command's flags. */
const LEAVE_TO_OCLIF = new Set(['--help', '-h', '--json', '--version', '-v'])

/** A command's fast path: undefined when it cannot read the command line exactly as oclif would. */
type FastCommand = (argv: string[], env: NodeJS.ProcessEnv) => Promise<(() => Promise<void>) | undefined>

const generate: FastCommand = async (argv, env) => {
  const {generateToken, JWT_GENERATE_FLAGS, tokenLine} = await import('../lib/jwt-generate.js')
  const parsed = parseWithSpec(JWT_GENERATE_FLAGS, argv, env)
  if (!parsed) return undefined
  return async () => {
    process.stdout.write(tokenLine(await generateToken(parsed.argv, parsed.flags)))
  }
}

const decode: FastCommand = async (argv, env) => {
  const {checkUsable, decodeToken, JWT_DECODE_FLAGS} = await import('../lib/jwt-decode.js')
  const parsed = parseWithSpec(JWT_DECODE_FLAGS, argv, env)
  // one argument at most: oclif refuses more ("Unexpected argument") in its own words
  if (!parsed || parsed.argv.length > 1) return undefined
  return async () => {
    const {report, text} = await decodeToken(parsed.argv[0], parsed.flags)
    process.stdout.write(`${text}\n`)
    checkUsable(report)
  }
}

/** The commands (and aliases) with a fast path, by id. */
export const FAST_COMMANDS: Readonly<Record<string, FastCommand>> = {
  'jwt:decode': decode,
  'jwt:generate': generate,
  'jwt:validate': decode,
}

/** The exit code when the fast path ran the command; undefined when oclif should run it. */
export async function runFast(
  id: string,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  if (!Object.hasOwn(FAST_COMMANDS, id)) return undefined
  if (argv.some((arg) => LEAVE_TO_OCLIF.has(arg) || arg.startsWith('--json='))) return undefined
  const run = await FAST_COMMANDS[id](argv, env)
  if (!run) return undefined

  ignoreClosedOutput()
  const hint = commandLineSecretsHint(argv)
  if (hint) process.stderr.write(`${hint}\n`)
  try {
    await run()
    return 0
  } catch (error) {
    const failure = asPluginError(error, argv)
    writeFailure(failure, error)
    return failure.exitCode
  }
}
