// bin/run.js answers a plain jwt:generate without loading oclif. Whatever path runs, the user must
// see the same thing: the same claims, the same one-line errors, the same exit codes.
import {expect} from 'chai'
import {rmSync} from 'node:fs'

import {cli, type RunResult} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'

/** The token's claims without the ones that differ on every run. */
function stableClaims(run: RunResult): Record<string, unknown> | undefined {
  if (run.code !== 0) return undefined
  const claims = JSON.parse(Buffer.from(run.stdout.trim().split('.')[1], 'base64url').toString())
  const {exp, iat, jti, ...rest} = claims
  return {...rest, jtiIsUuid: /^[\da-f-]{36}$/.test(jti) || jti, lifetime: exp - iat}
}

describe('e2e: the jwt:generate fast path agrees with the oclif path', function () {
  this.timeout(60_000)
  const keys = testKeys()
  /** name, arguments, environment, standard input, and what both paths must do (besides agreeing). */
  const cases: Array<[string, string[], Record<string, string>?, string?, {code: number; stderr: RegExp}?]> = [
    ['the manual flow', [keys.privateFile, `application_id=${APP}`]],
    [
      'every claim flag',
      [
        keys.privateFile,
        '--app-id',
        APP,
        '--sub',
        'alice',
        '--acl',
        '{"paths":{}}',
        '--ttl',
        '60',
        '--jti',
        'j-1',
        '--nbf',
        '1800000000',
      ],
    ],
    ['--force past 24 h', [keys.privateFile, `application_id=${APP}`, '--ttl', '90000', '--force']],
    [
      '--exp as a flag (with iat pinned, so the lifetime cannot differ)',
      [
        keys.privateFile,
        `application_id=${APP}`,
        `iat=${Math.floor(Date.now() / 1000)}`,
        '--exp',
        String(Math.floor(Date.now() / 1000) + 120),
      ],
    ],
    [
      'the key from VONAGE_PRIVATE_KEY',
      [`application_id=${APP}`],
      {VONAGE_PRIVATE_KEY: keys.privatePem.replaceAll('\n', '\\n')},
    ],
    ['a missing key file', ['/no/such.key', `application_id=${APP}`]],
    ['a public key', [keys.publicFile, `application_id=${APP}`]],
    ['an EC key', [keys.files.ec, `application_id=${APP}`]],
    ['no application_id', [keys.privateFile]],
    ['a malformed claim', [keys.privateFile, `application_id=${APP}`, 'oops']],
    ['bad JSON in --acl', [keys.privateFile, `application_id=${APP}`, '--acl', '{nope']],
    ['a lifetime over 24 h', [keys.privateFile, `application_id=${APP}`, '--ttl', '90000']],
    ['--ttl 0', [keys.privateFile, `application_id=${APP}`, '--ttl', '0']],
    ['--ttl -5', [keys.privateFile, `application_id=${APP}`, '--ttl', '-5']],
    ['--ttl abc', [keys.privateFile, `application_id=${APP}`, '--ttl', 'abc']],
    ['exp in milliseconds', [keys.privateFile, `application_id=${APP}`, `exp=${Date.now()}`]],
    ['an unknown flag', [keys.privateFile, `application_id=${APP}`, '--bogus']],
    ['a flag without its value', [keys.privateFile, `application_id=${APP}`, '--sub']],
    // Standard input is read only for "-": never as missing arguments (oclif's default), on either path.
    [
      '#11.10 stdin lines are not read as arguments (key in VONAGE_PRIVATE_KEY)',
      ['--app-id', APP],
      {VONAGE_PRIVATE_KEY: keys.privatePem},
      'A1\nA2\n',
      {code: 0, stderr: /^$/},
    ],
    [
      '#11.10 a piped key without "-" is not read',
      ['--app-id', APP],
      {},
      keys.privatePem,
      {
        code: 2,
        stderr:
          /^Error: no private key given: pass a file path, "-" to read it from standard input, or set VONAGE_PRIVATE_KEY\n$/,
      },
    ],
    [
      '#11.10 a piped claim is not read',
      [keys.privateFile],
      {},
      `application_id=${APP}\n`,
      {code: 2, stderr: /^Error: application_id is required/},
    ],
    ['#11.10 "-" reads the piped key', ['-', '--app-id', APP], {}, keys.privatePem, {code: 0, stderr: /^$/}],
    [
      '#11.4 key text without its PEM lines, in VONAGE_PRIVATE_KEY',
      ['--app-id', APP],
      {
        VONAGE_PRIVATE_KEY: keys.privatePem
          .split('\n')
          .filter((line) => !line.startsWith('-----'))
          .join(''),
      },
      undefined,
      {
        code: 2,
        stderr:
          /^Error: VONAGE_PRIVATE_KEY is neither PEM private key text nor the path of a readable file \(it looks like private key text without its "-----BEGIN" and "-----END" lines\)\n$/,
      },
    ],
    [
      '#11.4 key text as the first argument, without -- (read as a flag): not repeated, and says what to do',
      [keys.privatePem, `application_id=${APP}`],
      {},
      undefined,
      {
        code: 2,
        stderr:
          /\nError: key text given as an argument starts with dashes, so it was read as a flag: put -- before it, or better give a key file, "-" or VONAGE_PRIVATE_KEY\n$/,
      },
    ],
    [
      '#11.5 the key as text on the command line (after --, as it starts with dashes) gets the hint',
      ['--', keys.privatePem, `application_id=${APP}`],
      {},
      undefined,
      {
        code: 0,
        stderr:
          /^Hint: the private key text on the command line is kept in shell history and shows in ps and DEBUG output; prefer a key file, "-" or VONAGE_PRIVATE_KEY\n$/,
      },
    ],
  ]

  let home: string
  before(() => {
    home = tempDir('fast-home')
  })
  after(() => rmSync(home, {force: true, recursive: true}))

  for (const [name, args, env, input, expected] of cases) {
    it(name, async () => {
      const [fast, oclif] = await Promise.all([
        cli(['jwt:generate', ...args], {env: {HOME: home, ...env}, input}),
        cli(['jwt:generate', ...args], {env: {HOME: home, ...env, NEXMO_MESSENGER_FAST: '0'}, input}),
      ])
      expect(fast.code, fast.stderr).to.equal(oclif.code)
      expect(fast.stderr).to.equal(oclif.stderr)
      expect(stableClaims(fast)).to.deep.equal(stableClaims(oclif))
      if (fast.code !== 0) expect(fast.stdout).to.equal('')
      if (expected) {
        expect(fast.code, fast.stderr).to.equal(expected.code)
        expect(fast.stderr).to.match(expected.stderr)
      }
    })
  }
})
