import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {startSandbox} from '../../sandbox/server.js'
import {ROOT} from '../helpers/cli.js'
import {basic, SandboxClient, useSandbox} from '../helpers/sandbox.js'

describe('sandbox: faults, clock, reset, latency', () => {
  const sandbox = useSandbox()

  it('answers a fault with its status, body and Retry-After, `times` times, then normally', async () => {
    const added = await sandbox.fault({method: 'GET', path: '/v2/applications', retry_after: 3, status: 429, times: 2})
    expect(added.status).to.equal(201)
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const reply = await sandbox.request('GET', '/v2/applications', {auth: basic()})
      expect(reply.status).to.equal(429)
      expect(reply.headers.get('retry-after')).to.equal('3')
    }

    expect((await sandbox.request('GET', '/v2/applications', {auth: basic()})).status).to.equal(200)
  })

  it('serves an HTML error page when the body is text', async () => {
    await sandbox.fault({body: '<html><body>502 Bad Gateway</body></html>', path: '/beta/', status: 502})
    const reply = await sandbox.request('GET', '/beta/chatapp-accounts', {auth: basic()})
    expect(reply.status).to.equal(502)
    expect(reply.headers.get('content-type')).to.match(/text\/html/)
    expect(reply.body).to.include('Bad Gateway')
  })

  it('matches by method and by /regex/', async () => {
    await sandbox.fault({method: 'DELETE', path: '/^\\/beta\\/chatapp-accounts\\/messenger\\/\\d+$/', status: 500})
    expect((await sandbox.request('GET', '/beta/chatapp-accounts/messenger/1', {auth: basic()})).status).to.equal(404)
    expect((await sandbox.request('DELETE', '/beta/chatapp-accounts/messenger/1', {auth: basic()})).status).to.equal(
      500,
    )
    expect((await sandbox.state()).faults).to.deep.equal([])
  })

  it('delays an answer, or cuts the connection', async () => {
    await sandbox.fault({delay_ms: 300, path: '/v2/applications'})
    const started = Date.now()
    expect((await sandbox.request('GET', '/v2/applications', {auth: basic()})).status).to.equal(200)
    expect(Date.now() - started).to.be.at.least(290)
    await sandbox.fault({path: '/v2/applications', reset: true})
    const error = await sandbox.request('GET', '/v2/applications', {auth: basic()}).catch((error_) => error_)
    expect(error).to.be.instanceOf(Error)
    expect(String(error.cause?.code ?? error.cause)).to.match(/ECONNRESET|other side closed|UND_ERR_SOCKET/)
  })

  it('with when:"after", lets the request take effect and then fails its answer', async () => {
    await sandbox.fault({method: 'POST', path: '/v2/applications', status: 503, when: 'after'})
    const reply = await sandbox.request('POST', '/v2/applications', {auth: basic(), body: {name: 'ghost'}})
    expect(reply.status).to.equal(503)
    expect((await sandbox.state()).applications.map((app: {name: string}) => app.name)).to.deep.equal(['ghost'])
  })

  it('skips the first N matching requests when asked', async () => {
    await sandbox.fault({method: 'GET', path: '/v2/applications', skip: 2, status: 500})
    const statuses = []
    for (let attempt = 0; attempt < 4; attempt += 1)
      statuses.push((await sandbox.request('GET', '/v2/applications', {auth: basic()})).status)
    expect(statuses).to.deep.equal([200, 200, 500, 200])
  })

  it('refuses a malformed fault', async () => {
    const reply = await sandbox.fault({path: 'no-slash', status: 42, times: 0})
    expect(reply.status).to.equal(400)
    expect(reply.body.errors).to.have.length(3)
    expect((await sandbox.fault({path: '/x'})).body.errors).to.deep.equal([
      'a fault needs status, reset, delay_ms or hold',
    ])
    expect((await sandbox.fault({hold: 'yes', path: '/x'})).body.errors).to.deep.equal([
      'hold must be true or false',
      'a fault needs status, reset, delay_ms or hold',
    ])
  })

  it('counts and logs API requests (not control calls), without query strings', async () => {
    await sandbox.request('GET', '/v24.0/me/accounts?access_token=SECRET')
    await sandbox.request('GET', '/v2/applications', {auth: basic()})
    const state = await sandbox.state()
    expect(state.requests).to.equal(2)
    expect(state.log).to.deep.equal([
      {method: 'GET', path: '/v24.0/me/accounts', status: 400},
      {method: 'GET', path: '/v2/applications', status: 200},
    ])
  })

  it('reset empties everything; the clock moves and comes back', async () => {
    await sandbox.createApp()
    await sandbox.seedUser({pages: [{id: '1', name: 'P'}], user_token: 'U'})
    await sandbox.fault({path: '/x', status: 500})
    const moved = await sandbox.clock(3600)
    expect(moved.body.offset_s).to.equal(3600)
    expect((await sandbox.clock(Number.NaN)).status).to.equal(400)
    await sandbox.reset()
    const state = await sandbox.state()
    expect(state).to.deep.include({accounts: [], applications: [], faults: [], requests: 0, violations: []})
    expect(state.facebook.users).to.deep.equal([])
    expect(state.clock.offset_s).to.equal(0)
  })

  it('answers 404 for paths it does not serve', async () => {
    expect((await sandbox.request('GET', '/nothing/here')).status).to.equal(404)
    expect((await sandbox.request('POST', '/_sandbox/nothing')).status).to.equal(404)
  })
})

describe('sandbox: held requests', () => {
  const sandbox = useSandbox()
  const apps = async () => ((await sandbox.state()).applications as Array<{name: string}>).map((app) => app.name)
  const createApp = (name: string) => sandbox.request('POST', '/v2/applications', {auth: basic(), body: {name}})

  it('holds a request before it takes effect until it is released, then answers it normally', async () => {
    expect((await sandbox.hold({method: 'POST', path: '/v2/applications'})).body.fault).to.include({
      hold: true,
      when: 'before',
    })
    const answer = createApp('held')
    const held = await sandbox.waitForHeld()
    expect(held).to.include({method: 'POST', path: '/v2/applications'})
    expect(held.id).to.match(/^h\d+$/)
    const state = await sandbox.state()
    expect(state.held).to.deep.equal([held])
    expect(state.applications).to.deep.equal([])
    expect(state.faults).to.deep.equal([])
    expect((await sandbox.release(held.id)).body).to.deep.equal({released: [held.id]})
    expect((await answer).status).to.equal(201)
    expect(await apps()).to.deep.equal(['held'])
    expect((await sandbox.state()).held).to.deep.equal([])
    await sandbox.verify()
  })

  it('with when:"after", holds once the request took effect; the status applies on release', async () => {
    await sandbox.hold({method: 'POST', path: '/v2/applications', status: 503, when: 'after'})
    const answer = createApp('ghost')
    const {id} = await sandbox.waitForHeld()
    expect(await apps()).to.deep.equal(['ghost'])
    await sandbox.release(id)
    expect((await answer).status).to.equal(503)
    expect((await sandbox.state()).log).to.deep.equal([{method: 'POST', path: '/v2/applications', status: 503}])
  })

  it('cuts the connection on release when the fault says reset', async () => {
    await sandbox.hold({path: '/v2/applications', reset: true})
    const answer = sandbox.request('GET', '/v2/applications', {auth: basic()}).catch((error: Error) => error)
    await sandbox.release((await sandbox.waitForHeld()).id)
    expect(await answer).to.be.instanceOf(Error)
  })

  it('long-polls: answers as soon as a request is held, at once if one already is, else empty after wait_ms', async () => {
    const started = Date.now()
    expect((await sandbox.request('GET', '/_sandbox/held?wait_ms=100')).body).to.deep.equal({held: []})
    expect(Date.now() - started).to.be.at.least(95)
    await sandbox.hold({path: '/v24.0/me'})
    const poll = sandbox.request('GET', '/_sandbox/held?wait_ms=60000')
    const answer = sandbox.request('GET', '/v24.0/me/accounts?access_token=SECRET')
    const {body} = await poll
    expect(body.held).to.have.length(1)
    expect(body.held[0]).to.include({method: 'GET', path: '/v24.0/me/accounts'})
    expect(Date.parse(body.held[0].since)).to.be.closeTo(Date.now(), 10_000)
    expect((await sandbox.request('GET', '/_sandbox/held?wait_ms=60000')).body).to.deep.equal(body)
    await sandbox.release()
    expect((await answer).status).to.equal(400)
  })

  it('refuses a wait_ms that is not a whole number', async () => {
    for (const wait of ['-1', 'soon', '1.5', '']) {
      const reply = await sandbox.request('GET', `/_sandbox/held?wait_ms=${wait}`)
      expect(reply.status, wait).to.equal(400)
      expect(reply.body.errors).to.deep.equal(['wait_ms must be a whole number of milliseconds'])
    }
  })

  it('honours skip and times, gives each held request its own id, and releases all at once', async () => {
    await sandbox.hold({method: 'GET', path: '/v2/applications', skip: 1, times: 2})
    expect((await sandbox.request('GET', '/v2/applications', {auth: basic()})).status).to.equal(200)
    const answers = [1, 2].map(() => sandbox.request('GET', '/v2/applications', {auth: basic()}))
    let held = (await sandbox.state()).held
    while (held.length < 2) held = (await sandbox.request('GET', '/_sandbox/held?wait_ms=10000')).body.held
    const ids = held.map((request: {id: string}) => request.id)
    expect(new Set(ids).size).to.equal(2)
    expect((await sandbox.release()).body).to.deep.equal({released: ids})
    expect((await Promise.all(answers)).map((reply) => reply.status)).to.deep.equal([200, 200])
    expect((await sandbox.state()).held).to.deep.equal([])
    await sandbox.verify()
  })

  it('answers 404 for an id that is not held, or no longer', async () => {
    const unknown = await sandbox.release('h999999')
    expect(unknown.status).to.equal(404)
    expect(unknown.body.errors).to.deep.equal(['no held request h999999; GET /_sandbox/held lists them'])
    await sandbox.hold({path: '/v2/applications'})
    const answer = sandbox.request('GET', '/v2/applications', {auth: basic()})
    const {id} = await sandbox.waitForHeld()
    expect((await sandbox.release(id)).status).to.equal(200)
    expect((await sandbox.release(id)).status).to.equal(404)
    expect((await answer).status).to.equal(200)
  })

  it('reset lets go of held requests without letting them into the fresh state', async () => {
    await sandbox.hold({method: 'POST', path: '/v2/applications'})
    const answer = createApp('stale').catch((error: Error) => error)
    await sandbox.waitForHeld()
    await sandbox.reset()
    expect(await answer).to.be.instanceOf(Error)
    const state = await sandbox.state()
    expect(state).to.deep.include({applications: [], held: [], log: [], requests: 0})
  })

  it('verify() fails on an unused fault or a contract violation, and passes otherwise', async () => {
    await sandbox.verify()
    await sandbox.hold({path: '/never'})
    expect(await sandbox.verify().catch((error: Error) => error.message)).to.match(
      /fault never used: .*"path":"\/never"/,
    )
    await sandbox.request('DELETE', '/_sandbox/faults')
    await sandbox.request('POST', '/v2/applications', {auth: basic(), body: {}})
    expect(await sandbox.verify().catch((error: Error) => error.message)).to.match(/contract violation: /)
  })

  it('close() lets go of held requests and long polls, and does not hang', async () => {
    const own = new SandboxClient(await startSandbox({port: 0}))
    await own.hold({path: '/v2/applications'})
    const answer = own.request('GET', '/v2/applications', {auth: basic()}).catch((error: Error) => error)
    expect(await own.waitForHeld()).to.include({id: 'h1'})
    const poll = own.request('GET', '/_sandbox/held?wait_ms=60000').catch((error: Error) => error)
    await own.sandbox.close()
    expect(await answer).to.be.instanceOf(Error)
    expect(await poll).to.satisfy(
      (reply: unknown) => reply instanceof Error || (reply as {body: unknown}).body !== undefined,
    )
  })
})

describe('sandbox: --latency', () => {
  const slow = useSandbox({latency: 400})
  it('adds the latency to API answers but not to control calls', async () => {
    let started = Date.now()
    await slow.request('GET', '/v2/applications', {auth: basic()})
    expect(Date.now() - started).to.be.at.least(395)
    started = Date.now()
    await slow.state()
    // with the latency applied it would take at least 400 ms; without, a loaded machine still answers well within
    expect(Date.now() - started).to.be.below(400)
  })
})

describe('sandbox: standalone (npm run sandbox)', function () {
  this.timeout(20_000)
  it('prints one line with its URL, serves (--no-patch: PATCH answers 405), and closes on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--api-key', 'k', '--api-secret', 's', '--no-patch'],
      {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']},
    )
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(String(chunk)))
      child.once('exit', (code) => reject(new Error(`exited ${code}`)))
    })
    expect(line).to.match(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+\n$/)
    const url = line.trim().split(' ').pop()!
    const reply = await fetch(`${url}/v2/applications`, {headers: {authorization: basic('k', 's')}})
    expect(reply.status).to.equal(200)
    const patch = await fetch(`${url}/beta/chatapp-accounts/messenger/101`, {
      body: '{"name":"x"}',
      headers: {authorization: basic('k', 's'), 'content-type': 'application/json'},
      method: 'PATCH',
    })
    expect(patch.status).to.equal(405)
    const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({code, signal})))
    child.kill('SIGTERM')
    expect(await exit).to.deep.equal({code: 0, signal: null})
  })
})
