// The public contract of the CLI — every command, its arguments and flags (name, type, default,
// env, required, exclusive, dependsOn, char) — taken from the generated manifest. `npm test`
// compares it with command-snapshot.json; `npm run snapshot:update` rewrites that file, and the
// --json schemas under schemas/ (scripts/json-schemas.ts), so a change to the contract is always a
// deliberate, reviewed diff.
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {SCHEMAS, writeSchemas} from './json-schemas.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const SNAPSHOT = join(ROOT, 'command-snapshot.json')
const KEPT = ['type', 'char', 'default', 'env', 'required', 'exclusive', 'dependsOn', 'multiple'] as const

export function currentContract(): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<
      string,
      {
        args: Record<string, {required?: boolean}>
        flags: Record<string, Record<string, unknown>>
        strict?: boolean
        enableJsonFlag?: boolean
      }
    >
  }
  return Object.fromEntries(
    Object.keys(manifest.commands)
      .sort()
      .map((id) => {
        const command = manifest.commands[id]
        const flags = Object.fromEntries(
          Object.keys(command.flags)
            .sort()
            .map((name) => [
              name,
              Object.fromEntries(
                KEPT.filter((key) => command.flags[name][key] !== undefined && command.flags[name][key] !== false).map(
                  (key) => [key, command.flags[name][key]],
                ),
              ),
            ]),
        )
        return [
          id,
          {
            args: Object.keys(command.args),
            flags,
            json: command.enableJsonFlag ?? false,
            variadic: command.strict === false,
          },
        ]
      }),
  )
}

if (process.argv[2] === '--update') {
  writeFileSync(SNAPSHOT, `${JSON.stringify(currentContract(), null, 2)}\n`)
  process.stdout.write(`wrote ${SNAPSHOT}\n`)
  const started = Date.now()
  await writeSchemas()
  process.stdout.write(`wrote ${SCHEMAS}/ in ${Date.now() - started} ms\n`)
}
