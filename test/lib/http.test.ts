import {expect} from 'chai'
import {once} from 'node:events'
import {createServer, type AddressInfo} from 'node:net'

import {AdaptiveGate} from '../../src/lib/concurrency.js'
import {PluginError} from '../../src/lib/errors.js'
import {
  baseUrl,
  describeErrorBody,
  errorFromStatus,
  HttpClient,
  isAmbiguous,
  retryAfterMs,
  ServiceClock,
} from '../../src/lib/http.js'
import {basic, useSandbox} from '../helpers/sandbox.js'

// No test waits for real backoff: the retry policy's sleep is a no-op here.
const context = {host: 'http://127.0.0.1:1', service: 'Vonage', sleep: async () => {}, timeoutMs: 1000}

describe('http', () => {
  describe('HttpClient against the sandbox', () => {
    const sandbox = useSandbox()
    const client = (extra: Record<string, unknown> = {}) =>
      new HttpClient({
        backoffMs: 10,
        sleep: async () => {},
        headers: {authorization: basic()},
        host: sandbox.url,
        service: 'Vonage',
        timeoutMs: 800,
        ...extra,
      })
    const statuses = async () => ((await sandbox.state()).log as Array<{status: number}>).map((entry) => entry.status)

    it('retries a GET on 503 and on a reset connection, then succeeds', async () => {
      await sandbox.fault({method: 'GET', path: '/v2/applications', status: 503})
      await sandbox.fault({method: 'GET', path: '/v2/applications', reset: true})
      const answer = await client().request('GET', '/v2/applications', {action: 'listing'})
      expect(answer.status).to.equal(200)
      expect(await statuses()).to.deep.equal([503, 0, 200])
    })

    it('never retries a POST that may have been acted on (a 503)', async () => {
      await sandbox.fault({method: 'POST', path: '/v2/applications', status: 503})
      const error = await client()
        .request('POST', '/v2/applications', {action: 'creating', body: {name: 'x'}})
        .catch((error_) => error_)
      expect(error).to.be.instanceOf(PluginError)
      expect(error).to.include({kind: 'remote', status: 503})
      expect(await statuses()).to.deep.equal([503])
    })

    it('#13.6 sends a POST or PATCH again after a 429, which refused it before acting, waiting as asked', async () => {
      const waits: number[] = []
      await sandbox.fault({method: 'POST', path: '/v2/applications', retry_after: 2, status: 429, times: 2})
      const answer = await client({sleep: async (ms: number) => void waits.push(ms)}).request(
        'POST',
        '/v2/applications',
        {action: 'creating', body: {name: 'x'}},
      )
      expect(answer.status).to.equal(201)
      expect(await statuses()).to.deep.equal([429, 429, 201])
      expect(waits).to.deep.equal([2000, 2000])
    })

    it('#13.6 with a gate, requests wait for a slot, and a 429 narrows the gate', async () => {
      const gate = new AdaptiveGate({initial: 2, max: 8, sleep: async () => {}})
      await sandbox.hold({method: 'GET', path: '/v2/applications', times: 3})
      const gated = client({gate})
      const requests = [1, 2, 3].map(() => gated.request('GET', '/v2/applications', {action: 'listing'}))
      const first = await sandbox.waitForHeldCount(2)
      expect(first, 'two in flight, the third waits at the gate').to.have.length(2)
      await sandbox.release()
      expect(await sandbox.waitForHeldCount(1), 'the third, once a slot was free').to.have.length(1)
      await sandbox.release()
      await Promise.all(requests)
      expect(gate.current, 'a round of healthy answers doubles it').to.equal(4)
      await sandbox.fault({method: 'GET', path: '/v2/applications', status: 429})
      await gated.request('GET', '/v2/applications', {action: 'listing'})
      expect(gate.current, 'the 429 halved it; the retry then succeeded').to.equal(2)
      expect(await statuses()).to.deep.equal([200, 200, 200, 429, 200])
    })

    it('honours Retry-After (on an injected clock), and fails at once, saying until when, when it asks for longer than allowed', async () => {
      const waits: number[] = []
      const sleep = async (ms: number) => void waits.push(ms)
      await sandbox.fault({method: 'GET', path: '/v2/applications', retry_after: 7, status: 429})
      await client({sleep}).request('GET', '/v2/applications', {action: 'listing'})
      expect(waits).to.deep.equal([7000])
      await sandbox.fault({method: 'GET', path: '/v2/applications', retry_after: 3600, status: 429})
      const error = await client({sleep})
        .request('GET', '/v2/applications', {action: 'listing'})
        .catch((error_) => error_)
      expect(waits).to.deep.equal([7000])
      expect(error.message).to.match(
        /^Vonage is rate-limiting listing: 429 \(.*\); it asks to wait 1 h: try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
      )
    })

    it('#11.7 signs every request anew, and after a 401 that reveals a clock skew signs for the service clock and tries once more', async () => {
      const {createApp, bearer} = {
        createApp: sandbox.createApp.bind(sandbox),
        bearer: (await import('../helpers/sandbox.js')).bearer,
      }
      const app = await createApp('mine')
      const signed: number[] = []
      const authorize = async (clock: ServiceClock) => {
        signed.push(clock.now())
        return bearer(app.privateKey, app.id, {exp: clock.now() + 900, iat: clock.now()})
      }

      const accounts = new HttpClient({
        authorize,
        clock: new ServiceClock(),
        host: sandbox.url,
        service: 'Vonage',
        timeoutMs: 2000,
      })
      await accounts.request('GET', '/beta/chatapp-accounts', {action: 'listing'})
      await sandbox.clock(960)
      const answer = await accounts
        .request('POST', '/beta/chatapp-accounts/messenger', {
          action: 'linking',
          body: {access_token: 'x', external_id: '1'},
        })
        .catch((error) => error)
      // the token check passed on the second try: the 400 is about the made-up Page token, not the JWT
      expect(answer.status, answer.message).to.equal(400)
      expect(signed).to.have.length(3)
      expect(signed[2] - signed[1]).to.be.within(955, 965)
      expect(((await sandbox.state()).log as Array<{status: number}>).map((entry) => entry.status)).to.deep.equal([
        201, 200, 401, 400,
      ])
    })

    it('gives up after the attempts, with the last failure', async () => {
      await sandbox.fault({method: 'GET', path: '/v2/applications', status: 502, times: 10})
      const error = await client({attempts: 3})
        .request('GET', '/v2/applications', {action: 'listing'})
        .catch((error_) => error_)
      expect(error.message).to.match(/^Vonage failed while listing: 502/)
      expect(await statuses()).to.deep.equal([502, 502, 502])
    })

    it('times out and names the host and the limit', async () => {
      // held, never released: the client's timeout is the only clock involved
      await sandbox.hold({method: 'GET', path: '/v2/applications'})
      const error = await client({attempts: 1})
        .request('GET', '/v2/applications', {action: 'listing'})
        .catch((error_) => error_)
      expect(error).to.include({kind: 'network'})
      expect(error.message).to.equal(
        `no answer from ${sandbox.url} within 0.8 s while listing; check the network and try again`,
      )
      expect(isAmbiguous(error)).to.equal(true)
    })

    it('#11.hostile.7 follows a link to another host on the configured host only: the credentials never leave it', async () => {
      let visits = 0
      const other = createServer(() => (visits += 1)).listen(0, '127.0.0.1')
      await once(other, 'listening')
      const {port} = other.address() as AddressInfo
      try {
        const answer = await client().request('GET', `http://127.0.0.1:${port}/v2/applications?page=2`, {
          accept: [404],
          action: 'listing',
        })
        expect(answer.status).to.equal(200)
        expect(visits).to.equal(0)
        expect(((await sandbox.state()).log as Array<{path: string}>).map((entry) => entry.path)).to.deep.equal([
          '/v2/applications',
        ])
      } finally {
        await new Promise((resolve) => other.close(resolve))
      }
    })

    it('treats listed statuses as answers', async () => {
      const answer = await client().request('GET', '/v2/applications/00000000-0000-0000-0000-000000000000', {
        accept: [404],
        action: 'reading',
      })
      expect(answer.status).to.equal(404)
    })
  })

  it('reports a refused connection as a network error that was never sent', async () => {
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const {port} = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const host = `http://127.0.0.1:${port}`
    const error = await new HttpClient({...context, host})
      .request('GET', '/x', {action: 'reading'})
      .catch((error_) => error_)
    expect(error.message).to.equal(
      `cannot connect to ${host}: connection refused while reading; check the network and try again`,
    )
    expect(isAmbiguous(error)).to.equal(false)
  })

  it("says why fetch refused to try, not just 'fetch failed'", async () => {
    const error = await new HttpClient(context).request('GET', '/x', {action: 'reading'}).catch((error_) => error_)
    expect(error.message).to.equal(
      'cannot reach http://127.0.0.1:1: bad port while reading; check the network and try again',
    )
  })

  it('classifies statuses into kinds, keeping the status', () => {
    const kinds = [401, 403, 404, 409, 429, 500, 400].map((status) => [
      status,
      errorFromStatus(status, '', context, 'x').kind,
    ])
    expect(kinds).to.deep.equal([
      [401, 'auth'],
      [403, 'auth'],
      [404, 'not-found'],
      [409, 'conflict'],
      [429, 'remote'],
      [500, 'remote'],
      [400, 'remote'],
    ])
    expect(isAmbiguous(errorFromStatus(500, '', context, 'x'))).to.equal(true)
    expect(isAmbiguous(errorFromStatus(400, '', context, 'x'))).to.equal(false)
  })

  it('reads the useful sentence of Vonage and Graph error bodies, and nothing from HTML', () => {
    expect(
      describeErrorBody('{"title":"Bad","detail":"no","invalid_params":[{"name":"external_id","reason":"missing"}]}'),
    ).to.equal('Bad: no: external_id missing')
    expect(describeErrorBody('{"error":{"message":"Invalid OAuth access token","code":190}}')).to.equal(
      'Invalid OAuth access token',
    )
    expect(describeErrorBody('<html>502</html>')).to.equal(undefined)
  })

  describe('baseUrl', () => {
    const API = '--api-host (VONAGE_API_HOST)'
    const GRAPH = '--graph-host (FACEBOOK_GRAPH_HOST)'
    const refusal = (value: string, name: string): string => {
      try {
        baseUrl(value, name)
      } catch (error) {
        expect(error).to.be.instanceOf(PluginError).and.to.include({kind: 'usage'})
        return (error as Error).message
      }

      throw new Error(`${value} was accepted`)
    }

    const malformed: Array<[string, RegExp]> = [
      ['http://admin:hunter2@127.0.0.1:99999', /is not a valid URL: its port 99999 is above 65535\./],
      ['http://admin:hunter2@[127.0.0.1', /is not a valid URL: its host opens a "\[" it does not close\./],
      ['http://admin:hunter2@exa mple.com', /is not a valid URL: it contains a space or another blank\./],
      [' http://admin:hunter2@127.0.0.1:8x ', /is not a valid URL: its port is not a number\./],
      ['http://admin:hunter2@', /is not a valid URL: its host is empty\./],
      ['admin:hunter2@127.0.0.1', /must be an http or https URL$/],
    ]
    for (const [value, reason] of malformed) {
      it(`#11.hostile.10 says what is wrong with ${JSON.stringify(value.replace('hunter2', '…'))} without repeating a value holding "@"`, () => {
        for (const name of [API, GRAPH]) {
          const message = refusal(value, name)
          expect(message).to.match(reason)
          expect(message).not.to.match(/hunter2|admin|127\.0\.0\.1|exa/)
        }
      })
    }

    it('#11.hostile.10 for the Vonage host, credentials go in --api-key and --api-secret; for the Graph host, Facebook takes a token', () => {
      for (const value of ['http://admin:hunter2@127.0.0.1:9', 'http://admin:hunter2@127.0.0.1:99999']) {
        const vonage = refusal(value, API)
        expect(vonage).to.include('--api-key and --api-secret').and.not.to.match(/token/)
        const graph = refusal(value, GRAPH)
        expect(graph)
          .to.include('Facebook takes a token instead, with --user-token (or FACEBOOK_USER_TOKEN)')
          .and.not.to.match(/api-key|api-secret/)
      }

      expect(refusal('nowhere', GRAPH)).to.equal(
        `${GRAPH} must be a URL such as https://graph.facebook.com, not "nowhere"`,
      )
      expect(refusal('', GRAPH)).to.match(/such as https:\/\/graph\.facebook\.com/)
      expect(refusal('nowhere', API)).to.equal(`${API} must be a URL such as https://api.nexmo.com, not "nowhere"`)
      expect(baseUrl('http://127.0.0.1:4010/', API)).to.equal('http://127.0.0.1:4010')
    })
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).to.equal(2000)
    expect(retryAfterMs(null)).to.equal(undefined)
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).to.be.within(3000, 5000)
    expect(retryAfterMs('soon')).to.equal(undefined)
  })
})
