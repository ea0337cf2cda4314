import {expect} from 'chai'

import {showInput, showJson} from '../../src/lib/errors.js'
import {commandLineSecretsHint, looksSecret, redactArgv, redactValues} from '../../src/lib/secrets.js'
import {testKeys} from '../helpers/keys.js'

const KEY_BODY = () =>
  testKeys()
    .privatePem.split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('')
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBsaWNhdGlvbl9pZCI6ImEifQ.c2lnbmF0dXJlMTIzNDU2Nzg5MA'

describe('secrets', () => {
  it('#11.4 tells values that may be secrets from paths and ids a message may repeat', () => {
    for (const secret of [
      KEY_BODY(),
      testKeys().privatePem,
      JWT,
      'EAAGm0PX4ZCpsBAKZC0123456789abcdef',
      'aB3dE5fG7hJ9kL1m',
      'deadbeef0123456789abcdef',
      'line\nbreak',
      '\u001B[31mred',
      'x'.repeat(101),
    ]) {
      expect(looksSecret(secret), secret.slice(0, 20)).to.equal(true)
    }

    for (const shown of [
      './temp.key',
      '/home/me/keys/private.key',
      'temp.key',
      'messenger-link-temp-20261201-120000-ab12.key',
      '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f',
      '104857412345678',
      'Pizza Place',
      'sub',
      '=x',
    ]) {
      expect(looksSecret(shown), shown).to.equal(false)
    }
  })

  it('#11.4 shows harmless input quoted and describes the rest without its content', () => {
    expect(showInput('./nope.key')).to.equal('"./nope.key"')
    expect(showInput(JWT)).to.equal(`(a value of ${JWT.length} characters, not shown)`)
    expect(showJson('1')).to.equal('"1"')
    expect(showJson({token: JWT})).not.to.include('eyJ')
  })

  it('#11.5 hints at every secret-bearing flag, and at key text given as an argument', () => {
    const pem = testKeys().privatePem
    expect(commandLineSecretsHint(['--private-key', pem])).to.equal(
      'Hint: --private-key on the command line is kept in shell history and shows in ps and DEBUG output; prefer a key file or VONAGE_PRIVATE_KEY',
    )
    expect(commandLineSecretsHint([`--private-key=${KEY_BODY()}`])).to.match(/^Hint: --private-key /)
    expect(commandLineSecretsHint([pem, 'application_id=x'])).to.equal(
      'Hint: the private key text on the command line is kept in shell history and shows in ps and DEBUG output; prefer a key file, "-" or VONAGE_PRIVATE_KEY',
    )
    expect(commandLineSecretsHint(['--jwt', JWT, '--api-secret=s'])).to.equal(
      'Hint: --jwt, --api-secret on the command line are kept in shell history and show in ps and DEBUG output; prefer VONAGE_JWT for --jwt; VONAGE_API_SECRET for --api-secret',
    )
    expect(commandLineSecretsHint(['--user-token', 'u'])).to.match(/prefer FACEBOOK_USER_TOKEN$/)
    expect(commandLineSecretsHint(['--page-token', 't'])).to.match(/prefer FACEBOOK_PAGE_TOKEN or --page-token -$/)
  })

  it('#11.5 gives no hint for a key path, for standard input, or for --page-token=-', () => {
    expect(commandLineSecretsHint(['--private-key', './temp.key', '--page-id', '1'])).to.equal(undefined)
    expect(commandLineSecretsHint(['--private-key', '-'])).to.equal(undefined)
    expect(commandLineSecretsHint(['--page-token', '-'])).to.equal(undefined)
    expect(commandLineSecretsHint(['--page-token=-'])).to.equal(undefined)
    expect(commandLineSecretsHint(['./temp.key', 'application_id=x'])).to.equal(undefined)
  })

  it('#11.5 redacts secrets from an argv for debug output, keeping what is harmless', () => {
    const pem = testKeys().privatePem
    expect(
      redactArgv([
        '--page-id',
        '101',
        '--page-token',
        'tok',
        '--jwt=abc',
        pem,
        '--private-key',
        './k.pem',
        '--page-token=-',
      ]),
    ).to.deep.equal([
      '--page-id',
      '101',
      '--page-token',
      '<redacted>',
      '--jwt=<redacted>',
      '<redacted>',
      '--private-key',
      './k.pem',
      '--page-token=-',
    ])
    expect(redactArgv(['jwt:decode', JWT])).to.deep.equal(['jwt:decode', '<redacted>'])
  })

  it('#11.4 takes secret-looking command-line values out of a parser message', () => {
    const body = KEY_BODY()
    expect(redactValues(`Unexpected argument: ${body}`, ['--page-id', '1', body])).to.equal(
      `Unexpected argument: (a value of ${body.length} characters, not shown)`,
    )
    expect(redactValues(`Parsing --ttl Expected an integer but received: ${JWT}`, [`--ttl=${JWT}`])).not.to.include(JWT)
    expect(redactValues('Nonexistent flag: --bogus', ['--bogus'])).to.equal('Nonexistent flag: --bogus')
  })
})
