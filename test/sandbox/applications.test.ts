import {expect} from 'chai'
import {createPrivateKey, createPublicKey, generateKeyPairSync} from 'node:crypto'

import {basic, useSandbox} from '../helpers/sandbox.js'

describe('sandbox: Vonage Applications API v2', () => {
  const sandbox = useSandbox()
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') return
    const {violations} = await sandbox.state()
    expect(
      violations.filter((violation: {kind: string}) => violation.kind === 'response'),
      'the sandbox answered outside its contract',
    ).to.deep.equal([])
  })

  const messages = {
    messages: {
      webhooks: {
        inbound_url: {address: 'https://example.com/in', http_method: 'POST'},
        status_url: {address: 'https://example.com/status', http_method: 'POST'},
      },
    },
  }

  it('creates an application with a real key pair and returns the private key once', async () => {
    const created = await sandbox.request('POST', '/v2/applications', {
      auth: basic(),
      body: {capabilities: messages, name: 'Delete Me Later'},
    })
    expect(created.status).to.equal(201)
    expect(created.body).to.include({name: 'Delete Me Later'})
    const {private_key: privateKey, public_key: publicKey} = created.body.keys
    const derived = createPublicKey(createPrivateKey(privateKey)).export({format: 'pem', type: 'spki'})
    expect(derived).to.equal(publicKey)
    expect(createPrivateKey(privateKey).asymmetricKeyDetails?.modulusLength).to.equal(2048)

    const read = await sandbox.request('GET', `/v2/applications/${created.body.id}`, {auth: basic()})
    expect(read.status).to.equal(200)
    expect(read.body.keys).to.deep.equal({public_key: publicKey})
    expect(read.body.capabilities).to.deep.equal(messages)
  })

  it('keeps a public key it is given and returns no private key', async () => {
    const publicKey = generateKeyPairSync('rsa', {modulusLength: 2048})
      .publicKey.export({format: 'pem', type: 'spki'})
      .toString()
    const created = await sandbox.request('POST', '/v2/applications', {
      auth: basic(),
      body: {keys: {public_key: publicKey}, name: 'mine'},
    })
    expect(created.status).to.equal(201)
    expect(created.body.keys).to.deep.equal({public_key: publicKey})
    const bad = await sandbox.request('POST', '/v2/applications', {
      auth: basic(),
      body: {keys: {public_key: 'nope'}, name: 'x'},
    })
    expect(bad.status).to.equal(400)
    expect(bad.body.invalid_parameters).to.deep.equal([{name: 'keys.public_key', reason: 'is not a valid public key'}])
  })

  it('lists with HAL paging', async () => {
    for (const name of ['a', 'b', 'c']) await sandbox.createApp(name)
    const first = await sandbox.request('GET', '/v2/applications?page_size=2&page=1', {auth: basic()})
    expect(first.body).to.include({page: 1, page_size: 2, total_items: 3, total_pages: 2})
    expect(first.body._embedded.applications.map((app: {name: string}) => app.name)).to.deep.equal(['a', 'b'])
    expect(first.body._links.next.href).to.equal(`${sandbox.url}/v2/applications?page_size=2&page=2`)
    const second = await sandbox.request(
      'GET',
      new URL(first.body._links.next.href).pathname + new URL(first.body._links.next.href).search,
      {auth: basic()},
    )
    expect(second.body._embedded.applications.map((app: {name: string}) => app.name)).to.deep.equal(['c'])
    expect(second.body._links).not.to.have.property('next')
    expect(second.body._embedded.applications[0].keys).not.to.have.property('private_key')
  })

  it('updates and deletes; a deleted application is 404', async () => {
    const {id} = await sandbox.createApp('old')
    const updated = await sandbox.request('PUT', `/v2/applications/${id}`, {auth: basic(), body: {name: 'new'}})
    expect(updated.body.name).to.equal('new')
    expect((await sandbox.request('DELETE', `/v2/applications/${id}`, {auth: basic()})).status).to.equal(204)
    const again = await sandbox.request('DELETE', `/v2/applications/${id}`, {auth: basic()})
    expect(again.status).to.equal(404)
    expect(again.body).to.include({detail: `Application ${id} could not be found`, title: 'Not Found'})
    expect((await sandbox.request('GET', `/v2/applications/${id}`, {auth: basic()})).status).to.equal(404)
  })

  it('answers 401 with the real shape for wrong or missing credentials, and a JWT is not enough', async () => {
    for (const auth of [basic('sandbox-key', 'wrong'), basic('other', 'sandbox-secret'), undefined, 'Bearer a.b.c']) {
      const reply = await sandbox.request('GET', '/v2/applications', {auth})
      expect(reply.status).to.equal(401)
      expect(reply.body).to.include({detail: 'You did not provide correct credentials.', title: 'Unauthorized'})
      expect(reply.body.type).to.be.a('string')
      expect(reply.body.instance).to.be.a('string')
    }

    expect((await sandbox.state()).applications).to.deep.equal([])
  })

  it('answers the spec 400 to a request that breaks the contract, and records it', async () => {
    const reply = await sandbox.request('POST', '/v2/applications', {
      auth: basic(),
      body: {capabilities: {messages: {webhooks: {inbound_url: {http_method: 'GET'}}}}},
    })
    expect(reply.status).to.equal(400)
    expect(reply.body.title).to.equal('Bad Request')
    expect(reply.body.invalid_parameters.map((param: {name: string}) => param.name)).to.include('name')
    const {violations} = await sandbox.state()
    expect(violations).to.have.length(1)
    expect(violations[0]).to.include({
      api: 'applications',
      kind: 'request',
      method: 'POST',
      operation: 'createApplication',
    })
    expect(violations[0].errors.join(' '))
      .to.match(/name/)
      .and.to.match(/http_method/)
  })

  it('records a wrong query type, a wrong content type and an unknown method as violations', async () => {
    expect((await sandbox.request('GET', '/v2/applications?page_size=lots', {auth: basic()})).status).to.equal(400)
    expect(
      (
        await sandbox.request('POST', '/v2/applications', {
          auth: basic(),
          body: 'name=x',
          headers: {'content-type': 'text/plain'},
        })
      ).status,
    ).to.equal(415)
    expect((await sandbox.request('PATCH', '/v2/applications/x', {auth: basic(), body: {}})).status).to.equal(405)
    expect((await sandbox.request('POST', '/v2/applications', {auth: basic(), body: '{broken'})).status).to.equal(400)
    expect((await sandbox.state()).violations).to.have.length(4)
  })
})
