import {expect} from 'chai'

import {checkUsableJwt} from '../../src/lib/link-auth.js'
import {finishCommand} from '../../src/lib/linking.js'
import {signToken} from '../helpers/sandbox.js'
import {testKeys} from '../helpers/keys.js'

const NOW = 1_800_000_000

describe('link-auth', () => {
  const token = (claims: Record<string, unknown>) => signToken(testKeys().privatePem, claims)

  it('accepts a JWT that stays valid for more than a minute', async () => {
    const jwt = token({application_id: 'a', exp: NOW + 61})
    expect(await checkUsableJwt(` ${jwt}\n`, NOW)).to.equal(jwt)
  })

  it('refuses an expired JWT, one about to expire, and one without application_id', async () => {
    const failure = (claims: Record<string, unknown>) => checkUsableJwt(token(claims), NOW).catch((error) => error)
    expect((await failure({application_id: 'a', exp: NOW - 300})).message).to.match(
      /^the JWT given \(--jwt or VONAGE_JWT\) expired 5 min ago; sign a new one/,
    )
    expect((await failure({application_id: 'a', exp: NOW + 30})).message).to.match(/expires in 30 s; sign a new one/)
    expect((await failure({exp: NOW + 600})).message).to.match(/has no application_id claim/)
    expect((await failure({application_id: 'a', exp: NOW - 1})).kind).to.equal('auth')
    expect((await checkUsableJwt('nope', NOW).catch((error) => error)).kind).to.equal('usage')
  })

  it('#11.15 refuses a JWT whose exp is not a number, as Vonage would', async () => {
    const error = await checkUsableJwt(token({application_id: 'a', exp: String(NOW + 600)}), NOW).catch(
      (error_) => error_,
    )
    expect(error.kind).to.equal('usage')
    expect(error.message).to.match(
      /^the JWT given \(--jwt or VONAGE_JWT\) is not usable: its exp claim is "1800000600", not a number of seconds since 1970; sign a new one/,
    )
  })

  it('the finish command quotes for the shell and never contains a token', () => {
    expect(finishCommand('nexmo', {applications: ['app-1'], name: "Joe's", pageId: '101', token: 'SECRET'})).to.equal(
      "FACEBOOK_PAGE_TOKEN=<the new Page token> nexmo messenger:link --page-id 101 --name 'Joe'\\''s' --application app-1",
    )
  })
})
