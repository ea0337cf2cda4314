import {expect} from 'chai'
import {generateKeyPairSync} from 'node:crypto'

import {basic, bearer, nowSeconds, signToken, useSandbox} from '../helpers/sandbox.js'

const ROOT = '/beta/chatapp-accounts'

describe('sandbox: Vonage External Accounts API', () => {
  const sandbox = useSandbox()
  let app: {id: string; privateKey: string}
  let pages: Array<{id: string; name: string; access_token: string}>
  let auth: string

  beforeEach(async () => {
    app = await sandbox.createApp()
    auth = bearer(app.privateKey, app.id)
    pages = (
      await sandbox.seedUser({
        pages: [
          {id: '1001', name: 'Pizza Place'},
          {id: '1002', name: 'Bike Shop'},
          {id: '1003', name: 'Book Club'},
        ],
        user_token: 'USER-1',
      })
    ).body.pages
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') return
    const {violations} = await sandbox.state()
    expect(
      violations.filter((violation: {kind: string}) => violation.kind === 'response'),
      'the sandbox answered outside its contract',
    ).to.deep.equal([])
  })

  const link = (page = pages[0], extra: Record<string, unknown> = {}, authorization = auth) =>
    sandbox.request('POST', `${ROOT}/messenger`, {
      auth: authorization,
      body: {access_token: page.access_token, external_id: page.id, ...extra},
    })

  describe('authentication', () => {
    it('accepts a JWT signed with the key of an application it holds, and Basic credentials', async () => {
      expect((await sandbox.request('GET', `${ROOT}?provider=messenger`, {auth})).status).to.equal(200)
      expect((await sandbox.request('GET', ROOT, {auth: basic()})).status).to.equal(200)
    })

    const refused: Array<[string, () => string, RegExp]> = [
      ['no Authorization header', () => '', /Authorization' missing/],
      ['a token that is not a JWT', () => 'Bearer not-a-jwt', /not a JWT/],
      [
        'a JWT signed by another key',
        () =>
          bearer(
            generateKeyPairSync('rsa', {modulusLength: 2048})
              .privateKey.export({format: 'pem', type: 'pkcs8'})
              .toString(),
            app.id,
          ),
        /signature verification failed/,
      ],
      [
        'a JWT without application_id',
        () => `Bearer ${signToken(app.privateKey, {exp: nowSeconds() + 60, iat: nowSeconds()})}`,
        /no application_id/,
      ],
      [
        'a JWT for an unknown application',
        () => bearer(app.privateKey, '00000000-0000-0000-0000-000000000000'),
        /unknown application_id/,
      ],
      [
        'an expired JWT',
        () => bearer(app.privateKey, app.id, {exp: nowSeconds() - 1, iat: nowSeconds() - 901}),
        /expired/,
      ],
      ['a JWT not valid yet', () => bearer(app.privateKey, app.id, {nbf: nowSeconds() + 300}), /not yet valid/],
      [
        'a JWT living longer than 24 h',
        () => bearer(app.privateKey, app.id, {exp: nowSeconds() + 90_000}),
        /longer than 24 hours/,
      ],
      [
        'an HS256 JWT',
        () => `Bearer ${signToken(app.privateKey, {application_id: app.id}, {alg: 'HS256', typ: 'JWT'})}`,
        /signature verification failed/,
      ],
      ['wrong Basic credentials', () => basic('sandbox-key', 'nope'), /Invalid credentials/],
    ]
    for (const [name, authorization, detail] of refused) {
      it(`answers 401 {title: Unauthorised} to ${name}`, async () => {
        const reply = await sandbox.request('GET', ROOT, {auth: authorization() || undefined})
        expect(reply.status).to.equal(401)
        expect(reply.body.title).to.equal('Unauthorised')
        expect(reply.body.detail).to.match(detail)
      })
    }

    it('expires a JWT when the sandbox clock moves past exp, and refuses tokens of a deleted application', async () => {
      expect((await sandbox.request('GET', ROOT, {auth})).status).to.equal(200)
      await sandbox.clock(901)
      expect((await sandbox.request('GET', ROOT, {auth})).body.detail).to.match(/expired/)
      await sandbox.clock(0)
      await sandbox.request('DELETE', `/v2/applications/${app.id}`, {auth: basic()})
      expect((await sandbox.request('GET', ROOT, {auth})).status).to.equal(401)
    })
  })

  describe('accounts', () => {
    it('links a Page (Subscribe), reads it back, updates and unlinks it (Unsubscribe)', async () => {
      const created = await link(pages[0], {name: 'Pizza'})
      expect(created.status).to.equal(201)
      expect(created.body).to.deep.equal({
        access_token: pages[0].access_token,
        api_key: 'sandbox-key',
        applications: [],
        external_id: '1001',
        name: 'Pizza',
        provider: 'messenger',
      })
      expect((await sandbox.request('GET', `${ROOT}/messenger/1001`, {auth})).body).to.deep.equal(created.body)
      const patched = await sandbox.request('PATCH', `${ROOT}/messenger/1001`, {auth, body: {name: 'Pizza Place'}})
      expect(patched.body.name).to.equal('Pizza Place')
      expect((await sandbox.request('DELETE', `${ROOT}/messenger/1001`, {auth})).status).to.equal(204)
      expect((await sandbox.request('GET', `${ROOT}/messenger/1001`, {auth})).status).to.equal(404)
      expect((await sandbox.request('DELETE', `${ROOT}/messenger/1001`, {auth})).status).to.equal(404)
    })

    it('with the no-patch switch, answers PATCH with 405, changes nothing and records no violation; reset switches it back', async () => {
      await link(pages[0], {name: 'Pizza'})
      await sandbox.settings({no_patch: true})
      const refused = await sandbox.request('PATCH', `${ROOT}/messenger/1001`, {
        auth: basic(),
        body: {name: 'Pizza Place'},
      })
      expect(refused.status).to.equal(405)
      expect(refused.body).to.include({title: 'Method Not Allowed'})
      const state = await sandbox.state()
      expect(state.settings).to.deep.equal({no_patch: true, rate_limit: null})
      expect(state.accounts[0].name).to.equal('Pizza')
      expect(state.violations).to.deep.equal([])
      await sandbox.reset()
      expect((await sandbox.state()).settings).to.deep.equal({no_patch: false, rate_limit: null})
      expect((await sandbox.request('POST', '/_sandbox/settings', {body: {no_patch: 'yes'}})).status).to.equal(400)
    })

    it('refuses a second link of the same Page with 400', async () => {
      await link()
      const again = await link()
      expect(again.status).to.equal(400)
      expect(again.body.invalid_params).to.deep.equal([
        {name: 'external_id', reason: 'An account for external_id 1001 already exists'},
      ])
    })

    it('refuses Page tokens Facebook did not issue, of another Page, or expired', async () => {
      const unknown = await link({...pages[0], access_token: 'made-up'})
      expect(unknown.status).to.equal(400)
      expect(unknown.body.invalid_params[0]).to.deep.include({name: 'access_token'})
      expect((await link({...pages[0], access_token: pages[1].access_token})).body.invalid_params[0].reason).to.match(
        /another Page/,
      )
      expect((await link({...pages[0], access_token: 'USER-1'})).body.invalid_params[0].reason).to.match(
        /not a Page access token/,
      )
      const expiring = (
        await sandbox.seedUser({
          pages: [{expires_at: nowSeconds() + 10, id: '2001', name: 'Old'}],
          user_token: 'USER-2',
        })
      ).body.pages[0]
      await sandbox.clock(20)
      expect((await link(expiring)).body.invalid_params[0].reason).to.equal('Expired access token')
      const update = await sandbox.request('PATCH', `${ROOT}/messenger/2001`, {auth, body: {access_token: 'x'}})
      expect(update.status).to.equal(404)
    })

    it('validates bodies against the spec: missing fields, wrong types, two applications', async () => {
      const missing = await sandbox.request('POST', `${ROOT}/messenger`, {auth, body: {external_id: 1001}})
      expect(missing.status).to.equal(400)
      expect(missing.body).to.include({title: "Your request parameters didn't validate."})
      expect(missing.body.invalid_params.map((param: {name: string}) => param.name).sort()).to.deep.equal([
        'access_token',
        'external_id',
      ])
      const two = await link(pages[0], {applications: [app.id, app.id]})
      expect(two.status).to.equal(400)
      expect(
        (await sandbox.state()).violations.map((violation: {operation: string}) => violation.operation),
      ).to.deep.equal(['CreateMessengerAccount', 'CreateMessengerAccount'])
    })

    it('treats an encoded path character as part of the id: 404, never another resource', async () => {
      await link()
      expect((await sandbox.request('GET', `${ROOT}/messenger/..%2F1001`, {auth})).status).to.equal(404)
      expect((await sandbox.request('DELETE', `${ROOT}/messenger/1001%2F`, {auth})).status).to.equal(404)
      expect((await sandbox.state()).accounts).to.have.length(1)
    })

    it('lists accounts with HAL paging (_embedded, _links.next) and a provider filter', async () => {
      for (const page of pages) await link(page)
      const seen: string[] = []
      let path: string | undefined = `${ROOT}?provider=messenger&page_size=2`
      let calls = 0
      while (path) {
        const reply: {body: {_embedded: Array<{external_id: string}>; _links: {next?: {href: string}}}} =
          await sandbox.request('GET', path, {auth})
        seen.push(...reply.body._embedded.map((account) => account.external_id))
        path =
          reply.body._links.next &&
          new URL(reply.body._links.next.href).pathname + new URL(reply.body._links.next.href).search
        calls += 1
      }

      expect(seen).to.deep.equal(['1001', '1002', '1003'])
      expect(calls).to.equal(2)
      expect((await sandbox.request('GET', `${ROOT}?provider=whatsapp`, {auth})).body._embedded).to.deep.equal([])
    })
  })

  describe('applications of an account', () => {
    it('links one Messages application, 409 for a second, unlinks it', async () => {
      await link()
      const second = await sandbox.createApp('second')
      const linked = await sandbox.request('POST', `${ROOT}/messenger/1001/applications`, {
        auth,
        body: {application: app.id},
      })
      expect(linked.status).to.equal(200)
      expect(linked.body.applications).to.deep.equal([app.id])
      const conflict = await sandbox.request('POST', `${ROOT}/messenger/1001/applications`, {
        auth,
        body: {application: second.id},
      })
      expect(conflict.status).to.equal(409)
      expect(conflict.body.title).to.equal('Application conflict')
      expect(
        (await sandbox.request('DELETE', `${ROOT}/messenger/1001/applications/${app.id}`, {auth})).status,
      ).to.equal(204)
      expect(
        (await sandbox.request('DELETE', `${ROOT}/messenger/1001/applications/${app.id}`, {auth})).status,
      ).to.equal(409)
      expect((await sandbox.request('GET', `${ROOT}/messenger/1001`, {auth})).body.applications).to.deep.equal([])
    })

    it('answers 403 for a missing or non-Messages application, 404 for an unknown account', async () => {
      await link()
      const voice = await sandbox.createApp('voice only', {voice: {}})
      for (const id of [voice.id, '00000000-0000-0000-0000-000000000000']) {
        const reply = await sandbox.request('POST', `${ROOT}/messenger/1001/applications`, {
          auth,
          body: {application: id},
        })
        expect(reply.status).to.equal(403)
        expect(reply.body.title).to.equal('Forbidden')
      }

      expect((await link(pages[1], {applications: [voice.id]})).status).to.equal(403)
      expect(
        (await sandbox.request('POST', `${ROOT}/messenger/9999/applications`, {auth, body: {application: app.id}}))
          .status,
      ).to.equal(404)
    })

    it('links the application given at creation and through PATCH', async () => {
      expect((await link(pages[0], {applications: [app.id]})).body.applications).to.deep.equal([app.id])
      await link(pages[1])
      const patched = await sandbox.request('PATCH', `${ROOT}/messenger/1002`, {auth, body: {applications: [app.id]}})
      expect(patched.body.applications).to.deep.equal([app.id])
    })
  })
})

describe('sandbox: startSandbox({noPatch: true})', () => {
  const sandbox = useSandbox({noPatch: true})

  it('starts with PATCH answering 405, and a reset keeps the start setting', async () => {
    await sandbox.reset()
    expect((await sandbox.state()).settings).to.deep.equal({no_patch: true, rate_limit: null})
    expect((await sandbox.request('PATCH', `${ROOT}/messenger/1`, {auth: basic(), body: {name: 'x'}})).status).to.equal(
      405,
    )
  })
})
