import {expect} from 'chai'

import {nowSeconds, useSandbox} from '../helpers/sandbox.js'

const DAY = 86_400

describe('sandbox: Facebook Graph API slice', () => {
  const sandbox = useSandbox()
  const pageList = Array.from({length: 5}, (_, index) => ({id: `30${index}`, name: `Page ${index}`}))
  let seeded: {user_id: string; pages: Array<{id: string; access_token: string}>}

  beforeEach(async () => {
    const reply = await sandbox.seedUser({pages: pageList, user_token: 'USER-T'})
    expect(reply.status).to.equal(201)
    seeded = reply.body
  })

  it('pages /me/accounts with cursors; a short page is not the end, the missing next is', async () => {
    const ids: string[] = []
    let path: string | undefined = '/v24.0/me/accounts?fields=id,name,access_token,tasks&limit=2&access_token=USER-T'
    let calls = 0
    while (path) {
      const reply: {
        status: number
        body: {
          data: Array<{id: string; access_token: string; tasks: string[]; category?: string}>
          paging?: {cursors: {after: string; before: string}; next?: string}
        }
      } = await sandbox.request('GET', path)
      expect(reply.status).to.equal(200)
      for (const page of reply.body.data) {
        expect(page).to.have.keys('id', 'name', 'access_token', 'tasks')
        ids.push(page.id)
      }

      expect(reply.body.paging?.cursors).to.have.keys('after', 'before')
      path =
        reply.body.paging?.next && new URL(reply.body.paging.next).pathname + new URL(reply.body.paging.next).search
      calls += 1
    }

    expect(ids).to.deep.equal(pageList.map((page) => page.id))
    expect(calls).to.equal(3)
  })

  it('accepts any version and the token in an Authorization header', async () => {
    const reply = await sandbox.request('GET', '/v25.0/me/accounts', {auth: 'Bearer USER-T'})
    expect(reply.body.data).to.have.length(5)
    expect(reply.body.data[0].access_token).to.equal(seeded.pages[0].access_token)
  })

  it('reads one Page with the user token or its own Page token, and refuses other Pages', async () => {
    const byUser = await sandbox.request('GET', '/v24.0/300?fields=id,name,access_token&access_token=USER-T')
    expect(byUser.body).to.deep.equal({access_token: seeded.pages[0].access_token, id: '300', name: 'Page 0'})
    const byPage = await sandbox.request('GET', `/v24.0/300?access_token=${seeded.pages[0].access_token}`)
    expect(byPage.body).to.deep.equal({id: '300', name: 'Page 0'})
    const other = await sandbox.request('GET', `/v24.0/301?access_token=${seeded.pages[0].access_token}`)
    expect(other.status).to.equal(400)
    expect(other.body.error.code).to.equal(100)
  })

  it('debug_token describes user and Page tokens with their expiry', async () => {
    const user = (await sandbox.request('GET', '/v24.0/debug_token?input_token=USER-T&access_token=USER-T')).body.data
    expect(user).to.include({is_valid: true, type: 'USER', user_id: seeded.user_id})
    expect(user.expires_at).to.be.within(nowSeconds() + 60 * DAY - 5, nowSeconds() + 60 * DAY + 5)
    expect(user.data_access_expires_at).to.be.within(nowSeconds() + 90 * DAY - 5, nowSeconds() + 90 * DAY + 5)
    expect(user.scopes).to.include('pages_messaging')
    const page = (
      await sandbox.request(
        'GET',
        `/v24.0/debug_token?input_token=${seeded.pages[1].access_token}&access_token=app-id|app-secret`,
      )
    ).body.data
    expect(page).to.include({expires_at: 0, is_valid: true, profile_id: '301', type: 'PAGE'})
    const unknown = (await sandbox.request('GET', '/v24.0/debug_token?input_token=nope&access_token=USER-T')).body.data
    expect(unknown).to.include({is_valid: false})
    expect(unknown.error.code).to.equal(190)
  })

  it('answers code 190 for unknown and expired tokens; the clock and data-access expiry both count', async () => {
    const unknown = await sandbox.request('GET', '/v24.0/me/accounts?access_token=made-up')
    expect(unknown.status).to.equal(400)
    expect(unknown.body.error).to.include({code: 190, type: 'OAuthException'})
    expect(unknown.body.error.fbtrace_id).to.be.a('string')
    await sandbox.clock(61 * DAY)
    const expired = await sandbox.request('GET', '/v24.0/me/accounts?access_token=USER-T')
    expect(expired.body.error).to.include({code: 190, error_subcode: 463})
    const debug = (await sandbox.request('GET', '/v24.0/debug_token?input_token=USER-T&access_token=a|b')).body.data
    expect(debug.is_valid).to.equal(false)
    await sandbox.clock(0)
    await sandbox.seedUser({data_access_expires_at: nowSeconds() - 1, pages: [], user_token: 'LAPSED'})
    expect((await sandbox.request('GET', '/v24.0/me/accounts?access_token=LAPSED')).body.error).to.include({
      code: 190,
      error_subcode: 460,
    })
  })

  it('asks for a token when there is none, and refuses a bad seed', async () => {
    expect((await sandbox.request('GET', '/v24.0/me/accounts')).body.error.code).to.equal(104)
    const bad = await sandbox.seedUser({pages: [{id: '../x'}]})
    expect(bad.status).to.equal(400)
    expect(bad.body.errors).to.have.length(3)
  })
})
