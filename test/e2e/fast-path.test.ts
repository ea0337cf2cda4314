// bin/run.js answers a plain jwt:generate without loading oclif. Whatever path runs, the user must
// see the same thing: the same claims, the same one-line errors, the same exit codes.
import {expect} from 'chai'
import {rmSync} from 'node:fs'

import {MAX_TTL} from '../../src/lib/claims.js'
import type {FlagSpec, FlagSpecs} from '../../src/lib/flag-spec.js'
import {JWT_GENERATE_FLAGS} from '../../src/lib/jwt-generate.js'
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

/** name, arguments, environment, standard input, and what both paths must do (besides agreeing). */
type Case = [string, string[], Record<string, string>?, string?, {code: number; stderr: RegExp}?]

/**
 * Cases for what jwt:generate's flag spec declares besides names and kinds: each variable (set, and
 * overridden on the command line) and each bound (on it and either side of it, given and from the
 * variable). A default needs no case of its own: every case without that flag uses it. The spec
 * declares none of these today (see JWT_GENERATE_FLAGS), so this adds no case until it does;
 * test/lib/flag-spec.test.ts checks with a spec that has them all that both parsers read them alike.
 */
function specCases(base: string[]): Case[] {
  const sample = (flag: FlagSpec) =>
    flag.kind === 'boolean' ? 'yes' : flag.kind === 'integer' ? String(flag.min ?? flag.max ?? 1) : 'x'
  return Object.entries(JWT_GENERATE_FLAGS as FlagSpecs).flatMap(([name, flag]): Case[] => {
    const given = (value: string) => (flag.kind === 'boolean' ? [`--${name}`] : [`--${name}`, value])
    const cases: Case[] = []
    if (flag.env) {
      cases.push([`spec: --${name} from ${flag.env}`, base, {[flag.env]: sample(flag)}])
      cases.push([`spec: --${name} given wins over ${flag.env}`, [...base, ...given(sample(flag))], {[flag.env]: 'x'}])
    }

    if (flag.kind === 'integer') {
      for (const bound of [flag.min, flag.max].filter((bound) => bound !== undefined)) {
        for (const value of [bound - 1, bound, bound + 1].map(String)) {
          cases.push([`spec: --${name} ${value} (bound ${bound})`, [...base, `--${name}`, value]])
          if (flag.env) cases.push([`spec: ${flag.env}=${value} (bound ${bound})`, base, {[flag.env]: value}])
        }
      }
    }

    return cases
  })
}

describe('e2e: the jwt:generate fast path agrees with the oclif path', function () {
  this.timeout(60_000)
  const keys = testKeys()
  const cases: Case[] = [
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
    [
      `--ttl ${MAX_TTL}, the longest lifetime without --force`,
      [keys.privateFile, `application_id=${APP}`, '--ttl', String(MAX_TTL)],
      {},
      undefined,
      {code: 0, stderr: /^$/},
    ],
    [
      `--ttl ${MAX_TTL + 1}`,
      [keys.privateFile, `application_id=${APP}`, '--ttl', String(MAX_TTL + 1)],
      {},
      undefined,
      {code: 2, stderr: /over Vonage's 24 h maximum/},
    ],
    ['--ttl 1', [keys.privateFile, `application_id=${APP}`, '--ttl', '1'], {}, undefined, {code: 0, stderr: /^$/}],
    ['--nbf 0', [keys.privateFile, `application_id=${APP}`, '--nbf', '0']],
    [
      '--flag=value, with an empty value',
      [keys.privateFile, `--app-id=${APP}`, '--ttl=60', '--sub=', '--force'],
      {},
      undefined,
      {code: 0, stderr: /^$/},
    ],
    [
      '#14.4 a flag given twice (the fast path took the last one; oclif refuses it)',
      [keys.privateFile, `application_id=${APP}`, '--sub', 'a', '--sub', 'b'],
      {},
      undefined,
      {code: 2, stderr: /^Error: Flag --sub can only be specified once \(see --help\)\n$/},
    ],
    [
      '#14.4 an argument equal to an earlier flag value (oclif moves it first; the fast path signed)',
      ['--sub', `application_id=${APP}`, keys.privateFile, `application_id=${APP}`],
      {},
      undefined,
      {code: 2, stderr: /is not name=value/},
    ],
    ['a boolean flag with a value', [keys.privateFile, `application_id=${APP}`, '--force=yes']],
    ['a flag value starting with a dash', [keys.privateFile, `application_id=${APP}`, '--sub', '-alice']],
    ['a short flag jwt:generate does not have', [keys.privateFile, `application_id=${APP}`, '-f']],
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
    ...specCases([keys.privateFile, `application_id=${APP}`]),
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
