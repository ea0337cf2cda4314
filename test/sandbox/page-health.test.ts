import {expect} from 'chai'

import {basic, nowSeconds, useSandbox} from '../helpers/sandbox.js'

const ROOT = '/beta/chatapp-accounts'
const PAGES = [
  {id: '101', name: 'Pizza'},
  {id: '102', name: 'Bikes'},
]

describe('sandbox: making a Page unhealthy (POST /_sandbox/facebook/pages/{id})', () => {
  const sandbox = useSandbox()
  let tokens: Record<string, string>
  let userId: string

  beforeEach(async () => {
    const {body} = await sandbox.seedUser({pages: PAGES, user_token: 'USER'})
    userId = body.user_id
    tokens = Object.fromEntries(
      body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
    )
  })

  const graph = (path: string, token: string) =>
    sandbox.request('GET', `/v24.0/${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`)
  const debug = async (token: string) =>
    (await graph(`debug_token?input_token=${encodeURIComponent(token)}`, 'app|secret')).body.data
  const handedOut = async (user: string) =>
    Object.fromEntries(
      ((await graph('me/accounts', user)).body.data ?? []).map((page: {id: string; access_token: string}) => [
        page.id,
        page.access_token,
      ]),
    )
  const link = (pageId: string, token: string) =>
    sandbox.request('POST', `${ROOT}/messenger`, {auth: basic(), body: {access_token: token, external_id: pageId}})

  it('with {} answers the Page’s sandbox state, without token values', async () => {
    const reply = await sandbox.pageControl('101', {})
    expect(reply.status).to.equal(200)
    const {tokens: pageTokens, ...page} = reply.body
    expect(page).to.deep.equal({
      id: '101',
      managed_by: [userId],
      name: 'Pizza',
      revoked_scopes: [],
      subscribed_fields: [],
    })
    expect(pageTokens).to.have.length(1)
    expect(pageTokens[0]).to.have.keys('current', 'data_access_expires_at', 'expires_at', 'is_valid', 'user_id')
    expect(pageTokens[0]).to.include({current: true, expires_at: 0, is_valid: true, user_id: userId})
    expect(JSON.stringify(reply.body)).to.not.include(tokens['101'])
  })

  it('invalidate_tokens: the old Page tokens answer 190/460 everywhere; /me/accounts hands out a fresh one that relinks', async () => {
    expect((await link('101', tokens['101'])).status).to.equal(201)
    const reply = await sandbox.pageControl('101', {invalidate_tokens: true})
    expect(reply.status).to.equal(200)
    expect(
      reply.body.tokens.map((token: {current: boolean; is_valid: boolean}) => [token.current, token.is_valid]),
    ).to.deep.equal([
      [false, false],
      [true, true],
    ])
    expect(reply.body.tokens[0].invalid_because).to.equal('password_changed')

    const refused = await graph('101', tokens['101'])
    expect(refused.status).to.equal(400)
    expect(refused.body.error).to.include({code: 190, error_subcode: 460, type: 'OAuthException'})
    expect(refused.body.error.message).to.match(/session has been invalidated because the user changed their password/)
    const debugged = await debug(tokens['101'])
    expect(debugged.is_valid).to.equal(false)
    expect(debugged.error).to.include({code: 190, error_subcode: 460})
    expect((await graph('101/subscribed_apps', tokens['101'])).body.error.code).to.equal(190)

    const patch = await sandbox.request('PATCH', `${ROOT}/messenger/101`, {
      auth: basic(),
      body: {access_token: tokens['101']},
    })
    expect(patch.status).to.equal(400)
    expect(patch.body.invalid_params).to.deep.equal([{name: 'access_token', reason: 'Expired access token'}])

    const fresh = (await handedOut('USER'))['101']
    expect(fresh).to.be.a('string').and.not.equal(tokens['101'])
    expect((await debug(fresh)).is_valid).to.equal(true)
    const relinked = await sandbox.request('PATCH', `${ROOT}/messenger/101`, {
      auth: basic(),
      body: {access_token: fresh},
    })
    expect(relinked.status).to.equal(200)
    expect((await graph('101/subscribed_apps', fresh)).body.data).to.have.length(1)
    expect((await debug(tokens['102'])).is_valid, 'the other Page is untouched').to.equal(true)
    await sandbox.verify()
  })

  it('remove_role: the Page leaves that user’s /me/accounts and reach, its tokens through that user die; others keep theirs', async () => {
    const other = (await sandbox.seedUser({pages: [PAGES[0]], user_token: 'OTHER'})).body
    const reply = await sandbox.pageControl('101', {remove_role: 'USER'})
    expect(reply.status).to.equal(200)
    expect(reply.body.managed_by).to.deep.equal([other.user_id])
    expect(Object.keys(await handedOut('USER'))).to.deep.equal(['102'])
    expect((await graph('101', 'USER')).body.error.code).to.equal(100)
    const dead = await graph('101', tokens['101'])
    expect(dead.body.error).to.include({code: 190, error_subcode: 492})
    expect((await graph('101', other.pages[0].access_token)).status).to.equal(200)
    const scopes = (await debug('USER')).granular_scopes
    expect(scopes.every((scope: {target_ids: string[]}) => !scope.target_ids.includes('101'))).to.equal(true)
    expect((await link('101', tokens['101'])).status, 'Vonage refuses the dead token').to.equal(400)
    const again = await sandbox.pageControl('101', {remove_role: 'USER'})
    expect(again.status).to.equal(400)
    expect(again.body.errors).to.deep.equal(['remove_role must be the token of a user who manages Page 101'])
  })

  it('subscribed_fields: sets what the Vonage app is subscribed to until the next link changes it; [] is none', async () => {
    const apps = async () => (await graph('101/subscribed_apps', tokens['101'])).body.data
    expect((await sandbox.pageControl('101', {subscribed_fields: ['messages']})).body.subscribed_fields).to.deep.equal([
      'messages',
    ])
    expect((await apps())[0]).to.include({id: 'vonage-sandbox-app'})
    expect((await apps())[0].subscribed_fields).to.deep.equal(['messages'])
    await sandbox.pageControl('101', {subscribed_fields: []})
    expect(await apps()).to.deep.equal([])
    await link('101', tokens['101'])
    expect((await apps())[0].subscribed_fields).to.have.length(4)
  })

  it('revoke_scopes / grant_scopes: granular_scopes stop (and start again) targeting the Page', async () => {
    const targets = async (token: string) =>
      Object.fromEntries(
        (await debug(token)).granular_scopes.map((scope: {scope: string; target_ids: string[]}) => [
          scope.scope,
          scope.target_ids,
        ]),
      )
    const all = ['101', '102']
    expect(await targets('USER')).to.deep.equal({
      pages_manage_metadata: all,
      pages_messaging: all,
      pages_show_list: all,
    })
    expect((await targets(tokens['102'])).pages_messaging, 'a Page token targets its own Page').to.deep.equal(['102'])
    const reply = await sandbox.pageControl('101', {revoke_scopes: ['pages_messaging', 'pages_manage_metadata']})
    expect(reply.body.revoked_scopes).to.deep.equal(['pages_messaging', 'pages_manage_metadata'])
    expect(await targets('USER')).to.deep.equal({
      pages_manage_metadata: ['102'],
      pages_messaging: ['102'],
      pages_show_list: all,
    })
    expect((await targets(tokens['101'])).pages_messaging).to.deep.equal([])
    await sandbox.pageControl('101', {grant_scopes: ['pages_messaging']})
    expect((await targets('USER')).pages_messaging).to.deep.equal(all)
    expect((await targets('USER')).pages_manage_metadata).to.deep.equal(['102'])
  })

  it('lists only the pages_* scopes a token has', async () => {
    await sandbox.seedUser({pages: PAGES, scopes: ['pages_messaging', 'email'], user_token: 'NARROW'})
    expect((await debug('NARROW')).granular_scopes).to.deep.equal([
      {scope: 'pages_messaging', target_ids: ['101', '102']},
    ])
  })

  it('expires_at / data_access_expires_at: set on the Page’s current tokens, so it expires soon', async () => {
    const soon = nowSeconds() + 3600
    const reply = await sandbox.pageControl('101', {data_access_expires_at: 0, expires_at: soon})
    expect(reply.body.tokens[0]).to.include({data_access_expires_at: 0, expires_at: soon, is_valid: true})
    expect(await debug(tokens['101'])).to.include({data_access_expires_at: 0, expires_at: soon, is_valid: true})
    await sandbox.clock(7200)
    expect((await graph('101', tokens['101'])).body.error).to.include({code: 190, error_subcode: 463})
    expect((await sandbox.pageControl('101', {})).body.tokens[0]).to.include({
      invalid_because: 'expired',
      is_valid: false,
    })
    await sandbox.clock(0)
    await sandbox.pageControl('101', {data_access_expires_at: nowSeconds() - 1})
    expect((await graph('101', tokens['101'])).body.error).to.include({code: 190, error_subcode: 460})
  })

  it('answers 404 for an unknown Page, 400 for bad values, and then changes nothing', async () => {
    const unknown = await sandbox.pageControl('999', {invalidate_tokens: true})
    expect(unknown.status).to.equal(404)
    expect(unknown.body.errors).to.have.length(1)
    const bad = await sandbox.pageControl('101', {
      expires_at: -1,
      invalidate_tokens: false,
      nonsense: 1,
      remove_role: 'NOBODY',
      revoke_scopes: 'pages_messaging',
      subscribed_fields: ['messages'],
    })
    expect(bad.status).to.equal(400)
    expect(bad.body.errors).to.have.length(5)
    expect((await sandbox.pageControl('101', {})).body.subscribed_fields).to.deep.equal([])
    expect((await sandbox.request('POST', '/_sandbox/facebook/pages/101', {body: '[1]'})).status).to.equal(400)
  })
})
