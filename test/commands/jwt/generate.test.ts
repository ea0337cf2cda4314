import {runCommand} from '@oclif/test'
import {expect} from 'chai'

import JwtGenerate from '../../../src/commands/jwt/generate.js'
import type {FlagSpecs} from '../../../src/lib/flag-spec.js'
import {JWT_GENERATE_FLAGS} from '../../../src/lib/jwt-generate.js'
import {run} from '../../helpers/in-process.js'
import {testKeys} from '../../helpers/keys.js'

const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString())

describe('jwt:generate', () => {
  const keys = testKeys()

  it('prints only the token and a newline', async () => {
    const {error, stderr, stdout} = await run(['jwt:generate', keys.privateFile, 'application_id=app-1'])
    expect(error).to.equal(undefined)
    expect(stderr).to.equal('')
    expect(stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const claims = decodePart(stdout.split('.')[1])
    expect(claims.application_id).to.equal('app-1')
    expect(claims.exp - claims.iat).to.equal(900)
  })

  it('takes every claim flag and --ttl', async () => {
    const {stdout} = await run([
      'jwt:generate',
      keys.privateFile,
      '--app-id',
      'a',
      '--sub',
      'bob',
      '--acl',
      '{"paths":{}}',
      '--ttl',
      '60',
      '--jti',
      'j1',
    ])
    expect(decodePart(stdout.split('.')[1])).to.deep.include({
      acl: {paths: {}},
      application_id: 'a',
      jti: 'j1',
      sub: 'bob',
    })
  })

  it('--json prints {token, header, claims}', async () => {
    const {stdout} = await run(['jwt:generate', keys.privateFile, 'application_id=a', '--json'])
    const result = JSON.parse(stdout)
    expect(Object.keys(result).sort()).to.deep.equal(['claims', 'header', 'token', 'warnings'])
    expect(result.header).to.deep.equal({alg: 'RS256', typ: 'JWT'})
    expect(decodePart(result.token.split('.')[1])).to.deep.equal(result.claims)
  })

  const bad: Array<[string, string[], RegExp]> = [
    ['a missing file', ['/no/such.key', 'application_id=a'], /private key file not found: \/no\/such.key/],
    ['a public key', [keys.publicFile, 'application_id=a'], /is a public key/],
    ['an encrypted key', [keys.files.encrypted, 'application_id=a'], /encrypted with a passphrase/],
    ['garbage', [keys.files.garbage, 'application_id=a'], /is not a PEM private key/],
    ['an EC key', [keys.files.ec, 'application_id=a'], /is an EC key; Vonage JWTs are RS256 and need an RSA key/],
    ['no application_id', [keys.privateFile], /application_id is required/],
    ['malformed name=value', [keys.privateFile, 'application_id=a', 'sub'], /claim "sub" is not name=value/],
    ['bad JSON in acl', [keys.privateFile, 'application_id=a', 'acl={x'], /claim acl is not valid JSON/],
    ['bad JSON in --acl', [keys.privateFile, 'application_id=a', '--acl', 'nope'], /--acl is not valid JSON/],
    [
      'a negative ttl',
      [keys.privateFile, 'application_id=a', '--ttl', '-1'],
      /--ttl must be a whole number of seconds above 0, not -1/,
    ],
    [
      'a zero ttl',
      [keys.privateFile, 'application_id=a', '--ttl', '0'],
      /--ttl must be a whole number of seconds above 0, not 0/,
    ],
    ['a non-numeric ttl', [keys.privateFile, 'application_id=a', '--ttl', 'soon'], /--ttl Expected an integer/],
    ['a lifetime over 24 h', [keys.privateFile, 'application_id=a', '--ttl', '90000'], /over Vonage's 24 h maximum/],
    ['exp in milliseconds', [keys.privateFile, 'application_id=a', `exp=${Date.now()}`], /looks like milliseconds/],
    ['an unknown flag', [keys.privateFile, 'application_id=a', '--bogus'], /Nonexistent flag: --bogus/],
  ]
  for (const [name, args, message] of bad) {
    it(`refuses ${name}: one line, exit 2, nothing on stdout`, async () => {
      const {error, stderr, stdout} = await run(['jwt:generate', ...args])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stdout).to.equal('')
      expect(stderr).to.match(/^Error: .+\n$/)
      expect(stderr).to.match(message)
    })
  }

  it('#11 (low) help names the arguments one way: [PRIVATE_KEY] [NAME=VALUE...], never [PRIVATE_KEY...]', async () => {
    // help is rendered by oclif from the manifest: runCommand's way, through dist/
    const {stdout} = await runCommand(['jwt:generate', '--help'])
    expect(stdout).to.include('$ nexmo jwt:generate [PRIVATE_KEY] [NAME=VALUE...] [FLAGS]')
    expect(stdout).not.to.include('PRIVATE_KEY...')
    expect(stdout).to.match(/PRIVATE_KEY, the first argument, is a key file/)
  })

  it('--force signs a lifetime over 24 h', async () => {
    const {error, stdout} = await run([
      'jwt:generate',
      keys.privateFile,
      'application_id=a',
      '--ttl',
      '90000',
      '--force',
    ])
    expect(error).to.equal(undefined)
    const claims = decodePart(stdout.split('.')[1])
    expect(claims.exp - claims.iat).to.equal(90_000)
  })

  it('--json reports an error as {error: {kind, exit_code, message}}', async () => {
    const {stdout} = await run(['jwt:generate', keys.privateFile, '--json'])
    expect(JSON.parse(stdout)).to.deep.equal({
      error: {
        exit_code: 2,
        kind: 'usage',
        message: 'application_id is required: pass application_id=YOUR_APP_ID or --app-id YOUR_APP_ID',
      },
      warnings: [],
    })
  })

  it('#14.4 takes its flags from the spec the fast path parses by, and no others', () => {
    // A flag added to the command alone would be unknown to the fast path: with an env or a default,
    // the two paths would read the same command line differently.
    const types = {boolean: 'boolean', integer: 'option', string: 'option'}
    expect(Object.keys(JwtGenerate.flags)).to.deep.equal(Object.keys(JWT_GENERATE_FLAGS))
    for (const [name, {kind, ...spec}] of Object.entries(JWT_GENERATE_FLAGS as FlagSpecs)) {
      const flag = JwtGenerate.flags[name as keyof typeof JWT_GENERATE_FLAGS] as unknown as Record<string, unknown>
      expect(flag.type, name).to.equal(types[kind])
      expect(flag, name).to.include(spec)
      for (const key of ['char', 'default', 'env', 'max', 'min'].filter((key) => !(key in spec)))
        expect(flag[key], `${name}: ${key}`).to.equal(undefined)
    }
  })
})
