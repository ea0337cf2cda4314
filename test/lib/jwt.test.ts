import {expect} from 'chai'
import {createPublicKey, createVerify} from 'node:crypto'

import {buildClaims} from '../../src/lib/claims.js'
import {PluginError} from '../../src/lib/errors.js'
import {decodeJwt, inspectJwt, invalidReason, signJwt, timeClaimsProblem, timeStatus} from '../../src/lib/jwt.js'
import {parsePrivateKey, parsePublicKey, readKeyText} from '../../src/lib/keys.js'
import {testKeys} from '../helpers/keys.js'

const NOW = Math.floor(Date.now() / 1000)

/** An independent check of an RS256 JWT with node:crypto, not with the code under test. */
function verifiedByNodeCrypto(token: string, publicPem: string): boolean {
  const [header, payload, signature] = token.split('.')
  return createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(createPublicKey(publicPem), Buffer.from(signature, 'base64url'))
}

describe('jwt', () => {
  const keys = testKeys()
  const sign = async (claims: Record<string, unknown>) =>
    signJwt(parsePrivateKey({origin: 'test', text: keys.privatePem}), claims)
  const publicKey = () => parsePublicKey({origin: 'test', text: keys.publicPem})

  it('signs RS256 with header {alg:RS256, typ:JWT} that node:crypto verifies', async () => {
    const claims = buildClaims({appId: 'app-1', now: NOW})
    const token = await sign(claims)
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    expect(header).to.deep.equal({alg: 'RS256', typ: 'JWT'})
    expect(payload).to.deep.equal(claims)
    expect(verifiedByNodeCrypto(token, keys.publicPem)).to.equal(true)
  })

  it('decodes header and claims', async () => {
    const token = await sign({application_id: 'x', exp: NOW + 60, iat: NOW})
    expect(await decodeJwt(` ${token}\n`)).to.deep.equal({
      claims: {application_id: 'x', exp: NOW + 60, iat: NOW},
      header: {alg: 'RS256', typ: 'JWT'},
    })
  })

  it('refuses what is not a JWT', async () => {
    for (const [input, message] of [
      ['abc', /not a JWT/],
      ['a.b.c', /not a valid JWT/],
      ['', /not a JWT/],
    ] as const) {
      try {
        await decodeJwt(input)
        expect.fail('should have thrown')
      } catch (error) {
        expect((error as PluginError).kind).to.equal('usage')
        expect((error as Error).message).to.match(message)
      }
    }
  })

  it('says valid for a good signature, invalid for tampered claims or another key', async () => {
    const token = await sign({application_id: 'x', exp: NOW + 60, iat: NOW})
    expect((await inspectJwt(token, publicKey(), NOW)).signature).to.equal('valid')
    const [header, , signature] = token.split('.')
    const forged = Buffer.from(JSON.stringify({application_id: 'y', exp: NOW + 60, iat: NOW})).toString('base64url')
    const tampered = await inspectJwt(`${header}.${forged}.${signature}`, publicKey(), NOW)
    expect(tampered).to.include({signature: 'invalid', valid: false})
    const other = parsePublicKey(await readKeyText(keys.otherPublicFile, {what: 'public key'}))
    expect((await inspectJwt(token, other, NOW)).signature).to.equal('invalid')
    expect((await inspectJwt(token, undefined, NOW)).signature).to.equal('not checked')
  })

  it('#11.15 a non-numeric exp, nbf or iat makes the token malformed, and says which claim', async () => {
    for (const [claims, problem] of [
      [{exp: '1'}, 'its exp claim is "1", not a number of seconds since 1970'],
      [{exp: NOW + 60, nbf: null}, 'its nbf claim is null, not a number of seconds since 1970'],
      [{exp: NOW + 60, iat: {at: 1}}, 'its iat claim is {"at":1}, not a number of seconds since 1970'],
    ] as const) {
      expect(timeClaimsProblem(claims)).to.equal(problem)
      expect(timeStatus(claims, NOW)).to.equal('malformed')
      const report = await inspectJwt(await sign(claims), publicKey(), NOW)
      expect(report).to.include({signature: 'valid', status: 'malformed', valid: false})
      expect(invalidReason(report)).to.equal(problem)
    }

    expect(timeClaimsProblem({exp: NOW + 0.5, iat: NOW, nbf: NOW})).to.equal(undefined)
  })

  it('tells expired and not-yet-valid tokens apart', () => {
    expect(timeStatus({exp: NOW}, NOW)).to.equal('expired')
    expect(timeStatus({exp: NOW + 1}, NOW)).to.equal('valid')
    expect(timeStatus({exp: NOW + 100, nbf: NOW + 10}, NOW)).to.equal('not-yet-valid')
    expect(timeStatus({}, NOW)).to.equal('valid')
  })
})
