// jwt:generate's procedure with --private-key, as `vonage jwt create` takes the key: beside the
// positional key, never together with it, and with every argument then read as a claim.
import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {PluginError} from '../../src/lib/errors.js'
import {decodeJwt} from '../../src/lib/jwt.js'
import {generateToken} from '../../src/lib/jwt-generate.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as PluginError,
  )

describe('generateToken with --private-key', () => {
  const keys = testKeys()

  it("signs with `vonage jwt create`'s flags: --private-key FILE --app-id --ttl --sub --acl", async () => {
    const {claims, token} = await generateToken([], {
      acl: '{"paths":{"/*/users/**":{}}}',
      'app-id': 'app-1',
      'private-key': keys.privateFile,
      sub: 'alice',
      ttl: 60,
    })
    expect(claims).to.deep.include({acl: {paths: {'/*/users/**': {}}}, application_id: 'app-1', sub: 'alice'})
    expect((claims.exp as number) - (claims.iat as number)).to.equal(60)
    expect((await decodeJwt(token)).claims).to.deep.equal(claims)
  })

  it('takes the PEM text itself, with literal \\n too', async () => {
    for (const pem of [keys.privatePem, keys.privatePem.trim().replaceAll('\n', '\\n')]) {
      const {claims} = await generateToken(['application_id=a'], {'private-key': pem})
      expect(claims.application_id).to.equal('a')
    }
  })

  it('reads every argument as a claim, even one named like an existing file (without --private-key, the key)', async () => {
    const dir = tempDir('jwt-claims')
    writeFileSync(join(dir, 'sub=bob'), keys.privatePem)
    const saved = process.cwd()
    process.chdir(dir) // splitKeyAndClaims looks for the file where the command runs
    try {
      const {claims} = await generateToken(['sub=bob', 'application_id=a'], {'private-key': keys.privateFile})
      expect(claims).to.deep.include({application_id: 'a', sub: 'bob'})
      const asKey = await generateToken(['sub=bob', 'application_id=a'], {})
      expect(asKey.claims).not.to.have.property('sub')
    } finally {
      process.chdir(saved)
    }
  })

  it('refuses the key given twice (argument and --private-key): one line, exit 2, no key repeated', async () => {
    for (const first of [keys.privateFile, keys.privatePem, '-']) {
      const error = await failure(generateToken([first, 'application_id=a'], {'private-key': keys.privateFile}))
      expect(error.message).to.equal(
        'the private key is given twice, as the PRIVATE_KEY argument and as --private-key; give one',
      )
      expect(error.exitCode).to.equal(2)
    }
  })

  it('names --private-key in its messages, and refuses an empty one rather than falling back to VONAGE_PRIVATE_KEY', async () => {
    const missing = await failure(generateToken(['application_id=a'], {'private-key': './no-such.key'}))
    expect(missing.message).to.equal('private key file not found: ./no-such.key')
    const pub = await failure(generateToken(['application_id=a'], {'private-key': keys.publicFile}))
    expect(pub.message).to.match(/public\.pub is a public key/)
    const empty = await failure(generateToken(['application_id=a'], {'private-key': ' '}))
    expect(empty.message).to.equal('--private-key is empty; give a key file, "-" or the PEM text')
  })

  it('refuses --exp with --ttl (vonage jwt create would silently use --ttl and drop --exp)', async () => {
    const error = await failure(
      generateToken([], {'app-id': 'a', exp: 2_000_000_000, 'private-key': keys.privateFile, ttl: 60}),
    )
    expect(error.message).to.match(/^give either --ttl or exp \(--exp or exp=…\), not both/)
  })
})
