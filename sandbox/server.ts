// The sandbox: one HTTP server on 127.0.0.1 that stands in for api.nexmo.com (Applications v2 and
// External Accounts) and graph.facebook.com, plus control endpoints under /_sandbox for tests.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {applicationsApi, warmKeyPool} from './applications.js'
import type {Api, ApiRequest} from './contract.js'
import {externalAccountsApi} from './external-accounts.js'
import {addFault, faultAnswer, takeFault} from './faults.js'
import {graphApi, seedFacebookUser} from './graph.js'
import {linkingPage, logIn, loginChoices} from './linking-page.js'
import {pageControl} from './page-health.js'
import {type Answer, BadBody, json, parseJson, readBody, sleep} from './http.js'
import {bucketOf, isGraphPath, takeToken, throttled} from './rate-limit.js'
import {SandboxState} from './state.js'

export interface SandboxOptions {
  port?: number
  host?: string
  /** Milliseconds added before every API answer (not the control endpoints). */
  latency?: number
  apiKey?: string
  apiSecret?: string
  /**
   * Answer PATCH of a linked account with 405, as a service without that operation would
   * (POST /_sandbox/settings switches it).
   */
  noPatch?: boolean
  /**
   * Requests per second each API (Vonage, Graph) accepts before answering 429 with Retry-After
   * (POST /_sandbox/settings changes it); unset = no limit.
   */
  rateLimit?: number
}

export interface Sandbox {
  url: string
  port: number
  state: SandboxState
  close(): Promise<void>
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (options.rateLimit !== undefined && rateProblem(options.rateLimit))
    throw new Error(`rateLimit ${rateProblem(options.rateLimit)}`)
  const state = new SandboxState(
    {apiKey: options.apiKey ?? 'sandbox-key', apiSecret: options.apiSecret ?? 'sandbox-secret'},
    {noPatch: options.noPatch ?? false, rateLimit: options.rateLimit ?? null},
  )
  warmKeyPool()
  const apis: Array<[string, Api]> = [
    ['/v2/applications', await applicationsApi(state)],
    ['/beta/chatapp-accounts', await externalAccountsApi(state)],
  ]
  const graph = graphApi(state)
  const latency = options.latency ?? 0

  /** Sends a request to the API that serves its path; `raw` and `badBody` describe its body. */
  async function route(
    request: ApiRequest,
    req: IncomingMessage,
    raw: string,
    badBody: string | undefined,
  ): Promise<Answer> {
    const vonage = apis.find(([root]) => request.path === root || request.path.startsWith(`${root}/`))
    if (vonage) {
      const name = vonage[0] === '/v2/applications' ? 'applications' : 'external-accounts'
      const violation = (error: string) =>
        state.violations.push({api: name, errors: [error], kind: 'request', method: request.method, path: request.path})
      const contentType = String(req.headers['content-type'] ?? '')
      if (raw.trim() !== '' && !contentType.includes('application/json')) {
        violation(`Content-Type is "${contentType}", not application/json`)
        return json(415, {
          detail: 'Content-Type must be application/json',
          title: 'Unsupported Media Type',
          type: 'https://developer.nexmo.com/api-errors#unsupported-media-type',
        })
      }

      if (badBody) {
        violation(badBody)
        return json(400, {
          detail: badBody,
          invalid_params: [{name: 'body', reason: badBody}],
          title: 'Bad Request',
          type: 'https://developer.nexmo.com/api-errors#bad-request',
        })
      }

      return vonage[1](request)
    }

    if (isGraphPath(request.path)) return graph(request)
    return json(404, {detail: `${request.path} is not served by the sandbox`, title: 'Not Found'})
  }

  /** The control endpoints; `gone` fires when the caller hangs up (to end a long poll). */
  async function control(request: ApiRequest, gone: AbortSignal): Promise<Answer> {
    const key = `${request.method} ${request.path}`
    const page = /^POST \/_sandbox\/facebook\/pages\/([^/]+)$/.exec(key)
    if (page) return pageControl(state, decodeURIComponent(page[1]), request.body)
    const release = /^POST \/_sandbox\/held\/([^/]+)\/release$/.exec(key)
    if (release) {
      const id = release[1]
      return state.holds.release(id)
        ? json(200, {released: [id]})
        : json(404, {errors: [`no held request ${id}; GET /_sandbox/held lists them`]})
    }

    switch (key) {
      case 'POST /_sandbox/reset': {
        state.reset()
        return json(200, {reset: true})
      }

      case 'GET /_sandbox/state': {
        return json(200, state.snapshot())
      }

      case 'GET /_sandbox/stats': {
        return json(200, state.stats())
      }

      case 'GET /_sandbox/held': {
        const wait = waitMs(request.query.wait_ms)
        if (typeof wait === 'string') return json(400, {errors: [wait]})
        const count = request.query.count === undefined ? 1 : Number(request.query.count)
        if (!Number.isInteger(count) || count < 1)
          return json(400, {errors: ['count must be a whole number of requests, at least 1']})
        return json(200, {held: await state.holds.wait(wait, gone, count)})
      }

      case 'POST /_sandbox/release': {
        return json(200, {released: state.holds.releaseAll()})
      }

      case 'GET /_sandbox/facebook/login': {
        return loginChoices(state)
      }

      case 'POST /_sandbox/facebook/login': {
        return logIn(state, request.body)
      }

      case 'POST /_sandbox/facebook/users': {
        return seedFacebookUser(state, request.body)
      }

      case 'POST /_sandbox/faults': {
        return addFault(state, request.body)
      }

      case 'DELETE /_sandbox/faults': {
        state.faults = []
        return json(200, {cleared: true})
      }

      case 'POST /_sandbox/settings': {
        return changeSettings(state, request.body)
      }

      case 'POST /_sandbox/clock': {
        const offset = (request.body as {offset_s?: unknown})?.offset_s
        if (typeof offset !== 'number' || !Number.isFinite(offset))
          return json(400, {errors: ['offset_s must be a number of seconds']})
        state.clockOffset = Math.trunc(offset)
        return json(200, {now: state.now(), offset_s: state.clockOffset})
      }

      default: {
        return json(404, {errors: [`no control endpoint ${key}`]})
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`
    const url = new URL(req.url ?? '/', origin)
    const query: Record<string, string | string[]> = {}
    for (const [name, value] of url.searchParams) {
      const previous = query[name]
      query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
    }

    const method = (req.method ?? 'GET').toUpperCase()
    const request: ApiRequest = {body: undefined, headers: req.headers, method, origin, path: url.pathname, query}
    let raw = ''
    let badBody: string | undefined
    try {
      raw = await readBody(req)
      request.body = parseJson(raw)
    } catch (error) {
      if (!(error instanceof BadBody)) throw error
      badBody = error.message
    }

    if (url.pathname.startsWith('/_sandbox/')) {
      const gone = new AbortController()
      res.once('close', () => gone.abort())
      send(res, badBody ? json(400, {errors: [badBody]}) : await control(request, gone.signal))
      return
    }

    // The hosted linking page is a static page, not an API: no faults, limits or log entries.
    if (url.pathname === '/messenger' && (method === 'GET' || method === 'HEAD')) {
      send(res, linkingPage())
      return
    }

    state.requests += 1
    // The services' Date header follows the sandbox clock, as a real server's follows its own.
    res.setHeader('date', new Date(state.now() * 1000).toUTCString())
    const bucket = bucketOf(url.pathname)
    if (bucket) {
      state.apiRequests[bucket] += 1
      const retryAfter = takeToken(state, bucket)
      if (retryAfter !== undefined) {
        state.rateLimited[bucket] += 1
        state.log.push({method, path: url.pathname, status: 429})
        send(res, throttled(bucket, state.settings.rateLimit!, retryAfter))
        return
      }
    }

    const fault = takeFault(state, method, url.pathname)
    if (fault?.when === 'before' && (await applyFault(fault, req, res, method, url.pathname))) return
    let answer: Answer
    try {
      answer = await route(request, req, raw, badBody)
    } catch (error) {
      state.violations.push({
        api: 'sandbox',
        errors: [`the sandbox failed: ${(error as Error).stack}`],
        kind: 'response',
        method,
        path: url.pathname,
      })
      answer = json(500, {detail: (error as Error).message, title: 'Sandbox error'})
    }

    if (latency > 0) await sleep(latency)
    if (fault?.when === 'after' && (await applyFault(fault, req, res, method, url.pathname))) return
    state.log.push({method, path: url.pathname, status: answer.status})
    send(res, answer)
  }

  /** Applies a fault (hold, then delay, then reset or status); true when it answered (or cut) the request itself. */
  async function applyFault(
    fault: NonNullable<ReturnType<typeof takeFault>>,
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): Promise<boolean> {
    if (fault.hold && (await state.holds.park(method, path)) === 'dropped') {
      req.socket.destroy()
      return true
    }

    if (fault.delay_ms) await sleep(fault.delay_ms)
    if (fault.reset) {
      state.log.push({method, path, status: 0})
      req.socket.destroy()
      return true
    }

    if (fault.status === undefined) return false
    state.log.push({method, path, status: fault.status})
    send(res, faultAnswer(fault))
    return true
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, json(500, {detail: String(error), title: 'Sandbox error'}))
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const {address, port} = server.address() as AddressInfo
  return {
    close: () =>
      new Promise<void>((resolve) => {
        state.holds.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    port,
    state,
    url: `http://${address}:${port}`,
  }
}

/** Why a rate limit is not acceptable, if it is not. */
function rateProblem(rate: unknown): string | undefined {
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0
    ? undefined
    : 'must be a positive number of requests per second'
}

/** POST /_sandbox/settings: `no_patch` and/or `rate_limit` (a number, or null for none). */
function changeSettings(state: SandboxState, body: unknown): Answer {
  const input = (body ?? {}) as {no_patch?: unknown; rate_limit?: unknown}
  const problems: string[] = []
  if (input.no_patch === undefined && input.rate_limit === undefined)
    problems.push('give no_patch (true or false) and/or rate_limit (requests per second, or null)')
  if (input.no_patch !== undefined && typeof input.no_patch !== 'boolean')
    problems.push('no_patch must be true or false')
  if (input.rate_limit !== undefined && input.rate_limit !== null && rateProblem(input.rate_limit))
    problems.push(`rate_limit ${rateProblem(input.rate_limit)}, or null for none`)
  if (problems.length > 0) return json(400, {errors: problems})
  if (typeof input.no_patch === 'boolean') state.settings.noPatch = input.no_patch
  if (input.rate_limit !== undefined) {
    state.settings.rateLimit = input.rate_limit as number | null
    // A new rate starts with full buckets, as the sandbox does at start.
    state.fillBuckets()
  }

  return json(200, {settings: state.settingsView()})
}

const DEFAULT_WAIT_MS = 10_000
const MAX_WAIT_MS = 60_000

/** `wait_ms` of GET /_sandbox/held: a whole number of milliseconds, at most MAX_WAIT_MS; a string is the problem. */
function waitMs(value: string | string[] | undefined): number | string {
  if (value === undefined) return DEFAULT_WAIT_MS
  const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  if (!Number.isInteger(ms) || ms < 0) return 'wait_ms must be a whole number of milliseconds'
  return Math.min(ms, MAX_WAIT_MS)
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return
  const headers: Record<string, string> = {...answer.headers}
  let payload = ''
  if (typeof answer.body === 'string') {
    headers['content-type'] ??= 'text/html; charset=utf-8'
    payload = answer.body
  } else if (answer.body !== undefined) {
    headers['content-type'] ??= 'application/json'
    payload = JSON.stringify(answer.body)
  }

  res.writeHead(answer.status, headers)
  res.end(payload)
}
