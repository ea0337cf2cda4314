// Turning what a remote service did into the plugin's typed errors, the same way for every
// service: HTTP statuses by class, and network failures (refused, reset, timed out) by cause.
import {type ErrorKind, PluginError} from './errors.js'

export interface ServiceContext {
  /** "Vonage", "Facebook": who answered, for messages. */
  service: string
  /** The base URL, for messages ("cannot connect to https://api.nexmo.com"). */
  host: string
  timeoutMs: number
}

export const DEFAULT_TIMEOUT_MS = 20_000

/** The most useful sentence in an error body: Vonage's detail/title, Graph's error.message. */
export function describeErrorBody(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }

  if (typeof body !== 'object' || body === null) return undefined
  const record = body as Record<string, unknown>
  const graph = record.error as Record<string, unknown> | undefined
  if (graph && typeof graph.message === 'string') return graph.message
  const params = (record.invalid_params ?? record.invalid_parameters) as Array<{name?: string; reason?: string}> | undefined
  const paramText = Array.isArray(params) && params.length > 0 ? `: ${params.map((param) => `${param.name} ${param.reason}`).join('; ')}` : ''
  const detail = [record.title, record.detail].filter((part) => typeof part === 'string' && part !== '').join(': ')
  return detail === '' && paramText === '' ? undefined : `${detail}${paramText}`
}

/** An error for a non-2xx answer; `action` says what was being done ("creating the application"). */
export function errorFromStatus(status: number, bodyText: string, context: ServiceContext, action: string): PluginError {
  const said = describeErrorBody(bodyText)
  const answer = said ? `${status} (${said})` : `${status}`
  const error = (kind: ErrorKind, message: string) => new PluginError(kind, message, {status})
  if (status === 401 || status === 403) return error('auth', `${context.service} refused ${action}: ${answer}`)
  if (status === 404) return error('not-found', `${context.service} found nothing for ${action}: ${answer}`)
  if (status === 409) return error('conflict', `${context.service} refused ${action} because of the current state: ${answer}`)
  if (status === 429) return error('remote', `${context.service} is rate-limiting ${action}: ${answer}; try again later`)
  if (status >= 500) return error('remote', `${context.service} failed while ${action}: ${answer}; try again later`)
  return error('remote', `${context.service} rejected ${action}: ${answer}`)
}

/** An error for a request that got no answer. */
export function errorFromNetwork(error: unknown, context: ServiceContext, action: string): PluginError {
  const cause = error as {name?: string}
  const code = networkCode(error)
  const seconds = Math.round(context.timeoutMs / 100) / 10
  let what: string
  if (cause?.name === 'AbortError' || cause?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    what = `no answer from ${context.host} within ${seconds} s`
  } else if (code === 'ECONNREFUSED') {
    what = `cannot connect to ${context.host}: connection refused`
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    what = `the connection to ${context.host} was reset`
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    what = `cannot resolve the host of ${context.host}`
  } else {
    // fetch wraps the reason ("bad port", a TLS failure) in `cause`; its own message is just "fetch failed"
    const reason = code ?? (error as {cause?: Error})?.cause?.message ?? (error as Error)?.message ?? String(error)
    what = `cannot reach ${context.host}: ${reason}`
  }

  return new PluginError('network', `${what} while ${action}; check the network and try again`, {cause: error})
}

/** The system error code of a network failure, wherever fetch implementations put it. */
function networkCode(error: unknown): string | undefined {
  const failure = error as {code?: string; cause?: {code?: string}}
  return failure?.code ?? failure?.cause?.code
}

/** Failures that prove the request never reached the service. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

/** True for failures after which the request may or may not have taken effect. */
export function isAmbiguous(error: unknown): boolean {
  if (!(error instanceof PluginError)) return false
  if (error.kind === 'network') return !NOT_SENT.has(networkCode(error.cause) ?? '')
  return (error.status ?? 0) >= 500
}

/** Reads a base URL setting (flag or env), refusing anything that is not http(s). */
export function baseUrl(value: string, name: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PluginError('usage', `${name} must be a URL such as https://api.nexmo.com, not "${value}"`)
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PluginError('usage', `${name} must be an http or https URL, not "${value}"`)
  return url.toString().replace(/\/+$/, '')
}

export interface HttpAnswer<T = unknown> {
  status: number
  body: T
  headers: Headers
}

export interface RequestOptions {
  /** What is being done, for messages: "reading Page 101". */
  action: string
  body?: unknown
  /** Per-request headers, e.g. the token of this one call. */
  headers?: Record<string, string>
  query?: Record<string, string | number | undefined>
  /** Statuses that are answers, not errors (e.g. 404 when asking whether something exists). */
  accept?: number[]
  /** Extra test for a retryable answer (Graph's rate-limit codes come as 400s). */
  retryable?: (answer: HttpAnswer) => boolean
  /** Turns a failed answer into an error; defaults to errorFromStatus. */
  failure?: (answer: HttpAnswer, text: string) => PluginError | undefined
}

export interface HttpSettings extends ServiceContext {
  headers?: Record<string, string>
  /** Attempts for idempotent requests (GET, DELETE), the first included. */
  attempts?: number
  backoffMs?: number
  /** The longest Retry-After honoured; a longer one fails at once, saying when to try again. */
  maxRetryAfterMs?: number
}

const IDEMPOTENT = new Set(['DELETE', 'GET'])
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A JSON client for one service. GET and DELETE are retried on 5xx, 429 (honouring Retry-After),
 * timeouts and resets with capped exponential backoff; POST and PATCH never are, because only
 * the caller can tell, by reading the state back, whether a failed one took effect.
 */
export class HttpClient {
  constructor(readonly settings: HttpSettings) {}

  async request<T>(method: string, path: string, options: RequestOptions): Promise<HttpAnswer<T>> {
    const url = new URL(path.startsWith('http') ? path : `${this.settings.host}${path}`)
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value))
    const attempts = IDEMPOTENT.has(method) ? (this.settings.attempts ?? 4) : 1
    for (let attempt = 1; ; attempt += 1) {
      let sent: {answer: HttpAnswer; text: string}
      try {
        sent = await this.send(method, url, options)
      } catch (error) {
        const failure = errorFromNetwork(error, this.settings, options.action)
        if (attempt >= attempts) throw failure
        await sleep(this.backoff(attempt))
        continue
      }

      const {answer, text} = sent
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status)) return answer as HttpAnswer<T>
      const retryable = answer.status >= 500 || answer.status === 429 || (options.retryable?.(answer) ?? false)
      const failure = options.failure?.(answer, text) ?? errorFromStatus(answer.status, text, this.settings, options.action)
      if (!retryable || attempt >= attempts) throw failure
      const wait = retryAfterMs(answer.headers.get('retry-after')) ?? this.backoff(attempt)
      if (wait > (this.settings.maxRetryAfterMs ?? 60_000)) throw failure
      await sleep(wait)
    }
  }

  private async send(method: string, url: URL, {body, headers}: RequestOptions): Promise<{answer: HttpAnswer; text: string}> {
    const response = await fetch(url, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {accept: 'application/json', ...(body === undefined ? {} : {'content-type': 'application/json'}), ...this.settings.headers, ...headers},
      method,
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    })
    const text = await response.text()
    // Paths only: queries can carry tokens (Graph's paging links do).
    if (process.env.DEBUG) process.stderr.write(`${method} ${url.origin}${url.pathname} -> ${response.status}\n`)
    let parsed: unknown = text
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text)
      } catch {
        // left as text: callers check the shape they need and report an unexpected answer
      }
    }

    return {answer: {body: parsed, headers: response.headers, status: response.status}, text}
  }

  private backoff(attempt: number): number {
    const base = this.settings.backoffMs ?? 250
    return Math.min(4000, base * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4)
  }
}

/** Retry-After in milliseconds, from seconds or an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** The answer's body as an object, or a remote error saying the service answered something else. */
export function objectBody(answer: HttpAnswer, context: ServiceContext, action: string): Record<string, unknown> {
  if (typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body)) return answer.body as Record<string, unknown>
  throw new PluginError('remote', `${context.service} answered ${action} with something that is not a JSON object (HTTP ${answer.status})`, {status: answer.status})
}
