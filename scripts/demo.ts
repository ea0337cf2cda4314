// `npm run demo`: the story a newcomer should see, told by the real built CLI against the sandbox
// (started here on a free port), in a scratch folder with its own HOME. Each step prints the
// command and what it printed; a step that does not end as expected stops the demo with exit 1.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSandbox} from '../sandbox/server.js'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const work = mkdtempSync(join(tmpdir(), 'nexmo-messenger-demo-'))
const sandbox = await startSandbox({port: 0})
const env: NodeJS.ProcessEnv = {
  CLI: BIN,
  HOME: work,
  PATH: process.env.PATH,
  FACEBOOK_GRAPH_HOST: sandbox.url,
  FACEBOOK_USER_TOKEN: 'demo-user-token',
  VONAGE_API_HOST: sandbox.url,
  VONAGE_API_KEY: 'sandbox-key',
  VONAGE_API_SECRET: 'sandbox-secret',
}

/**
 * Runs one shell line in the scratch folder (asynchronously: the sandbox serves from this very process),
 * shows it and its output.
 */
async function step(title: string, line: string, {expectCode = 0} = {}): Promise<string> {
  process.stdout.write(`\n# ${title}\n$ ${line.replaceAll('"$CLI"', 'nexmo')}\n`)
  const child = spawn('bash', ['-o', 'pipefail', '-c', line], {cwd: work, env, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    process.stdout.write(chunk)
  })
  child.stderr.on('data', (chunk: Buffer) => process.stdout.write(chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== expectCode) throw new Error(`"${title}" exited ${code}, expected ${expectCode}`)
  return stdout.trim()
}

/** Sends a control request to the sandbox (playing Facebook, or the user's dashboard); its JSON answer. */
async function sandboxCall(path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`, {
    body: JSON.stringify(body),
    headers: {'content-type': 'application/json', ...headers},
    method: 'POST',
  })
  if (response.status >= 300) throw new Error(`${path} failed: ${response.status} ${await response.text()}`)
  return response.json()
}

/** The user's own Messages application, made once in the dashboard: the Pages' messages go to it. */
async function messagesApplication(): Promise<string> {
  const basic = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`
  const body = {capabilities: {messages: {webhooks: {}}}, name: 'My Messages app'}
  return ((await sandboxCall('/v2/applications', body, {authorization: basic})) as {id: string}).id
}

/** Plays Facebook: a user who manages two Pages; called again, it issues fresh Page tokens. */
async function seedFacebook(): Promise<void> {
  const pages = [
    {id: '101', name: 'Pizza Place'},
    {id: '102', name: 'Bike Shop'},
  ]
  await sandboxCall('/_sandbox/facebook/users', {pages, user_token: 'demo-user-token'})
}

let failed = false
try {
  await seedFacebook()
  env.MY_APP = await messagesApplication()
  process.stdout.write(
    `sandbox on ${sandbox.url}: Vonage credentials sandbox-key/sandbox-secret in VONAGE_API_KEY/VONAGE_API_SECRET;\n`,
  )
  process.stdout.write('a Facebook user (FACEBOOK_USER_TOKEN) who manages "Pizza Place" (101) and "Bike Shop" (102);\n')
  process.stdout.write(`your Messages application, made in the dashboard: MY_APP=${env.MY_APP}\n`)
  env.APP = await step(
    'Step 1 of the manual flow: a temporary Messages application and its key',
    '"$CLI" app:temp --keyfile temp.key',
  )
  await step(
    "Step 2: sign a JWT with the application's key",
    'JWT="$("$CLI" jwt:generate ./temp.key application_id=$APP)" && echo "$JWT" > jwt.txt && cut -c1-72 jwt.txt',
  )
  await step('Read it back, checking the signature', '"$CLI" jwt:decode "$(cat jwt.txt)" --private-key ./temp.key')
  await step(
    'Steps 3-4, no browser: subscribe a Page with that JWT',
    'VONAGE_JWT="$(cat jwt.txt)" "$CLI" messenger:link --page "Pizza Place" --application "$MY_APP"',
  )
  await step(
    'Or all of it in one command, with just your API key and secret: one request, no application to make or delete',
    '"$CLI" messenger:link --page "Bike Shop" --application "$MY_APP"',
  )
  await step('What is linked, and how long each link has left', '"$CLI" messenger:list')
  await seedFacebook()
  process.stdout.write('\n(90 days later: Facebook hands out fresh Page tokens; the sandbox has just issued them)\n')
  await step(
    'The re-link, for every Page at once (one update each, never unlinked): safe to schedule',
    '"$CLI" messenger:relink --all',
  )
  const now = Math.floor(Date.now() / 1000)
  await sandboxCall('/_sandbox/facebook/pages/102', {expires_at: now + 10 * 86_400})
  process.stdout.write("\n(Later: Bike Shop's Page token now lapses in 10 days)\n")
  await step(
    'The health of every Page: a column per check, a verdict, and the fix (exit 10: some Page needs attention)',
    '"$CLI" messenger:status',
    {expectCode: 10},
  )
  await seedFacebook()
  process.stdout.write('\n(The user logs in to Facebook again: fresh Page tokens)\n')
  await step(
    'The scheduled job re-links only the Pages whose link lapses soon (examples/ has it for GitHub Actions and cron)',
    '"$CLI" messenger:relink --all --expiring-within 30',
  )
  await step('All ok again (exit 0)', '"$CLI" messenger:status')
  await step('Unlinking asks first at a terminal; scripts say --yes', '"$CLI" messenger:unlink --page-id 102 --yes')
  await step('A mistake gets one clear line and its own exit code', '"$CLI" messenger:unlink --page-id 102 --yes', {
    expectCode: 4,
  })
  await step('What nobody does by hand: delete the temporary application', '"$CLI" app:temp:delete --all --yes')
  const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as {
    accounts: unknown[]
    applications: Array<{id: string}>
    requests: number
    violations: unknown[]
  }
  const temporary = state.applications.filter((application) => application.id !== env.MY_APP)
  process.stdout.write(
    `\nsandbox: ${state.requests} API requests, ${state.accounts.length} Page linked, ${temporary.length} temporary applications left, ${state.violations.length} contract violations\n`,
  )
  if (temporary.length > 0 || state.violations.length > 0 || state.accounts.length !== 1)
    throw new Error('the demo left applications behind, broke the API contract or linked the wrong Pages')
  process.stdout.write(
    [
      '',
      '# No Page or user token? A person links the Page on the linking page; the CLI waits, then prints it.',
      '# Try it by hand: `npm run sandbox -- --port 4010` (it prints the page, <url>/messenger; seed a',
      '# Facebook user as sandbox/README.md shows), then',
      '#   VONAGE_API_HOST=http://127.0.0.1:4010 VONAGE_API_KEY=sandbox-key VONAGE_API_SECRET=sandbox-secret \\',
      '#     nexmo messenger:link --browser --temp-app --linking-page http://127.0.0.1:4010/messenger',
      '# and in the browser: Log in with Facebook, pick the Page, paste the JWT it printed, Subscribe.',
      '# Renewing a link the same way: messenger:relink --browser --page-id ID (Unsubscribe, then Subscribe).',
      '',
    ].join('\n'),
  )
  process.stdout.write('demo finished: every step behaved as expected\n')
} catch (error) {
  failed = true
  process.stdout.write(`\ndemo failed: ${(error as Error).message}\n`)
} finally {
  await sandbox.close()
  rmSync(work, {force: true, recursive: true})
}

process.exitCode = failed ? 1 : 0
