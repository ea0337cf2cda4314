// The Graph client against a scripted server: each test says what Facebook answers, so shapes the
// sandbox does not serve (subscribed_apps, granular scopes, a 429) are checked exactly.
import {expect} from 'chai'
import {once} from 'node:events'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {Clients} from '../../src/lib/clients.js'
import {PluginError} from '../../src/lib/errors.js'
import {Graph} from '../../src/lib/facebook.js'
import {refused, type RequestGate} from '../../src/lib/http.js'

interface Scripted {
  status?: number
  body: unknown
  headers?: Record<string, string>
}

interface Seen {
  path: string
  query: Record<string, string>
  authorization?: string
}

/** A server that answers each request with what `answer` says, and notes every request. */
function scriptedGraph() {
  const stub = {
    answer: (_request: Seen): Scripted => ({body: {}, status: 404}),
    seen: [] as Seen[],
    url: '',
  }
  let server: Server
  before(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost')
      const seen = {
        authorization: request.headers.authorization,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
      }
      stub.seen.push(seen)
      const {body, headers, status} = stub.answer(seen)
      response.writeHead(status ?? 200, {'content-type': 'application/json', ...headers}).end(JSON.stringify(body))
    }).listen(0, '127.0.0.1')
    await once(server, 'listening')
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  beforeEach(() => {
    stub.seen = []
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
  })
  return stub
}

const RATE_LIMITED = {
  body: {
    error: {code: 4, fbtrace_id: 'A1', message: '(#4) Application request limit reached', type: 'OAuthException'},
  },
  headers: {'retry-after': '1'},
  status: 429,
}

describe('Graph (facebook.ts)', () => {
  const stub = scriptedGraph()
  const graph = (extra: Record<string, unknown> = {}) =>
    new Graph({backoffMs: 1, host: stub.url, sleep: async () => {}, timeoutMs: 2000, version: 'v25.0', ...extra})

  describe('pageBatches and listPages', () => {
    const pages = (from: number, count: number) =>
      Array.from({length: count}, (_, index) => ({
        access_token: `PAGE-${from + index}`,
        id: String(from + index),
        name: `Page ${from + index}`,
      }))

    it('yields each answer of /me/accounts as it arrives: the next is asked for only when wanted', async () => {
      stub.answer = ({query}) => {
        const after = Number(query.after ?? 0)
        return {
          body: {
            data: pages(after, after < 200 ? 100 : 30),
            paging: after < 200 ? {next: `${stub.url}/v25.0/me/accounts?after=${after + 100}`} : {},
          },
        }
      }

      const batches = graph().pageBatches('USER-T')
      const first = await batches.next()
      expect(first.value).to.have.length(100)
      expect(stub.seen, 'one request so far').to.have.length(1)
      expect(stub.seen[0]).to.deep.include({authorization: 'Bearer USER-T', path: '/v25.0/me/accounts'})
      expect(stub.seen[0].query).to.deep.equal({fields: 'id,name,access_token', limit: '100'})
      const sizes = [first.value.length]
      for await (const batch of batches) sizes.push(batch.length)
      expect(sizes).to.deep.equal([100, 100, 30])

      const all = await graph().listPages('USER-T')
      expect(all).to.have.length(230)
      expect(all[229]).to.deep.equal({access_token: 'PAGE-229', id: '229', name: 'Page 229'})
    })

    it('gives up on a list of Pages that never ends', async () => {
      stub.answer = () => ({body: {data: [], paging: {next: `${stub.url}/v25.0/me/accounts?after=x`}}})
      const error = await graph()
        .listPages('USER-T')
        .catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(PluginError).and.include({kind: 'remote'})
      expect((error as Error).message).to.equal('Facebook sent a list of Pages that never ends; giving up')
      expect(stub.seen).to.have.length(1000)
    })
  })

  describe('rate limits', () => {
    it('a Graph 429 (code 4) keeps its status and its Retry-After, so it is refused() as a Vonage 429 is', async () => {
      stub.answer = () => RATE_LIMITED
      const error = await graph({attempts: 1})
        .pageName('101', 'PAGE-T', 'the Page token')
        .catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(PluginError)
      expect(error).to.deep.include({kind: 'remote', retry: {afterMs: 1000}, status: 429})
      expect(refused(error as PluginError)).to.equal(true)
      expect((error as Error).message).to.equal(
        'Facebook is rate-limiting reading the name of Page 101 (code 4): (#4) Application request limit reached; try again later',
      )
    })

    it('waits the Retry-After before asking again, and the gate hears of the wait', async () => {
      let calls = 0
      stub.answer = () => (calls++ === 0 ? RATE_LIMITED : {body: {id: '101', name: 'Pizza'}})
      const waits: number[] = []
      const heard: Array<number | undefined> = []
      const gate: RequestGate = {
        async run(request, rateLimited) {
          return request().catch((error: unknown) => {
            heard.push(rateLimited(error))
            throw error
          })
        },
      }
      const name = await graph({gate, sleep: async (ms: number) => void waits.push(ms)}).pageName('101', 'T', 'x')
      expect(name).to.equal('Pizza')
      expect(waits).to.deep.equal([1000])
      expect(heard).to.deep.equal([1000])
    })

    it('Clients.graphWith builds a Graph client whose requests go through its own gate', async () => {
      stub.answer = () => ({body: {id: '101', name: 'Pizza'}})
      let gated = 0
      const gate: RequestGate = {
        async run(request) {
          gated += 1
          return request()
        },
      }
      const clients = new Clients({
        graph: {host: stub.url, timeoutMs: 2000, version: 'v25.0'},
        vonage: {host: 'http://127.0.0.1:1', timeoutMs: 2000},
      })
      expect(await clients.graphWith(gate).pageName('101', 'T', 'x')).to.equal('Pizza')
      expect(await clients.graph.pageName('101', 'T', 'x')).to.equal('Pizza')
      expect(gated, 'the plain client has no gate').to.equal(1)
      expect(clients.graphWith(gate)).not.to.equal(clients.graph)
    })
  })

  describe('debugToken', () => {
    it('returns the scopes, the granular scopes (without target_ids: all) and what it returned before', async () => {
      stub.answer = () => ({
        body: {
          data: {
            app_id: '9',
            data_access_expires_at: 1_800_000_000,
            expires_at: 0,
            granular_scopes: [
              {scope: 'pages_show_list'},
              {scope: 'pages_messaging', target_ids: ['101', '102']},
              {target_ids: ['1']},
            ],
            is_valid: true,
            profile_id: 101,
            scopes: ['pages_show_list', 'pages_messaging', 7],
            type: 'PAGE',
          },
        },
      })
      const info = await graph().debugToken('PAGE-T', 'USER-T', 'the user token')
      expect(info).to.deep.equal({
        data_access_expires_at: 1_800_000_000,
        expires_at: 0,
        granular_scopes: [{scope: 'pages_show_list'}, {scope: 'pages_messaging', target_ids: ['101', '102']}],
        is_valid: true,
        profile_id: '101',
        scopes: ['pages_show_list', 'pages_messaging'],
        type: 'PAGE',
      })
      expect(stub.seen[0]).to.deep.include({authorization: 'Bearer USER-T', path: '/v25.0/debug_token'})
      expect(stub.seen[0].query).to.deep.equal({input_token: 'PAGE-T'})
    })

    it("says why a token is not valid, in Facebook's words, and empty scopes when it names none", async () => {
      stub.answer = () => ({
        body: {
          data: {
            error: {
              code: 190,
              message: 'Error validating access token: The session has been invalidated.',
              subcode: 460,
            },
            expires_at: 1_700_000_000,
            is_valid: false,
            scopes: [],
          },
        },
      })
      const info = await graph().debugToken('PAGE-T', 'USER-T', 'the user token')
      expect(info).to.deep.include({
        error: 'Error validating access token: The session has been invalidated.',
        granular_scopes: [],
        is_valid: false,
        scopes: [],
      })
      stub.answer = () => ({body: {data: {error: {message: 'ignored'}, is_valid: true}}})
      expect(await graph().debugToken('PAGE-T', 'USER-T', 'the user token')).not.to.have.property('error')
    })
  })

  describe('subscribedApps', () => {
    it('lists the apps subscribed to the Page, asked with the Page token', async () => {
      stub.answer = () => ({
        body: {
          data: [
            {category: 'Business', id: '555', link: 'https://x', name: 'Vonage', subscribed_fields: ['messages', 'x']},
            {id: '556', subscribed_fields: []},
            {name: 'no id'},
          ],
        },
      })
      const apps = await graph().subscribedApps('101', 'PAGE-T')
      expect(apps).to.deep.equal([
        {id: '555', name: 'Vonage', subscribed_fields: ['messages', 'x']},
        {id: '556', subscribed_fields: []},
      ])
      expect(stub.seen).to.deep.equal([{authorization: 'Bearer PAGE-T', path: '/v25.0/101/subscribed_apps', query: {}}])
    })

    it("a 190 is an auth error naming the Page token of that Page, never the token's value", async () => {
      stub.answer = () => ({
        body: {error: {code: 190, message: 'Error validating access token', type: 'OAuthException'}},
        status: 400,
      })
      const error = await graph()
        .subscribedApps('101', 'SECRET-PAGE-T')
        .catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(PluginError).and.include({kind: 'auth', status: 400})
      expect((error as Error).message).to.match(/^Facebook refused the Page token of 101 \(code 190/)
      expect((error as Error).message).not.to.include('SECRET')
    })
  })
})
