// bin/run.js answers a plain jwt:generate without loading oclif. Whatever path runs, the user must
// see the same thing: the same claims, the same one-line errors, the same exit codes.
import {expect} from 'chai'

import {cli, type RunResult} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'

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
  const cases: Array<[string, string[], Record<string, string>?]> = [
    ['the manual flow', [keys.privateFile, `application_id=${APP}`]],
    ['every claim flag', [keys.privateFile, '--app-id', APP, '--sub', 'alice', '--acl', '{"paths":{}}', '--ttl', '60', '--jti', 'j-1', '--nbf', '1800000000']],
    ['--force past 24 h', [keys.privateFile, `application_id=${APP}`, '--ttl', '90000', '--force']],
    ['--exp as a flag (with iat pinned, so the lifetime cannot differ)', [keys.privateFile, `application_id=${APP}`, `iat=${Math.floor(Date.now() / 1000)}`, '--exp', String(Math.floor(Date.now() / 1000) + 120)]],
    ['the key from VONAGE_PRIVATE_KEY', [`application_id=${APP}`], {VONAGE_PRIVATE_KEY: keys.privatePem.replaceAll('\n', '\\n')}],
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
  ]

  for (const [name, args, env] of cases) {
    it(name, async () => {
      const [fast, oclif] = await Promise.all([
        cli(['jwt:generate', ...args], {env}),
        cli(['jwt:generate', ...args], {env: {...env, NEXMO_MESSENGER_FAST: '0'}}),
      ])
      expect(fast.code, fast.stderr).to.equal(oclif.code)
      expect(fast.stderr).to.equal(oclif.stderr)
      expect(stableClaims(fast)).to.deep.equal(stableClaims(oclif))
      if (fast.code !== 0) expect(fast.stdout).to.equal('')
    })
  }
})
