// Starting the sandbox in-process for a test suite, and talking to it over HTTP as any client would.
import {createSign, type KeyObject} from 'node:crypto'

import type {HeldRequest} from '../../sandbox/holds.js'
import {type Sandbox, type SandboxOptions, startSandbox} from '../../sandbox/server.js'

export const CREDENTIALS = {apiKey: 'sandbox-key', apiSecret: 'sandbox-secret'}
/** The environment that points the CLI at a sandbox, with its API credentials (no Facebook user token). */
export const sandboxEnv = (url: string): Record<string, string> => ({
  FACEBOOK_GRAPH_HOST: url,
  VONAGE_API_HOST: url,
  VONAGE_API_KEY: CREDENTIALS.apiKey,
  VONAGE_API_SECRET: CREDENTIALS.apiSecret,
})

export const basic = (key = CREDENTIALS.apiKey, secret = CREDENTIALS.apiSecret) =>
  `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`

// Test replies are read field by field with chai; typing every sandbox answer would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number
  headers: Headers
  body: T
}

export class SandboxClient {
  constructor(readonly sandbox: Sandbox) {}

  get url(): string {
    return this.sandbox.url
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Reply
  async request<T = any>(
    method: string,
    path: string,
    options: {body?: unknown; auth?: string; headers?: Record<string, string>; signal?: AbortSignal} = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {...options.headers}
    if (options.auth) headers.authorization = options.auth
    if (options.body !== undefined) headers['content-type'] ??= 'application/json'
    const response = await fetch(`${this.url}${path}`, {
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
      headers,
      method,
      signal: options.signal,
    })
    const text = await response.text()
    let body: unknown = text
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      // an HTML fault page stays text
    }

    return {body: body as T, headers: response.headers, status: response.status}
  }

  state() {
    return this.request('GET', '/_sandbox/state').then((reply) => reply.body)
  }

  reset() {
    return this.request('POST', '/_sandbox/reset')
  }

  fault(fault: Record<string, unknown>) {
    return this.request('POST', '/_sandbox/faults', {body: fault})
  }

  /** Queues a fault that parks the matching request until `release` (with `when`, `status`, … as any fault). */
  hold(fault: Record<string, unknown>) {
    return this.fault({...fault, hold: true})
  }

  /**
   * The oldest request the sandbox holds, as soon as there is one: long-polls GET /_sandbox/held
   * until one arrives (no sleeping). `signal` gives up (see heldDuring, which stops when the CLI exits).
   */
  async waitForHeld(options: {signal?: AbortSignal} = {}): Promise<HeldRequest> {
    return (await this.waitForHeldCount(1, options))[0]
  }

  /** Every held request, as soon as at least `count` are held. */
  async waitForHeldCount(count: number, options: {signal?: AbortSignal} = {}): Promise<HeldRequest[]> {
    for (;;) {
      const reply = await this.request<{held: HeldRequest[]}>('GET', `/_sandbox/held?wait_ms=10000&count=${count}`, {
        signal: options.signal,
      })
      if (reply.status !== 200) throw new Error(`GET /_sandbox/held: ${reply.status} ${JSON.stringify(reply.body)}`)
      if (reply.body.held.length >= count) return reply.body.held
    }
  }

  /** Lets one held request go on (its reply is a 404 for an id that is not held), or all of them. */
  release(id?: string) {
    return this.request(
      'POST',
      id === undefined ? '/_sandbox/release' : `/_sandbox/held/${encodeURIComponent(id)}/release`,
    )
  }

  /**
   * Throws unless the sandbox saw no contract violation and every queued fault was used, as gh's
   * httpmock `reg.Verify`: a fault that never fired means the test did not test what it says.
   */
  async verify(): Promise<void> {
    const {faults, violations} = await this.state()
    const problems = [
      ...(violations as unknown[]).map((violation) => `contract violation: ${JSON.stringify(violation)}`),
      ...(faults as unknown[]).map((fault) => `fault never used: ${JSON.stringify(fault)}`),
    ]
    if (problems.length > 0) throw new Error(`sandbox.verify():\n${problems.join('\n')}`)
  }

  /**
   * Switches a choice the spec leaves open, until the next reset:
   * `{no_patch: true}` makes PATCH of an account answer 405.
   */
  async settings(settings: {no_patch: boolean}): Promise<void> {
    const reply = await this.request('POST', '/_sandbox/settings', {body: settings})
    if (reply.status !== 200) throw new Error(`settings: ${reply.status} ${JSON.stringify(reply.body)}`)
  }

  clock(offsetSeconds: number) {
    return this.request('POST', '/_sandbox/clock', {body: {offset_s: offsetSeconds}})
  }

  seedUser(user: Record<string, unknown>) {
    return this.request('POST', '/_sandbox/facebook/users', {body: user})
  }

  /**
   * Seeds a user with `page_count` generated Pages (ids page_id_start + i, default start 1000; names
   * "Page i") in one request; `link` also links them at Vonage (with that application) as if done earlier.
   */
  seedFleet(fleet: {
    user_token: string
    page_count: number
    page_id_start?: number
    link?: boolean | {application: string}
    [more: string]: unknown
  }) {
    return this.request('POST', '/_sandbox/facebook/users', {body: fleet})
  }

  /**
   * Makes one Page unhealthy: `{invalidate_tokens: true}`, `{remove_role: USER_TOKEN}`,
   * `{subscribed_fields: [...]}`, `{revoke_scopes: [...]}`, `{grant_scopes: [...]}`, `{expires_at}`,
   * `{data_access_expires_at}`. The reply carries the Page's sandbox state (no token values).
   */
  pageControl(pageId: string, change: Record<string, unknown>) {
    return this.request('POST', `/_sandbox/facebook/pages/${encodeURIComponent(pageId)}`, {body: change})
  }

  /** Sets requests per second per API (Vonage, Graph), or null for no limit, until the next reset. */
  async rateLimit(rps: number | null): Promise<void> {
    const reply = await this.request('POST', '/_sandbox/settings', {body: {rate_limit: rps}})
    if (reply.status !== 200) throw new Error(`rateLimit: ${reply.status} ${JSON.stringify(reply.body)}`)
  }

  /** The cheap counters (GET /_sandbox/stats): requests and 429s by API, accounts, log length. */
  stats(): Promise<{
    requests: {vonage: number; graph: number}
    rate_limited: {vonage: number; graph: number}
    accounts: number
    log_length: number
  }> {
    return this.request('GET', '/_sandbox/stats').then((reply) => reply.body)
  }

  /** A Messages application made through the API, with its private key. */
  async createApp(
    name = 'Delete Me Later',
    capabilities: Record<string, unknown> = {messages: {webhooks: {}}},
  ): Promise<{id: string; privateKey: string}> {
    const reply = await this.request('POST', '/v2/applications', {auth: basic(), body: {capabilities, name}})
    if (reply.status !== 201) throw new Error(`createApp: ${reply.status} ${JSON.stringify(reply.body)}`)
    return {id: reply.body.id, privateKey: reply.body.keys.private_key}
  }
}

/**
 * The request the sandbox holds while `run` (a CLI run) is under way. Fails, with the CLI's
 * stderr, if the run ends before any request was held, instead of waiting for the test timeout.
 */
export async function heldDuring(
  client: SandboxClient,
  run: Promise<{code: number | null; stderr: string}>,
): Promise<HeldRequest> {
  const stop = new AbortController()
  const ended = run.then(({code, stderr}) => {
    throw new Error(`the CLI exited (${code}) before the sandbox held a request: ${stderr}`)
  })
  try {
    return await Promise.race([client.waitForHeld({signal: stop.signal}), ended])
  } finally {
    stop.abort()
  }
}

/** Starts one sandbox for the suite and resets it before each test. */
export function useSandbox(options: SandboxOptions = {}): SandboxClient {
  const client = new SandboxClient(undefined as unknown as Sandbox)
  before(async () => {
    ;(client as {sandbox: Sandbox}).sandbox = await startSandbox(options)
  })
  beforeEach(() => client.reset())
  after(() => client.sandbox?.close())
  return client
}

/** An RS256 JWT signed with node:crypto alone (independent of the plugin's signer). */
export function signToken(
  privateKey: string | KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {alg: 'RS256', typ: 'JWT'},
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signed = `${encode(header)}.${encode(claims)}`
  return `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url')}`
}

export const nowSeconds = () => Math.floor(Date.now() / 1000)

export const bearer = (privateKey: string, applicationId: string, extra: Record<string, unknown> = {}) =>
  `Bearer ${signToken(privateKey, {application_id: applicationId, exp: nowSeconds() + 900, iat: nowSeconds(), jti: `j-${Math.random()}`, ...extra})}`
