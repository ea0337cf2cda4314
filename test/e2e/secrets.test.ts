// Every command, run with canary secrets under DEBUG=*: no API secret, user token, Page token,
// JWT or private key may appear in stdout, stderr or --json output, unless it is the very value the
// user asked for (jwt:generate's token on stdout). Secrets are given the recommended ways
// (environment, stdin); flags are covered by the hint, which names DEBUG output among the places
// a flag value shows up.
import {expect} from 'chai'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli, type RunResult, sh} from '../helpers/cli.js'
import {runCases} from '../helpers/isolated.js'
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
  const canaries = () => [
    API_SECRET,
    USER_TOKEN,
    ...PAGE_TOKENS,
    jwt,
    'PRIVATE KEY',
    appKey.split('\n')[1],
    testKeys().privatePem.split('\n')[1],
  ]

  beforeEach(async () => {
    dir = tempDir('secrets')
    await sandbox.seedUser({
      pages: [
        {access_token: PAGE_TOKENS[0], id: '101', name: 'Pizza'},
        {access_token: PAGE_TOKENS[1], id: '102', name: 'Bikes'},
      ],
      user_token: USER_TOKEN,
    })
    const app = await sandbox.request('POST', '/v2/applications', {
      auth: `Basic ${Buffer.from(`sandbox-key:${API_SECRET}`).toString('base64')}`,
      body: {capabilities: {messages: {}}, name: 'mine'},
    })
    appKey = app.body.keys.private_key
    jwt = signToken(appKey, {
      application_id: app.body.id,
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
      jti: 'canary',
    })
    env = {
      DEBUG: '*',
      FACEBOOK_GRAPH_HOST: sandbox.url,
      FACEBOOK_USER_TOKEN: USER_TOKEN,
      VONAGE_API_HOST: sandbox.url,
      VONAGE_API_KEY: 'sandbox-key',
      VONAGE_API_SECRET: API_SECRET,
    }
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
    [
      'messenger:list',
      '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:list && "$CLI" messenger:list --json',
    ],
    [
      'messenger:relink',
      '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:relink --page 101 && "$CLI" messenger:relink --all --json',
    ],
    [
      'messenger:unlink',
      '"$CLI" messenger:link --page 101 >/dev/null 2>&1; "$CLI" messenger:unlink --page-id 101 --yes --json',
    ],
    [
      'jwt:decode (token on stdin)',
      'printf %s "$APP_KEY" > app.key && "$CLI" jwt:decode - --private-key app.key --json <<< "$MY_JWT"',
    ],
  ]
  for (const [name, script] of commands) {
    it(`${name}: succeeds without printing a secret`, async () => {
      const run = await sh(script, {cwd: dir, env: {...env, APP_KEY: appKey, MY_JWT: jwt, PAGE_TOKEN: PAGE_TOKENS[0]}})
      expect(
        run.code,
        run.stderr
          .split('\n')
          .filter((line) => line.startsWith('Error'))
          .join('\n'),
      ).to.equal(0)
      expectNoSecrets(run)
    })
  }

  it('jwt:generate prints the token it was asked for, and nothing of the key', async () => {
    const run = await cli(['jwt:generate', 'application_id=x'], {
      cwd: dir,
      env: {...env, VONAGE_PRIVATE_KEY: testKeys().privatePem},
    })
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
    [
      'a Page token Facebook refuses',
      ['messenger:link', '--page-id', '101'],
      {FACEBOOK_PAGE_TOKEN: `${PAGE_TOKENS[0]}-wrong`},
    ],
    [
      'a user token Facebook refuses',
      ['messenger:link', '--page', '101'],
      {FACEBOOK_USER_TOKEN: `${USER_TOKEN}-wrong`},
    ],
    ['an expired JWT', ['messenger:list'], {VONAGE_JWT: 'JWT-PLACEHOLDER'}],
    [
      'a broken private key',
      ['jwt:generate', 'application_id=x'],
      {VONAGE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEcanaryXYZ\n-----END PRIVATE KEY-----'},
    ],
  ]
  for (const [name, args, extra] of failures) {
    it(`fails on ${name} without repeating it`, async () => {
      const expired = signToken(appKey, {application_id: 'x', exp: 1, iat: 0})
      const values = Object.fromEntries(
        Object.entries(extra).map(([key, value]) => [key, value === 'JWT-PLACEHOLDER' ? expired : value]),
      )
      const run = await cli([...args, '--json'], {cwd: dir, env: {...env, ...values}})
      expect(run.code).to.not.equal(0)
      expectNoSecrets(run)
      for (const value of Object.values(values)) {
        expect(run.stderr + run.stdout).not.to.include(value.length > 30 ? value.slice(-20) : value)
      }
    })
  }
})

/**
 * #11.4: a canary secret through every secret-bearing input, each given in a malformed way, with
 * and without --json and DEBUG=*: no command may repeat it. Under DEBUG=*, oclif's own records of
 * the raw command line (`oclif:main process.argv`, `oclif:config runCommand`) are out of the
 * plugin's reach, as the hint for secret flags says; every other line is checked, the command's own
 * debug record of its argv included.
 */
describe('faults: #11.4 a malformed secret is never repeated, whatever input it came through', function () {
  this.timeout(120_000)
  const sandbox = useSandbox()
  const keys = testKeys()
  const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'
  const KEY_BODY = keys.privatePem
    .split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('')
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOiJKV1RDQU5BUlk3ZjNhMDEyMzQ1In0' // two parts: not a JWT
  const PAGE_TOKEN = 'EAAGcanaryPAGE7f3a0123456789abcdefXYZ'
  const USER_TOKEN = 'EAAGcanaryUSER7f3a0123456789abcdefXYZ'
  const API_SECRET = 'CanaryApiSecret7f3a0123'
  const OUT_OF_REACH = [/^\S+ oclif:main process\.argv:/, /^\S+ oclif:config runCommand /]
  let dir: string
  let goodJwt: string

  before(() => {
    dir = tempDir('canary')
    mkdirSync(join(dir, 'home'))
    mkdirSync(join(dir, 'nexmorc-home'))
    writeFileSync(
      join(dir, 'nexmorc-home', '.nexmorc'),
      `[credentials]\napi_key = sandbox-key\napi_secret = ${API_SECRET}\n`,
    )
    goodJwt = signToken(keys.privatePem, {
      application_id: APP,
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
    })
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  interface Input {
    canary: string
    args: string[]
    env?: Record<string, string>
    stdin?: string
    /** A Facebook user USER managing Page 101 "Pizza". */
    seedUser?: boolean
  }
  const inputs: Record<string, () => Input> = {
    'the PRIVATE_KEY argument of jwt:generate': () => ({
      args: ['jwt:generate', KEY_BODY, 'application_id=x'],
      canary: KEY_BODY,
    }),
    'the PRIVATE_KEY argument on standard input ("-")': () => ({
      args: ['jwt:generate', '-', 'application_id=x'],
      canary: KEY_BODY,
      stdin: KEY_BODY,
    }),
    'VONAGE_PRIVATE_KEY for jwt:generate': () => ({
      args: ['jwt:generate', '--app-id', 'x'],
      canary: KEY_BODY,
      env: {VONAGE_PRIVATE_KEY: KEY_BODY},
    }),
    '--private-key of jwt:decode': () => ({args: ['jwt:decode', goodJwt, '--private-key', KEY_BODY], canary: KEY_BODY}),
    '--public-key of jwt:decode (a private key pasted there)': () => ({
      args: ['jwt:decode', goodJwt, '--public-key', KEY_BODY],
      canary: KEY_BODY,
    }),
    '--private-key of messenger:link': () => ({
      args: ['messenger:link', '--page-id', '101', '--app-id', APP, '--private-key', KEY_BODY],
      canary: KEY_BODY,
      env: {FACEBOOK_PAGE_TOKEN: 't'},
    }),
    'VONAGE_PRIVATE_KEY for messenger:link --app-id': () => ({
      args: ['messenger:link', '--page-id', '101', '--app-id', APP],
      canary: KEY_BODY,
      env: {FACEBOOK_PAGE_TOKEN: 't', VONAGE_PRIVATE_KEY: KEY_BODY},
    }),
    '--jwt': () => ({
      args: ['messenger:link', '--page-id', '101', '--jwt', JWT],
      canary: JWT,
      env: {FACEBOOK_PAGE_TOKEN: 't'},
    }),
    VONAGE_JWT: () => ({args: ['messenger:list'], canary: JWT, env: {VONAGE_JWT: JWT}}),
    'the TOKEN argument of jwt:decode': () => ({args: ['jwt:decode', JWT], canary: JWT}),
    'the TOKEN of jwt:decode on standard input ("-")': () => ({args: ['jwt:decode', '-'], canary: JWT, stdin: JWT}),
    '--page-token': () => ({
      args: ['messenger:link', '--page-id', '101', '--page-token', PAGE_TOKEN],
      canary: PAGE_TOKEN,
      env: {VONAGE_JWT: goodJwt},
    }),
    FACEBOOK_PAGE_TOKEN: () => ({
      args: ['messenger:link', '--page-id', '101'],
      canary: PAGE_TOKEN,
      env: {FACEBOOK_PAGE_TOKEN: PAGE_TOKEN, VONAGE_JWT: goodJwt},
    }),
    '--page-token - (standard input)': () => ({
      args: ['messenger:link', '--page-id', '101', '--page-token', '-'],
      canary: PAGE_TOKEN,
      env: {VONAGE_JWT: goodJwt},
      stdin: `${PAGE_TOKEN}\n`,
    }),
    '--user-token': () => ({
      args: ['messenger:link', '--page', '101', '--user-token', USER_TOKEN],
      canary: USER_TOKEN,
      env: {VONAGE_JWT: goodJwt},
    }),
    FACEBOOK_USER_TOKEN: () => ({
      args: ['messenger:link', '--page', '101'],
      canary: USER_TOKEN,
      env: {FACEBOOK_USER_TOKEN: USER_TOKEN, VONAGE_JWT: goodJwt},
    }),
    '--api-secret': () => ({
      args: ['app:temp', '--keyfile', 'k.key', '--api-key', 'sandbox-key', '--api-secret', API_SECRET],
      canary: API_SECRET,
    }),
    VONAGE_API_SECRET: () => ({
      args: ['app:temp', '--keyfile', 'k.key'],
      canary: API_SECRET,
      env: {VONAGE_API_KEY: 'sandbox-key', VONAGE_API_SECRET: API_SECRET},
    }),
    'api_secret in ~/.nexmorc': () => ({
      args: ['app:temp', '--keyfile', 'k.key'],
      canary: API_SECRET,
      env: {HOME: join(dir, 'nexmorc-home')},
    }),
    // Secrets put where an id or a name belongs, by mistake.
    '--page-id given the Page token': () => ({
      args: ['messenger:link', '--page-id', PAGE_TOKEN, '--page-token', '101'],
      canary: PAGE_TOKEN,
      env: {VONAGE_JWT: goodJwt},
    }),
    '--page given the user token': () => ({
      args: ['messenger:link', '--page', USER_TOKEN],
      canary: USER_TOKEN,
      env: {FACEBOOK_USER_TOKEN: 'USER', VONAGE_JWT: goodJwt},
      seedUser: true,
    }),
    'an application id given the API secret': () => ({
      args: ['app:temp:delete', API_SECRET, '--yes'],
      canary: API_SECRET,
      env: {VONAGE_API_KEY: 'sandbox-key', VONAGE_API_SECRET: 'sandbox-secret'},
    }),
  }

  /** stderr without oclif's own records of the raw command line (each a header line and its indented rest). */
  function withinReach(stderr: string): string {
    const kept: string[] = []
    let skipping = false
    for (const line of stderr.split('\n')) {
      if (/^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(line)) skipping = OUT_OF_REACH.some((pattern) => pattern.test(line))
      else if (!/^(\s|[\]}])/.test(line)) skipping = false
      if (!skipping) kept.push(line)
    }

    return kept.join('\n')
  }

  const slices = (canary: string) => [
    canary,
    canary.slice(0, 16),
    canary.slice(canary.length / 2 - 8, canary.length / 2 + 8),
    canary.slice(-16),
  ]
  const modes: Array<[string, string[], Record<string, string>]> = [
    ['plain', [], {}],
    ['--json', ['--json'], {}],
    ['DEBUG=*', [], {DEBUG: '*'}],
    ['--json, DEBUG=*', ['--json'], {DEBUG: '*'}],
  ]

  for (const [name, input] of Object.entries(inputs)) {
    it(`#11.4 ${name}: not in stdout or stderr, with and without --json and DEBUG=*`, async () => {
      const {args, canary, env, seedUser, stdin} = input()
      if (seedUser) await sandbox.seedUser({pages: [{id: '101', name: 'Pizza'}], user_token: 'USER'})
      const failures = await runCases(
        modes.map(
          ([mode, flags, modeEnv]) =>
            [mode, {flags, modeEnv}] as [string, {flags: string[]; modeEnv: Record<string, string>}],
        ),
        2,
        async ({flags, modeEnv}) => {
          const run = await cli([...args, ...flags], {
            cwd: dir,
            env: {
              FACEBOOK_GRAPH_HOST: sandbox.url,
              HOME: join(dir, 'home'),
              VONAGE_API_HOST: sandbox.url,
              ...env,
              ...modeEnv,
            },
            input: stdin,
          })
          expect(run.code, run.stderr.slice(-400)).not.to.equal(0)
          const stderr = modeEnv.DEBUG ? withinReach(run.stderr) : run.stderr
          for (const slice of slices(canary)) {
            expect(run.stdout, `stdout has ${slice}`).not.to.include(slice)
            expect(stderr, `stderr has ${slice}`).not.to.include(slice)
          }

          expect(stderr).to.match(/^Error: |\nError: /)
        },
      )
      expect(failures, failures.join('\n')).to.deep.equal([])
    })
  }

  it("#11.5 under DEBUG=*, the command's own record of its argv shows secrets as <redacted>", async () => {
    const run = await cli(
      [
        'messenger:link',
        '--page-id',
        '101',
        `--page-token=${PAGE_TOKEN}`,
        '--jwt',
        JWT,
        '--private-key',
        keys.privatePem,
      ],
      {
        cwd: dir,
        env: {DEBUG: '*', HOME: join(dir, 'home')},
      },
    )
    const own = withinReach(run.stderr)
      .split('\n')
      .filter((line) => / oclif:nexmo:messenger:link init version: /.test(line))
    expect(own, run.stderr.slice(0, 2000)).to.have.length(1)
    expect(own[0]).to.include("'--page-token=<redacted>', '--jwt', '<redacted>', '--private-key', '<redacted>'")
    for (const canary of [PAGE_TOKEN, JWT, 'PRIVATE KEY']) expect(withinReach(run.stderr)).not.to.include(canary)
  })

  it('#11.5 hints at --private-key given as key text, and not at --page-token=-', async () => {
    const env = {HOME: join(dir, 'home')}
    const pem = await cli(['jwt:decode', goodJwt, '--private-key', keys.privatePem], {cwd: dir, env})
    expect(pem.stderr).to.match(
      /^Hint: --private-key on the command line is kept in shell history and shows in ps and DEBUG output; prefer a key file or VONAGE_PRIVATE_KEY\n/,
    )
    const path = await cli(['jwt:decode', goodJwt, '--private-key', keys.privateFile], {cwd: dir, env})
    expect(path.stderr).to.equal('')
    // with API credentials, so that the linking calls have a way to authenticate and the Page token is what is missing
    const stdin = await cli(['messenger:link', '--page-id', '101', '--page-token=-'], {
      cwd: dir,
      env: {...env, VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's'},
      input: '',
    })
    expect(stdin.stderr).to.equal('Error: standard input was empty; expected the Page token\n')
  })
})
