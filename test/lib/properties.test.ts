// Property-based tests: for any input at all, the claim parser, the key loader and the API-error
// reader either succeed or fail with one of our usage errors — never a crash, never an echo of a
// secret-sized input.
import {expect} from 'chai'
import fc from 'fast-check'

import {buildClaims, parseClaimArgs} from '../../src/lib/claims.js'
import {PluginError} from '../../src/lib/errors.js'
import {describeErrorBody, errorFromStatus} from '../../src/lib/http.js'
import {normalizePem, parsePrivateKey, parsePublicKey} from '../../src/lib/keys.js'

const context = {host: 'https://api.example', service: 'Vonage', timeoutMs: 1000}
const NAME = fc
  .stringMatching(/^[A-Za-z_][\w.:-]{0,20}$/)
  .filter((name) => !['acl', 'exp', 'iat', 'nbf'].includes(name))

/** Runs `work`; it must return, or throw a usage PluginError. */
function usageOrValue<T>(work: () => T): T | PluginError {
  try {
    return work()
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PluginError)
    expect((error as PluginError).kind).to.equal('usage')
    return error as PluginError
  }
}

describe('faults: properties', () => {
  it('parseClaimArgs: any arguments give claims or a usage error', () => {
    fc.assert(
      fc.property(fc.array(fc.string({maxLength: 60}), {maxLength: 6}), (args) => {
        usageOrValue(() => parseClaimArgs(args))
      }),
      {numRuns: 500},
    )
  })

  it('parseClaimArgs: name=value keeps the value exactly, = and all', () => {
    fc.assert(
      fc.property(NAME, fc.string({maxLength: 80}), (name, value) => {
        expect(parseClaimArgs([`${name}=${value}`])).to.deep.equal({[name]: value})
      }),
      {numRuns: 500},
    )
  })

  it('buildClaims: any flag values give claims with exp - iat within 24 h, or a usage error', () => {
    const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, {nil: undefined})
    fc.assert(
      fc.property(
        fc.record({
          acl: maybe(fc.string()),
          appId: maybe(fc.string()),
          exp: maybe(fc.integer()),
          jti: maybe(fc.string()),
          nbf: maybe(fc.integer()),
          sub: maybe(fc.string()),
          ttl: maybe(fc.integer()),
        }),
        (flags) => {
          const result = usageOrValue(() => buildClaims({...flags, now: 1_800_000_000}))
          if (result instanceof PluginError) return
          const lifetime = (result.exp as number) - (result.iat as number)
          expect(lifetime).to.be.within(1, 86_400)
          expect(typeof result.application_id).to.equal('string')
        },
      ),
      {numRuns: 1000},
    )
  })

  it('the key loaders: any text gives an RSA key or a usage error that never repeats the text', () => {
    const text = fc.oneof(
      fc.string({maxLength: 400}),
      fc.string({maxLength: 300}).map((body) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`),
      fc.string({maxLength: 300}).map((body) => `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`),
      fc.uint8Array({maxLength: 300}).map((bytes) => Buffer.from(bytes).toString('latin1')),
    )
    fc.assert(
      fc.property(text, (input) => {
        for (const parse of [parsePrivateKey, parsePublicKey]) {
          const result = usageOrValue(() => parse({origin: 'KEY', text: normalizePem(input)}))
          if (result instanceof PluginError && input.trim().length >= 12)
            expect(result.message).not.to.include(input.trim())
        }
      }),
      {numRuns: 500},
    )
  })

  it('the API-error reader: any body and status give one typed error naming the status', () => {
    const body = fc.oneof(
      fc.string({maxLength: 200}),
      fc.json({maxDepth: 3}),
      fc.jsonValue({maxDepth: 3}).map((value) => JSON.stringify({error: value, title: value})),
    )
    fc.assert(
      fc.property(fc.integer({max: 599, min: 400}), body, (status, text) => {
        const said = describeErrorBody(text)
        expect(said === undefined || typeof said === 'string').to.equal(true)
        const error = errorFromStatus(status, text, context, 'doing it')
        expect(error).to.be.instanceOf(PluginError)
        expect(error.message).to.include(String(status))
        expect(error.status).to.equal(status)
        expect(['auth', 'conflict', 'not-found', 'remote']).to.include(error.kind)
      }),
      {numRuns: 1000},
    )
  })
})
