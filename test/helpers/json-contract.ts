// Keeps the checked-in --json schemas (schemas/, scripts/json-schemas.ts) true: every run the test
// helpers make with --json (test/helpers/cli.ts start(), test/helpers/in-process.ts run()) hands its
// output here, and it must validate against the command's success schema (exit 0) or failure
// schema (any other exit code). Runs through a shell (sh()) are not seen: their stdout may mix
// several commands.
import {Ajv, type ValidateFunction} from 'ajv'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {schemaFileName, SCHEMAS} from '../../scripts/json-schemas.js'

const ajv = new Ajv({allErrors: true, strict: true})
const compiled = new Map<string, {failure: ValidateFunction; success: ValidateFunction} | undefined>()

/** The validators of a command's schema file, or undefined for a command without one (help, an unknown id). */
function validators(id: string) {
  if (!compiled.has(id)) {
    const file = join(SCHEMAS, schemaFileName(id))
    if (existsSync(file)) {
      const key = schemaFileName(id)
      ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object, key)
      compiled.set(id, {
        failure: ajv.getSchema(`${key}#/definitions/failure`)!,
        success: ajv.getSchema(`${key}#/definitions/success`)!,
      })
    } else compiled.set(id, undefined)
  }

  return compiled.get(id)
}

/** As oclif decides it: --json before any "--", or NEXMO_CONTENT_TYPE=json; never with help or the version. */
function asksForJson(argv: readonly string[], env: NodeJS.ProcessEnv | Record<string, string | undefined>): boolean {
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  if (options.some((arg) => ['--help', '-h', '--version'].includes(arg))) return false
  return options.includes('--json') || env.NEXMO_CONTENT_TYPE?.toLowerCase() === 'json'
}

export class JsonContractError extends Error {
  name = 'JsonContractError'
}

/**
 * Throws a JsonContractError when `args` (the command id, then its arguments) asked for JSON and
 * what the run printed on stdout is not JSON, or breaks the command's schema for its exit code.
 * A run killed by a signal (code null), or one that printed nothing, is not checked.
 */
export function checkJsonOutput(
  args: readonly string[],
  outcome: {code: number | null; stdout: string},
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = {},
): void {
  const [id, ...argv] = args
  if (id === undefined || outcome.code === null || !asksForJson(argv, env)) return
  const schemas = validators(id)
  if (!schemas || outcome.stdout.trim() === '') return
  const shown = `${id} --json (exit ${outcome.code})`
  let json: unknown
  try {
    json = JSON.parse(outcome.stdout)
  } catch {
    throw new JsonContractError(`${shown} printed something other than one JSON value on stdout:\n${outcome.stdout}`)
  }

  const [which, validate] = outcome.code === 0 ? ['success', schemas.success] : ['failure', schemas.failure]
  if (validate(json)) return
  const errors = (validate.errors ?? [])
    .map((error) => `${error.instancePath || '(the whole output)'} ${error.message} ${JSON.stringify(error.params)}`)
    .join('\n  ')
  throw new JsonContractError(
    `${shown} printed JSON that breaks the ${which} schema in schemas/${schemaFileName(id)}:\n  ${errors}\n${JSON.stringify(json, null, 2)}\n(if the change is deliberate: npm run snapshot:update)`,
  )
}
