// The fast path of `jwt:generate`, bundled into one file by esbuild and tried by bin/run.js before
// oclif is loaded: `JWT="$(nexmo jwt:generate …)"` runs in loops, and loading oclif costs more than
// signing. It handles plain invocations only, with the flags the oclif command declares (read from
// the generated manifest, so there is one list); anything else — help, --json, a flag it does not
// know, a value it cannot read — is left to oclif, whose messages then apply.
import {readFileSync} from 'node:fs'
import {parseArgs} from 'node:util'

import {asPluginError, ignoreClosedOutput, writeFailure} from '../lib/errors.js'
import {type GenerateFlags, generateToken} from '../lib/jwt-generate.js'
import {commandLineSecretsHint} from '../lib/secrets.js'

const INTEGER_FLAGS = new Set(['exp', 'nbf', 'ttl'])
const LEAVE_TO_OCLIF = new Set(['--help', '-h', '--json', '--version', '-v'])

interface ManifestFlag {
  type: 'boolean' | 'option'
  char?: string
}

/** The exit code when this path handled the command; undefined when oclif should run it. */
export async function runFast(argv: string[], manifestUrl: URL): Promise<number | undefined> {
  if (argv.some((arg) => LEAVE_TO_OCLIF.has(arg) || arg.startsWith('--json='))) return undefined
  const flags = readFlags(manifestUrl)
  if (!flags) return undefined
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      allowPositionals: true,
      args: argv,
      options: Object.fromEntries(
        Object.entries(flags).map(([name, flag]) => [name, {type: flag.type === 'boolean' ? 'boolean' : 'string'}]),
      ),
      strict: true,
    })
  } catch {
    return undefined
  }

  const values: Record<string, unknown> = {...parsed.values}
  for (const name of INTEGER_FLAGS) {
    if (values[name] === undefined) continue
    if (!/^-?\d+$/.test(values[name] as string)) return undefined
    values[name] = Number(values[name])
  }

  ignoreClosedOutput()
  const hint = commandLineSecretsHint(argv)
  if (hint) process.stderr.write(`${hint}\n`)
  try {
    const {token} = await generateToken(parsed.positionals, values as GenerateFlags)
    process.stdout.write(`${token}\n`)
    return 0
  } catch (error) {
    const failure = asPluginError(error, argv)
    writeFailure(failure, error)
    return failure.exitCode
  }
}

function readFlags(manifestUrl: URL): Record<string, ManifestFlag> | undefined {
  try {
    const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as {
      commands: Record<string, {flags: Record<string, ManifestFlag>}>
    }
    const flags = {...manifest.commands['jwt:generate']?.flags}
    delete flags.json
    return Object.keys(flags).length > 0 ? flags : undefined
  } catch {
    return undefined
  }
}
