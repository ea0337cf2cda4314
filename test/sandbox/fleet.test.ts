import {expect} from 'chai'

import {basic, bearer, useSandbox} from '../helpers/sandbox.js'

const ROOT = '/beta/chatapp-accounts'

describe('sandbox: a fleet of Pages in one request', () => {
  const sandbox = useSandbox()

  it('seeds 5,000 Pages linked to an application in well under a second', async () => {
    const app = await sandbox.createApp('mine')
    const started = Date.now()
    const reply = await sandbox.seedFleet({link: {application: app.id}, page_count: 5000, user_token: 'FLEET'})
    const took = Date.now() - started
    expect(reply.status).to.equal(201)
    expect(took, `${took} ms`).to.be.below(1000)
    expect(reply.body).to.have.keys('linked', 'pages', 'user_id', 'user_token')
    expect(reply.body.linked).to.equal(5000)
    expect(reply.body.pages).to.have.length(5000)
    expect(reply.body.pages[0]).to.include({expires_at: 0, id: '1000', name: 'Page 0'})
    expect(reply.body.pages[4999]).to.include({id: '5999', name: 'Page 4999'})
    expect(await sandbox.stats()).to.deep.include({accounts: 5000})

    const account = await sandbox.request('GET', `${ROOT}/messenger/5999`, {auth: basic()})
    expect(account.body).to.deep.equal({
      access_token: reply.body.pages[4999].access_token,
      api_key: 'sandbox-key',
      applications: [app.id],
      external_id: '5999',
      name: 'Page 4999',
      provider: 'messenger',
    })
    const listed = await sandbox.request('GET', `${ROOT}?provider=messenger&page_size=100&page_number=50`, {
      auth: basic(),
    })
    expect(listed.body.total_items).to.equal(5000)
    expect(listed.body._embedded).to.have.length(100)
    expect(listed.body._links).to.not.have.property('next')

    const accounts = await sandbox.request('GET', '/v24.0/me/accounts?limit=100&access_token=FLEET')
    expect(accounts.body.data[0].access_token).to.equal(reply.body.pages[0].access_token)
    expect(accounts.body.paging.next).to.be.a('string')
    const apps = await sandbox.request(
      'GET',
      `/v24.0/1000/subscribed_apps?access_token=${reply.body.pages[0].access_token}`,
    )
    expect(apps.body.data.map((one: {id: string}) => one.id)).to.deep.equal(['vonage-sandbox-app'])
    await sandbox.verify()
  })

  it('takes page_id_start; link: true links without an application; without link nothing is linked', async () => {
    const linked = await sandbox.seedFleet({link: true, page_count: 3, page_id_start: 7, user_token: 'A'})
    expect(linked.body.pages.map((page: {id: string}) => page.id)).to.deep.equal(['7', '8', '9'])
    expect(linked.body.linked).to.equal(3)
    expect(
      (await sandbox.state()).accounts.map((account: {applications: string[]}) => account.applications),
    ).to.deep.equal([[], [], []])
    const plain = await sandbox.seedFleet({page_count: 2, user_token: 'B'})
    expect(plain.body.linked).to.equal(0)
    expect(plain.body.pages.map((page: {id: string; name: string}) => [page.id, page.name])).to.deep.equal([
      ['1000', 'Page 0'],
      ['1001', 'Page 1'],
    ])
    expect((await sandbox.stats()).accounts).to.equal(3)
  })

  it('links listed Pages too, with their names and the tokens /me/accounts hands out', async () => {
    const reply = await sandbox.seedUser({
      link: true,
      pages: [
        {id: '101', name: 'Pizza'},
        {id: '102', name: 'Bikes'},
      ],
      user_token: 'U',
    })
    expect(reply.body.linked).to.equal(2)
    const accounts = (await sandbox.state()).accounts
    expect(
      accounts.map((account: {external_id: string; name: string}) => [account.external_id, account.name]),
    ).to.deep.equal([
      ['101', 'Pizza'],
      ['102', 'Bikes'],
    ])
    const handedOut = (await sandbox.request('GET', '/v24.0/me/accounts?access_token=U')).body.data
    expect(accounts.map((account: {access_token: string}) => account.access_token)).to.deep.equal(
      handedOut.map((page: {access_token: string}) => page.access_token),
    )
  })

  it('refuses a bad fleet', async () => {
    const app = await sandbox.createApp('not messages', {voice: {}})
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{page_count: 0, user_token: 'U'}, /page_count must be a whole number 1\.\.100000/],
      [{page_count: 100_001, user_token: 'U'}, /page_count must be a whole number/],
      [{page_count: 2.5, user_token: 'U'}, /page_count must be a whole number/],
      [{page_count: 2, page_id_start: -1, user_token: 'U'}, /page_id_start must be a whole number/],
      [{page_count: 2, pages: [], user_token: 'U'}, /give pages or page_count, not both/],
      [{user_token: 'U'}, /pages must be an array \(or page_count/],
      [{link: {application: 'nope'}, page_count: 2, user_token: 'U'}, /link must be true, false or \{application/],
      [{link: {application: app.id}, page_count: 2, user_token: 'U'}, /Messages application/],
      [{link: 'yes', page_count: 2, user_token: 'U'}, /link must be/],
    ]
    for (const [body, message] of cases) {
      const reply = await sandbox.seedUser(body)
      expect(reply.status, JSON.stringify(body)).to.equal(400)
      expect(reply.body.errors.join('\n'), JSON.stringify(body)).to.match(message)
    }

    expect((await sandbox.state()).facebook.users).to.deep.equal([])
  })
})

describe('sandbox: GET /{page-id}/subscribed_apps', () => {
  const sandbox = useSandbox()
  let tokens: Record<string, string>
  let app: {id: string; privateKey: string}

  beforeEach(async () => {
    const {body} = await sandbox.seedUser({
      pages: [
        {id: '101', name: 'Pizza'},
        {id: '102', name: 'Bikes'},
      ],
      user_token: 'USER',
    })
    tokens = Object.fromEntries(
      body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
    )
    app = await sandbox.createApp('mine')
  })

  const subscribed = (pageId: string, token: string) =>
    sandbox.request('GET', `/v24.0/${pageId}/subscribed_apps?access_token=${encodeURIComponent(token)}`)

  it('is empty until the Page is linked at Vonage, then names the Vonage app and its fields', async () => {
    expect((await subscribed('101', tokens['101'])).body).to.deep.equal({data: []})
    const auth = bearer(app.privateKey, app.id)
    const created = await sandbox.request('POST', `${ROOT}/messenger`, {
      auth,
      body: {access_token: tokens['101'], external_id: '101'},
    })
    expect(created.status).to.equal(201)
    const reply = await subscribed('101', tokens['101'])
    expect(reply.status).to.equal(200)
    expect(reply.body).to.deep.equal({
      data: [
        {
          category: 'Business',
          id: 'vonage-sandbox-app',
          link: 'https://vonage.example/',
          name: 'Vonage Messages',
          subscribed_fields: ['messages', 'messaging_postbacks', 'message_deliveries', 'message_reads'],
        },
      ],
    })
    expect((await subscribed('102', tokens['102'])).body).to.deep.equal({data: []})
    await sandbox.verify()
  })

  it('a failed link subscribes nothing; a PATCH with a token subscribes again; a DELETE unsubscribes', async () => {
    const auth = basic()
    const refused = await sandbox.request('POST', `${ROOT}/messenger`, {
      auth,
      body: {access_token: tokens['102'], external_id: '101'},
    })
    expect(refused.status).to.equal(400)
    expect((await subscribed('101', tokens['101'])).body.data).to.deep.equal([])
    await sandbox.request('POST', `${ROOT}/messenger`, {auth, body: {access_token: tokens['101'], external_id: '101'}})
    await sandbox.pageControl('101', {subscribed_fields: []})
    await sandbox.request('PATCH', `${ROOT}/messenger/101`, {auth, body: {name: 'no token, no change'}})
    expect((await subscribed('101', tokens['101'])).body.data).to.deep.equal([])
    await sandbox.request('PATCH', `${ROOT}/messenger/101`, {auth, body: {access_token: tokens['101']}})
    expect((await subscribed('101', tokens['101'])).body.data[0].subscribed_fields).to.include('messages')
    expect((await sandbox.request('DELETE', `${ROOT}/messenger/101`, {auth})).status).to.equal(204)
    expect((await subscribed('101', tokens['101'])).body.data).to.deep.equal([])
  })

  it('wants the Page token of that Page: a user token or another Page’s is a 210, a bad token a 190', async () => {
    for (const token of ['USER', tokens['102']]) {
      const reply = await subscribed('101', token)
      expect(reply.status).to.equal(400)
      expect(reply.body.error).to.include({
        code: 210,
        message: '(#210) A page access token is required to request this resource.',
        type: 'OAuthException',
      })
    }

    const invalid = await subscribed('101', 'made-up')
    expect(invalid.status).to.equal(400)
    expect(invalid.body.error.code).to.equal(190)
  })
})
