// Starting the sandbox in-process for a test suite, and talking to it over HTTP as any client would.
import {createSign, type KeyObject} from 'node:crypto'

import {type Sandbox, type SandboxOptions, startSandbox} from '../../sandbox/server.js'

export const CREDENTIALS = {apiKey: 'sandbox-key', apiSecret: 'sandbox-secret'}
export const basic = (key = CREDENTIALS.apiKey, secret = CREDENTIALS.apiSecret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`

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
  async request<T = any>(method: string, path: string, options: {body?: unknown; auth?: string; headers?: Record<string, string>} = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {...options.headers}
    if (options.auth) headers.authorization = options.auth
    if (options.body !== undefined) headers['content-type'] ??= 'application/json'
    const response = await fetch(`${this.url}${path}`, {
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      headers,
      method,
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

  clock(offsetSeconds: number) {
    return this.request('POST', '/_sandbox/clock', {body: {offset_s: offsetSeconds}})
  }

  seedUser(user: Record<string, unknown>) {
    return this.request('POST', '/_sandbox/facebook/users', {body: user})
  }

  /** A Messages application made through the API, with its private key. */
  async createApp(name = 'Delete Me Later', capabilities: Record<string, unknown> = {messages: {webhooks: {}}}): Promise<{id: string; privateKey: string}> {
    const reply = await this.request('POST', '/v2/applications', {auth: basic(), body: {capabilities, name}})
    if (reply.status !== 201) throw new Error(`createApp: ${reply.status} ${JSON.stringify(reply.body)}`)
    return {id: reply.body.id, privateKey: reply.body.keys.private_key}
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
export function signToken(privateKey: string | KeyObject, claims: Record<string, unknown>, header: Record<string, unknown> = {alg: 'RS256', typ: 'JWT'}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signed = `${encode(header)}.${encode(claims)}`
  return `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url')}`
}

export const nowSeconds = () => Math.floor(Date.now() / 1000)

export const bearer = (privateKey: string, applicationId: string, extra: Record<string, unknown> = {}) =>
  `Bearer ${signToken(privateKey, {application_id: applicationId, exp: nowSeconds() + 900, iat: nowSeconds(), jti: `j-${Math.random()}`, ...extra})}`
