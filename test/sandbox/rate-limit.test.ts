import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {startSandbox} from '../../sandbox/server.js'
import {ROOT} from '../helpers/cli.js'
import {basic, useSandbox} from '../helpers/sandbox.js'

describe('sandbox: per-API rate limit (token buckets on an injected clock)', () => {
  const sandbox = useSandbox()
  let now = 0
  /** Moves the buckets' clock; nothing here waits for real time. */
  const advance = (ms: number) => {
    now += ms
  }

  beforeEach(() => {
    now = 1_000_000
    sandbox.sandbox.state.monotonicNow = () => now
  })

  const graph = () => sandbox.request('GET', '/v24.0/me?access_token=made-up')
  const vonage = () => sandbox.request('GET', '/v2/applications', {auth: basic()})

  it('serves a full bucket of RPS requests, then answers 429 in Graph shape with Retry-After, logged and counted', async () => {
    await sandbox.rateLimit(3)
    for (let index = 0; index < 3; index += 1) expect((await graph()).status).to.equal(400)
    const refused = await graph()
    expect(refused.status).to.equal(429)
    expect(refused.headers.get('retry-after')).to.equal('1')
    expect(refused.body.error).to.include({
      code: 4,
      message: '(#4) Application request limit reached',
      type: 'OAuthException',
    })
    expect(refused.body.error.fbtrace_id).to.be.a('string')
    const state = await sandbox.state()
    expect(state.rate_limited).to.deep.equal({graph: 1, vonage: 0})
    expect(state.log.at(-1)).to.deep.equal({method: 'GET', path: '/v24.0/me', status: 429})
    expect(state.violations).to.deep.equal([])
    expect(await sandbox.stats()).to.deep.equal({
      accounts: 0,
      log_length: 4,
      rate_limited: {graph: 1, vonage: 0},
      requests: {graph: 4, vonage: 0},
    })
  })

  it('refills continuously at RPS per second, never past one second of tokens', async () => {
    await sandbox.rateLimit(3)
    for (let index = 0; index < 3; index += 1) await graph()
    advance(333)
    expect((await graph()).status, '0.999 of a token').to.equal(429)
    advance(1)
    expect((await graph()).status, 'one token after 1/3 s').to.equal(400)
    expect((await graph()).status).to.equal(429)
    advance(10_000)
    const statuses = []
    for (let index = 0; index < 4; index += 1) statuses.push((await graph()).status)
    expect(statuses).to.deep.equal([400, 400, 400, 429])
  })

  it('rounds Retry-After up to whole seconds until a token is there, at least 1; a 429 takes no token', async () => {
    await sandbox.rateLimit(0.25)
    expect((await vonage()).status).to.equal(200)
    const retry = async () => {
      const reply = await vonage()
      expect(reply.status).to.equal(429)
      return reply.headers.get('retry-after')
    }

    expect(await retry()).to.equal('4')
    advance(1000)
    expect(await retry()).to.equal('3')
    advance(2500)
    expect(await retry(), '0.125 token short: half a second').to.equal('1')
    advance(500)
    expect((await vonage()).status).to.equal(200)
    expect((await sandbox.stats()).rate_limited).to.deep.equal({graph: 0, vonage: 3})
  })

  it('keeps Vonage and Graph apart; the Vonage 429 is in Vonage shape', async () => {
    await sandbox.rateLimit(1)
    expect((await graph()).status).to.equal(400)
    expect((await graph()).status).to.equal(429)
    expect((await vonage()).status).to.equal(200)
    expect((await sandbox.request('GET', '/beta/chatapp-accounts', {auth: basic()})).status).to.equal(429)
    const refused = await vonage()
    expect(refused.status).to.equal(429)
    expect(refused.headers.get('retry-after')).to.equal('1')
    expect(refused.body).to.deep.equal({
      detail: 'rate limit of 1 requests per second exceeded',
      title: 'Too Many Requests',
      type: 'https://developer.nexmo.com/api-errors#throttled',
    })
    expect((await sandbox.stats()).rate_limited).to.deep.equal({graph: 1, vonage: 2})
    expect((await sandbox.state()).violations).to.deep.equal([])
  })

  it('never limits the control endpoints', async () => {
    await sandbox.rateLimit(1)
    for (let index = 0; index < 5; index += 1) {
      expect((await sandbox.request('GET', '/_sandbox/stats')).status).to.equal(200)
      expect((await sandbox.seedUser({pages: [], user_token: `U${index}`})).status).to.equal(201)
    }

    expect((await graph()).status).to.equal(400)
  })

  it('checks the limit before faults and before acting: a refused request uses no fault and changes nothing', async () => {
    await sandbox.rateLimit(1)
    await vonage()
    await sandbox.fault({method: 'POST', path: '/v2/applications', status: 500})
    const refused = await sandbox.request('POST', '/v2/applications', {auth: basic(), body: {name: 'not made'}})
    expect(refused.status).to.equal(429)
    const state = await sandbox.state()
    expect(state.applications).to.deep.equal([])
    expect(state.faults).to.have.length(1)
    advance(1000)
    expect((await sandbox.request('POST', '/v2/applications', {auth: basic(), body: {name: 'x'}})).status).to.equal(500)
  })

  it('is set, shown and switched off through /_sandbox/settings; bad values are refused', async () => {
    expect((await sandbox.state()).settings).to.deep.equal({no_patch: false, rate_limit: null})
    const set = await sandbox.request('POST', '/_sandbox/settings', {body: {no_patch: true, rate_limit: 2.5}})
    expect(set.body).to.deep.equal({settings: {no_patch: true, rate_limit: 2.5}})
    expect((await sandbox.state()).settings).to.deep.equal({no_patch: true, rate_limit: 2.5})
    for (const bad of [0, -1, '5', 'fast', true, {}]) {
      const reply = await sandbox.request('POST', '/_sandbox/settings', {body: {rate_limit: bad}})
      expect(reply.status, JSON.stringify(bad)).to.equal(400)
    }

    expect((await sandbox.request('POST', '/_sandbox/settings', {body: {}})).status).to.equal(400)
    await sandbox.rateLimit(null)
    for (let index = 0; index < 10; index += 1) expect((await graph()).status).to.equal(400)
    expect((await sandbox.state()).settings).to.deep.equal({no_patch: true, rate_limit: null})
  })
})

describe('sandbox: startSandbox({rateLimit})', () => {
  const sandbox = useSandbox({latency: 1000, rateLimit: 1})

  it('starts limited; reset restores the start value and the counters; a 429 skips the latency', async () => {
    sandbox.sandbox.state.monotonicNow = () => 0
    await sandbox.rateLimit(null)
    await sandbox.reset()
    expect((await sandbox.state()).settings.rate_limit).to.equal(1)
    expect((await sandbox.request('GET', '/v24.0/me?access_token=x')).status).to.equal(400)
    const started = Date.now()
    expect((await sandbox.request('GET', '/v24.0/me?access_token=x')).status).to.equal(429)
    // a served request sleeps its 1000 ms of latency; a refused one is answered at arrival
    expect(Date.now() - started).to.be.below(1000)
    expect((await sandbox.stats()).rate_limited).to.deep.equal({graph: 1, vonage: 0})
    await sandbox.reset()
    expect((await sandbox.stats()).rate_limited).to.deep.equal({graph: 0, vonage: 0})
  })

  it('refuses a start value that is not a positive number', async () => {
    for (const bad of [0, -2, Number.NaN])
      expect(await startSandbox({port: 0, rateLimit: bad}).catch((error: Error) => error.message)).to.match(
        /rateLimit must be a positive number/,
      )
  })
})

describe('sandbox: standalone --rate-limit', function () {
  this.timeout(20_000)
  const run = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })

  it('limits each API to RPS requests per second', async () => {
    const child = run(['--rate-limit', '1'])
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(String(chunk)))
      child.once('exit', (code) => reject(new Error(`exited ${code}`)))
    })
    const url = line.trim().split(' ').pop()!
    const statuses = []
    for (let index = 0; index < 2; index += 1)
      statuses.push((await fetch(`${url}/v2/applications`, {headers: {authorization: basic()}})).status)
    expect(statuses).to.deep.equal([200, 429])
    const stats = (await (await fetch(`${url}/_sandbox/stats`)).json()) as {rate_limited: unknown}
    expect(stats.rate_limited).to.deep.equal({graph: 0, vonage: 1})
    const exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exit).to.equal(0)
  })

  it('exits 2 on a rate that is not a positive number', async () => {
    const child = run(['--rate-limit', '0'])
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk)
    })
    expect(await new Promise((resolve) => child.once('exit', (code) => resolve(code)))).to.equal(2)
    expect(stderr).to.match(/--rate-limit must be a positive number/)
  })
})
