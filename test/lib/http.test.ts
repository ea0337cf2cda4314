import {expect} from 'chai'
import {once} from 'node:events'
import {createServer, type AddressInfo} from 'node:net'

import {PluginError} from '../../src/lib/errors.js'
import {describeErrorBody, errorFromStatus, HttpClient, isAmbiguous, retryAfterMs} from '../../src/lib/http.js'
import {basic, useSandbox} from '../helpers/sandbox.js'

const context = {host: 'http://127.0.0.1:1', service: 'Vonage', timeoutMs: 1000}

describe('http', () => {
  describe('HttpClient against the sandbox', () => {
    const sandbox = useSandbox()
    const client = (extra: Record<string, unknown> = {}) =>
      new HttpClient({backoffMs: 10, headers: {authorization: basic()}, host: sandbox.url, service: 'Vonage', timeoutMs: 800, ...extra})
    const statuses = async () => ((await sandbox.state()).log as Array<{status: number}>).map((entry) => entry.status)

    it('retries a GET on 503 and on a reset connection, then succeeds', async () => {
      await sandbox.fault({method: 'GET', path: '/v2/applications', status: 503})
      await sandbox.fault({method: 'GET', path: '/v2/applications', reset: true})
      const answer = await client().request('GET', '/v2/applications', {action: 'listing'})
      expect(answer.status).to.equal(200)
      expect(await statuses()).to.deep.equal([503, 0, 200])
    })

    it('never retries a POST', async () => {
      await sandbox.fault({method: 'POST', path: '/v2/applications', status: 503})
      const error = await client().request('POST', '/v2/applications', {action: 'creating', body: {name: 'x'}}).catch((error_) => error_)
      expect(error).to.be.instanceOf(PluginError)
      expect(error).to.include({kind: 'remote', status: 503})
      expect(await statuses()).to.deep.equal([503])
    })

    it('honours Retry-After, and fails at once when it asks for longer than allowed', async () => {
      await sandbox.fault({method: 'GET', path: '/v2/applications', retry_after: 1, status: 429})
      const started = Date.now()
      await client().request('GET', '/v2/applications', {action: 'listing'})
      expect(Date.now() - started).to.be.within(950, 3000)
      await sandbox.fault({method: 'GET', path: '/v2/applications', retry_after: 3600, status: 429})
      const error = await client().request('GET', '/v2/applications', {action: 'listing'}).catch((error_) => error_)
      expect(error.message).to.match(/^Vonage is rate-limiting listing: 429/)
    })

    it('gives up after the attempts, with the last failure', async () => {
      await sandbox.fault({method: 'GET', path: '/v2/applications', status: 502, times: 10})
      const error = await client({attempts: 3}).request('GET', '/v2/applications', {action: 'listing'}).catch((error_) => error_)
      expect(error.message).to.match(/^Vonage failed while listing: 502/)
      expect(await statuses()).to.deep.equal([502, 502, 502])
    })

    it('times out and names the host and the limit', async () => {
      await sandbox.fault({delay_ms: 2000, method: 'GET', path: '/v2/applications', status: 200, times: 10})
      const error = await client({attempts: 1}).request('GET', '/v2/applications', {action: 'listing'}).catch((error_) => error_)
      expect(error).to.include({kind: 'network'})
      expect(error.message).to.equal(`no answer from ${sandbox.url} within 0.8 s while listing; check the network and try again`)
      expect(isAmbiguous(error)).to.equal(true)
    })

    it('treats listed statuses as answers', async () => {
      const answer = await client().request('GET', '/v2/applications/00000000-0000-0000-0000-000000000000', {accept: [404], action: 'reading'})
      expect(answer.status).to.equal(404)
    })
  })

  it('reports a refused connection as a network error that was never sent', async () => {
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const {port} = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const host = `http://127.0.0.1:${port}`
    const error = await new HttpClient({...context, host}).request('GET', '/x', {action: 'reading'}).catch((error_) => error_)
    expect(error.message).to.equal(`cannot connect to ${host}: connection refused while reading; check the network and try again`)
    expect(isAmbiguous(error)).to.equal(false)
  })

  it("says why fetch refused to try, not just 'fetch failed'", async () => {
    const error = await new HttpClient(context).request('GET', '/x', {action: 'reading'}).catch((error_) => error_)
    expect(error.message).to.equal('cannot reach http://127.0.0.1:1: bad port while reading; check the network and try again')
  })

  it('classifies statuses into kinds, keeping the status', () => {
    const kinds = [401, 403, 404, 409, 429, 500, 400].map((status) => [status, errorFromStatus(status, '', context, 'x').kind])
    expect(kinds).to.deep.equal([[401, 'auth'], [403, 'auth'], [404, 'not-found'], [409, 'conflict'], [429, 'remote'], [500, 'remote'], [400, 'remote']])
    expect(isAmbiguous(errorFromStatus(500, '', context, 'x'))).to.equal(true)
    expect(isAmbiguous(errorFromStatus(400, '', context, 'x'))).to.equal(false)
  })

  it('reads the useful sentence of Vonage and Graph error bodies, and nothing from HTML', () => {
    expect(describeErrorBody('{"title":"Bad","detail":"no","invalid_params":[{"name":"external_id","reason":"missing"}]}')).to.equal('Bad: no: external_id missing')
    expect(describeErrorBody('{"error":{"message":"Invalid OAuth access token","code":190}}')).to.equal('Invalid OAuth access token')
    expect(describeErrorBody('<html>502</html>')).to.equal(undefined)
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).to.equal(2000)
    expect(retryAfterMs(null)).to.equal(undefined)
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).to.be.within(3000, 5000)
    expect(retryAfterMs('soon')).to.equal(undefined)
  })
})
