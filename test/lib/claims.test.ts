import {expect} from 'chai'

import {buildClaims, DEFAULT_TTL, parseClaimArgs, splitKeyAndClaims} from '../../src/lib/claims.js'
import {PluginError} from '../../src/lib/errors.js'

const NOW = 1_800_000_000

function usageMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(PluginError)
    expect((error as PluginError).kind).to.equal('usage')
    return (error as PluginError).message
  }

  throw new Error('expected a usage error')
}

describe('parseClaimArgs', () => {
  it('reads name=value as strings and exp/nbf/iat/acl as JSON, like nexmo-cli', () => {
    expect(
      parseClaimArgs([
        'application_id=abc',
        'sub=42',
        'exp=1800000100',
        'acl={"paths":{"/*/users/**":{}}}',
        'note=a=b',
      ]),
    ).to.deep.equal({
      acl: {paths: {'/*/users/**': {}}},
      application_id: 'abc',
      exp: 1_800_000_100,
      note: 'a=b',
      sub: '42',
    })
  })

  it("takes claims named like an object's own methods (constructor, toString) as claims, and refuses __proto__", () => {
    expect(parseClaimArgs(['constructor=1', 'toString=a', 'hasOwnProperty=b'])).to.deep.equal({
      constructor: '1',
      hasOwnProperty: 'b',
      toString: 'a',
    })
    expect(() => parseClaimArgs(['__proto__=1'])).to.throw(/claim __proto__ is not allowed/)
    expect(buildClaims({appId: 'app', claims: parseClaimArgs(['constructor=x']), now: 0})).to.include({
      constructor: 'x',
    })
  })

  it('refuses text that is not name=value', () => {
    expect(usageMessage(() => parseClaimArgs(['application_id']))).to.match(/claim "application_id" is not name=value/)
    expect(usageMessage(() => parseClaimArgs(['=x']))).to.match(/not name=value/)
  })

  it('#11.4 never repeats a claim argument or value that looks like a key or token', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDCz3Fswr94p5kJJ\n-----END PRIVATE KEY-----\n'
    const notAClaim = usageMessage(() => parseClaimArgs(['application_id=x', pem]))
    expect(notAClaim).to.equal(
      `claim (a value of ${pem.length} characters, not shown) is not name=value (for example application_id=YOUR_APP_ID)`,
    )
    const token = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0'
    const badJson = usageMessage(() => parseClaimArgs([`acl=${token}`]))
    expect(badJson).to.match(/^claim acl is not valid JSON \(\(a value of \d+ characters, not shown\)\)/)
    expect(badJson).not.to.include('eyJhbGci')
    const time = usageMessage(() => buildClaims({appId: 'a', claims: {exp: token}, now: NOW}))
    expect(time).to.equal(
      `exp must be a whole number of seconds since 1970, not (a value of ${token.length + 2} characters, not shown)`,
    )
  })

  it('refuses bad JSON in a JSON claim and names the claim', () => {
    expect(usageMessage(() => parseClaimArgs(['acl={paths:']))).to.match(/claim acl is not valid JSON/)
  })

  it('refuses a claim given twice', () => {
    expect(usageMessage(() => parseClaimArgs(['sub=a', 'sub=b']))).to.match(/sub is given twice/)
  })

  it('reads iat and nbf as JSON numbers too, so they pass the time checks', () => {
    expect(parseClaimArgs(['iat=1800000000', 'nbf=1800000010'])).to.deep.equal({iat: 1_800_000_000, nbf: 1_800_000_010})
  })

  it('refuses a claim name that does not start with a letter or underscore', () => {
    expect(usageMessage(() => parseClaimArgs(['9sub=x']))).to.match(/claim "9sub=x" is not name=value/)
    expect(usageMessage(() => parseClaimArgs(['-sub=x']))).to.match(/is not name=value/)
  })

  it('suggests an example of the right shape for bad JSON: an object for acl, seconds for a time', () => {
    expect(usageMessage(() => parseClaimArgs(['acl={paths:']))).to.match(
      /; for example '\{"paths":\{"\/\*\/users\/\*\*":\{\}\}\}'$/,
    )
    expect(usageMessage(() => buildClaims({acl: '{bad', appId: 'a', now: NOW}))).to.match(
      /^--acl is not valid JSON .*; for example '\{"paths"/,
    )
    expect(usageMessage(() => parseClaimArgs(['exp=soon']))).to.match(
      /^claim exp is not valid JSON .*; for example 1767225600$/,
    )
  })

  it('shortens long values in messages', () => {
    const message = usageMessage(() => parseClaimArgs([`x${'y'.repeat(500)}`]))
    expect(message.length).to.be.below(120)
  })
})

describe('buildClaims', () => {
  it('makes application_id, iat, jti (UUID) and exp = iat + 900 seconds, in that order', () => {
    const claims = buildClaims({claims: {application_id: 'app'}, now: NOW})
    expect(Object.keys(claims)).to.deep.equal(['application_id', 'iat', 'jti', 'exp'])
    expect(claims.iat).to.equal(NOW)
    expect(claims.exp).to.equal(NOW + DEFAULT_TTL)
    expect(claims.jti).to.match(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/)
  })

  it('uses the clock in seconds, not milliseconds', () => {
    const claims = buildClaims({appId: 'app'})
    const now = Date.now() / 1000
    expect(claims.iat).to.be.within(now - 5, now + 1)
    expect((claims.exp as number) - (claims.iat as number)).to.equal(900)
  })

  it('takes flags for every claim and keeps --ttl out of the claims', () => {
    const claims = buildClaims({
      acl: '{"paths":{}}',
      appId: 'app',
      jti: 'id-1',
      nbf: NOW + 10,
      now: NOW,
      sub: 'alice',
      ttl: 60,
    })
    expect(claims).to.deep.equal({
      acl: {paths: {}},
      application_id: 'app',
      exp: NOW + 60,
      iat: NOW,
      jti: 'id-1',
      nbf: NOW + 10,
      sub: 'alice',
    })
    expect(claims).not.to.have.property('ttl')
  })

  it('honours an explicit exp and iat', () => {
    expect(buildClaims({claims: {application_id: 'a', exp: NOW + 100, iat: NOW - 5}, now: NOW})).to.include({
      exp: NOW + 100,
      iat: NOW - 5,
    })
    expect(buildClaims({appId: 'a', exp: NOW + 30, now: NOW})).to.include({exp: NOW + 30})
  })

  it('requires application_id', () => {
    expect(usageMessage(() => buildClaims({now: NOW}))).to.match(/application_id is required/)
    expect(usageMessage(() => buildClaims({claims: {application_id: ''}, now: NOW}))).to.match(
      /application_id is required/,
    )
    expect(usageMessage(() => buildClaims({appId: '   ', now: NOW}))).to.match(/application_id is required/)
  })

  it('orders every known claim, then the custom ones in the order given', () => {
    const claims = buildClaims({
      acl: '{}',
      claims: {note: 'n', zeta: 'z'},
      exp: NOW + 60,
      appId: 'a',
      jti: 'j',
      nbf: NOW,
      now: NOW,
      sub: 's',
    })
    expect(Object.keys(claims)).to.deep.equal([
      'application_id',
      'iat',
      'jti',
      'exp',
      'nbf',
      'sub',
      'acl',
      'note',
      'zeta',
    ])
    expect(claims).to.include({note: 'n', zeta: 'z'})
  })

  it('names the flag of a claim given twice: --app-id for application_id, --NAME for the others', () => {
    expect(
      usageMessage(() => buildClaims({appId: 'a', claims: {application_id: 'a', sub: 'x'}, now: NOW, sub: 'y'})),
    ).to.equal('sub is given twice with different values (as --sub and as sub=…)')
  })

  it('refuses an empty or non-string jti', () => {
    expect(usageMessage(() => buildClaims({claims: {application_id: 'a', jti: ''}, now: NOW}))).to.equal(
      'jti must be a non-empty string',
    )
    expect(usageMessage(() => buildClaims({claims: {application_id: 'a', jti: 5}, now: NOW}))).to.equal(
      'jti must be a non-empty string',
    )
  })

  it('refuses the same claim twice with different values, accepts it twice with the same', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', claims: {application_id: 'b'}}))).to.match(
      /application_id is given twice.*--app-id/,
    )
    expect(buildClaims({appId: 'a', claims: {application_id: 'a'}, now: NOW}).application_id).to.equal('a')
  })

  it('refuses a lifetime over 24 hours unless forced', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', now: NOW, ttl: 86_401}))).to.match(
      /over Vonage's 24 h maximum.*--force/,
    )
    expect(buildClaims({appId: 'a', now: NOW, ttl: 86_400}).exp).to.equal(NOW + 86_400)
    expect(buildClaims({appId: 'a', force: true, now: NOW, ttl: 10 * 86_400}).exp).to.equal(NOW + 10 * 86_400)
    // a huge --ttl is too long a lifetime, not an exp that looks like milliseconds
    expect(usageMessage(() => buildClaims({appId: 'a', now: NOW, ttl: 1e20}))).to.match(/over Vonage's 24 h maximum/)
  })

  it('refuses a token that would be expired when signed, unless forced', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', exp: NOW, now: NOW}))).to.match(/not after iat/)
    expect(buildClaims({appId: 'a', exp: 1, force: true, now: NOW}).exp).to.equal(1)
  })

  it('refuses times in milliseconds, negative or not numbers', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', exp: Date.now(), now: NOW}))).to.match(/looks like milliseconds/)
    expect(usageMessage(() => buildClaims({claims: {application_id: 'a', nbf: 'soon'}, now: NOW}))).to.match(
      /nbf must be a whole number/,
    )
    expect(usageMessage(() => buildClaims({claims: {application_id: 'a', iat: -1}, now: NOW}))).to.match(/iat must be/)
    expect(usageMessage(() => buildClaims({claims: {application_id: 'a', nbf: NOW + 0.5}, now: NOW}))).to.match(
      /nbf must be a whole number/,
    )
  })

  it('suggests the time in seconds when it looks like milliseconds', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', exp: 1_800_000_000_123, now: NOW}))).to.equal(
      'exp=1800000000123 looks like milliseconds; JWT times are seconds since 1970 (1800000000?)',
    )
  })

  it('accepts 0 (1970) as a time when forced', () => {
    expect(buildClaims({appId: 'a', claims: {nbf: 0}, force: true, now: NOW}).nbf).to.equal(0)
  })

  it('refuses a bad ttl, and ttl with exp', () => {
    expect(usageMessage(() => buildClaims({appId: 'a', now: NOW, ttl: -5}))).to.match(/--ttl must be a whole number/)
    expect(usageMessage(() => buildClaims({appId: 'a', now: NOW, ttl: 0}))).to.equal(
      '--ttl must be a whole number of seconds above 0, not 0',
    )
    expect(usageMessage(() => buildClaims({appId: 'a', now: NOW, ttl: 1.5}))).to.match(/--ttl/)
    expect(usageMessage(() => buildClaims({appId: 'a', exp: NOW + 5, now: NOW, ttl: 60}))).to.match(
      /either --ttl or exp/,
    )
  })

  it('refuses an acl that is not a JSON object', () => {
    expect(usageMessage(() => buildClaims({acl: '[1]', appId: 'a', now: NOW}))).to.match(/acl must be a JSON object/)
    expect(usageMessage(() => buildClaims({acl: '{bad', appId: 'a', now: NOW}))).to.match(/--acl is not valid JSON/)
    for (const acl of ['"paths"', 'null', '3'])
      expect(
        usageMessage(() => buildClaims({acl, appId: 'a', now: NOW})),
        acl,
      ).to.match(/acl must be a JSON object/)
  })
})

describe('splitKeyAndClaims', () => {
  const noFiles = () => false
  it('takes the first argument as the key', () => {
    expect(splitKeyAndClaims(['./temp.key', 'application_id=x'], noFiles)).to.deep.equal({
      claims: ['application_id=x'],
      key: './temp.key',
    })
  })

  it('takes a leading claim as a claim when no such file exists (key from VONAGE_PRIVATE_KEY)', () => {
    expect(splitKeyAndClaims(['application_id=x', 'sub=y'], noFiles)).to.deep.equal({
      claims: ['application_id=x', 'sub=y'],
    })
    expect(splitKeyAndClaims(['a=b.key'], () => true)).to.deep.equal({claims: [], key: 'a=b.key'})
  })

  it('takes a first argument that is a path, not a claim name, as the key even when no such file exists', () => {
    expect(splitKeyAndClaims(['./keys/a=b.key', 'sub=y'], noFiles)).to.deep.equal({
      claims: ['sub=y'],
      key: './keys/a=b.key',
    })
  })

  it('gives no key and no claims for no arguments', () => {
    expect(splitKeyAndClaims([], noFiles)).to.deep.equal({claims: []})
  })
})
