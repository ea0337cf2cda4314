// `npm run demo`: the story a newcomer should see, told by the real built CLI in a scratch folder.
// Each step prints the command and its output; any failure stops the demo with a non-zero exit.
import {spawnSync} from 'node:child_process'
import {generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const work = mkdtempSync(join(tmpdir(), 'nexmo-messenger-demo-'))
const env: NodeJS.ProcessEnv = {...process.env, CLI: BIN, HOME: work}

/** Runs one shell line in the scratch folder, shows it and its output, returns stdout. */
function step(title: string, line: string, {expectCode = 0} = {}): string {
  process.stdout.write(`\n# ${title}\n$ ${line.replaceAll('"$CLI"', 'nexmo')}\n`)
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', line], {cwd: work, encoding: 'utf8', env})
  process.stdout.write(result.stdout + result.stderr)
  if (result.status !== expectCode) {
    process.stdout.write(`\ndemo failed: exit ${result.status}, expected ${expectCode}\n`)
    process.exit(1)
  }

  return result.stdout.trim()
}

try {
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  writeFileSync(join(work, 'temp.key'), privateKey.export({format: 'pem', type: 'pkcs8'}), {mode: 0o600})
  env.APP = '8d3f2a51-6c1e-4b7a-9f0d-2e4c6a8b0d1f'

  step('Step 2 of the manual flow: sign a JWT with the application key', 'JWT="$("$CLI" jwt:generate ./temp.key application_id=$APP)"; echo "$JWT" | cut -c1-60; echo "$JWT" > jwt.txt')
  step('Read it back, checking the signature', '"$CLI" jwt:decode "$(cat jwt.txt)" --private-key ./temp.key')
  step('The same as JSON, for scripts', '"$CLI" jwt:decode - --json < jwt.txt | head -8')
  step('A mistake gets one clear line and exit code 2', '"$CLI" jwt:generate ./temp.key application_id=$APP --ttl 172800', {expectCode: 2})
  process.stdout.write('\ndemo finished: every step behaved as expected\n')
} finally {
  rmSync(work, {force: true, recursive: true})
}
