// Every command, run with canary secrets under DEBUG=*: no API secret, user token, Page token,
// JWT or private key may appear in stdout, stderr or --json output, unless it is the very value the
// user asked for (jwt:generate's token on stdout). Secrets are given the recommended ways
// (environment, stdin); flags are covered by the hint, which names DEBUG output among the places
// a flag value shows up.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli, type RunResult, sh} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {signToken, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

const API_SECRET = 'canary-api-secret-4f1b'
const USER_TOKEN = 'CANARYUSERTOKEN7d2e'
const PAGE_TOKENS = ['CANARYPAGETOKENa91c', 'CANARYPAGETOKENb82d']

describe('faults: no secret in any output, even under DEBUG=*', function () {
  this.timeout(60_000)
  const sandbox = useSandbox({apiSecret: API_SECRET})
  let env: Record<string, string>
  let dir: string
  let jwt: string
  let appKey: string
  const canaries = () => [API_SECRET, USER_TOKEN, ...PAGE_TOKENS, jwt, 'PRIVATE KEY', appKey.split('\n')[1], testKeys().privatePem.split('\n')[1]]

  beforeEach(async () => {
    dir = tempDir('secrets')
    await sandbox.seedUser({pages: [{access_token: PAGE_TOKENS[0], id: '101', name: 'Pizza'}, {access_token: PAGE_TOKENS[1], id: '102', name: 'Bikes'}], user_token: USER_TOKEN})
    const app = await sandbox.request('POST', '/v2/applications', {auth: `Basic ${Buffer.from(`sandbox-key:${API_SECRET}`).toString('base64')}`, body: {capabilities: {messages: {}}, name: 'mine'}})
    appKey = app.body.keys.private_key
    jwt = signToken(appKey, {application_id: app.body.id, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000), jti: 'canary'})
    env = {DEBUG: '*', FACEBOOK_GRAPH_HOST: sandbox.url, FACEBOOK_USER_TOKEN: USER_TOKEN, VONAGE_API_HOST: sandbox.url, VONAGE_API_KEY: 'sandbox-key', VONAGE_API_SECRET: API_SECRET}
  })

  function expectNoSecrets(run: RunResult, allowed: string[] = []): void {
    for (const canary of canaries().filter((value) => !allowed.includes(value))) {
      expect(run.stdout, `stdout leaks ${canary.slice(0, 12)}…`).not.to.include(canary)
      expect(run.stderr, `stderr leaks ${canary.slice(0, 12)}…`).not.to.include(canary)
    }
  }

  const commands: Array<[string, string, Record<string, string>?]> = [
    ['app:temp', '"$CLI" app:temp --keyfile k.key && "$CLI" app:temp --keyfile k2.key --json'],
    ['app:temp:delete', '"$CLI" app:temp --keyfile k.key >/dev/null 2>&1; "$CLI" app:temp:delete --all --yes --json'],
    ['messenger:link (auto mode)', 'FACEBOOK_PAGE_TOKEN=$PAGE_TOKEN "$CLI" messenger:link --page-id 101 --json'],
    ['messenger:link (--page-token -)', 'printf %s "$PAGE_TOKEN" | "$CLI" messenger:link --page-id 101 --page-token -'],
    ['messenger:link (VONAGE_JWT, user token)', 'VONAGE_JWT=$MY_JWT "$CLI" messenger:link --page Bikes'],
    ['messenger:list', '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:list && "$CLI" messenger:list --json'],
    ['messenger:relink', '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:relink --page 101 && "$CLI" messenger:relink --all --json'],
    ['messenger:unlink', '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:unlink --page-id 101 --yes --json'],
    ['jwt:decode (token on stdin)', 'printf %s "$APP_KEY" > app.key && "$CLI" jwt:decode - --private-key app.key --json <<< "$MY_JWT"'],
  ]
  for (const [name, script] of commands) {
    it(`${name}: succeeds without printing a secret`, async () => {
      const run = await sh(script, {cwd: dir, env: {...env, APP_KEY: appKey, MY_JWT: jwt, PAGE_TOKEN: PAGE_TOKENS[0]}})
      expect(run.code, run.stderr.split('\n').filter((line) => line.startsWith('Error')).join('\n')).to.equal(0)
      expectNoSecrets(run)
    })
  }

  it('jwt:generate prints the token it was asked for, and nothing of the key', async () => {
    const run = await cli(['jwt:generate', 'application_id=x'], {cwd: dir, env: {...env, VONAGE_PRIVATE_KEY: testKeys().privatePem}})
    expect(run.code).to.equal(0)
    expectNoSecrets(run)
  })

  it('app:temp writes the key only to the key file', async () => {
    const run = await cli(['app:temp', '--keyfile', 'k.key'], {cwd: dir, env})
    expect(readFileSync(join(dir, 'k.key'), 'utf8')).to.include('PRIVATE KEY')
    expectNoSecrets(run)
  })

  const failures: Array<[string, string[], Record<string, string>]> = [
    ['a refused API secret', ['app:temp', '--keyfile', 'k.key'], {VONAGE_API_SECRET: `${API_SECRET}-wrong`}],
    ['a Page token Facebook refuses', ['messenger:link', '--page-id', '101'], {FACEBOOK_PAGE_TOKEN: `${PAGE_TOKENS[0]}-wrong`}],
    ['a user token Facebook refuses', ['messenger:link', '--page', '101'], {FACEBOOK_USER_TOKEN: `${USER_TOKEN}-wrong`}],
    ['an expired JWT', ['messenger:list'], {VONAGE_JWT: 'JWT-PLACEHOLDER'}],
    ['a broken private key', ['jwt:generate', 'application_id=x'], {VONAGE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEcanaryXYZ\n-----END PRIVATE KEY-----'}],
  ]
  for (const [name, args, extra] of failures) {
    it(`fails on ${name} without repeating it`, async () => {
      const expired = signToken(appKey, {application_id: 'x', exp: 1, iat: 0})
      const values = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, value === 'JWT-PLACEHOLDER' ? expired : value]))
      const run = await cli([...args, '--json'], {cwd: dir, env: {...env, ...values}})
      expect(run.code).to.not.equal(0)
      expectNoSecrets(run)
      for (const value of Object.values(values)) {
        expect(run.stderr + run.stdout).not.to.include(value.length > 30 ? value.slice(-20) : value)
      }
    })
  }
})
