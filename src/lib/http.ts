// Turning what a remote service did into the plugin's typed errors, the same way for every
// service: HTTP statuses by class, and network failures (refused, reset, timed out) by cause.
import {type ErrorKind, PluginError, showInput} from './errors.js'
import {formatDuration, formatTime} from './output.js'
import {type Clock, systemClock} from './settings.js'

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
  const params = (record.invalid_params ?? record.invalid_parameters) as
    Array<{name?: string; reason?: string}> | undefined
  const paramText =
    Array.isArray(params) && params.length > 0
      ? `: ${params.map((param) => `${param.name} ${param.reason}`).join('; ')}`
      : ''
  const detail = [record.title, record.detail].filter((part) => typeof part === 'string' && part !== '').join(': ')
  return detail === '' && paramText === '' ? undefined : `${detail}${paramText}`
}

/**
 * An error for a non-2xx answer; `action` says what was being done ("creating the application").
 * 5xx and 429 answers are marked retryable (with the wait Retry-After asks for), for idempotent calls.
 */
export function errorFromStatus(
  status: number,
  bodyText: string,
  context: ServiceContext,
  action: string,
  retryAfter?: string | null,
): PluginError {
  const said = describeErrorBody(bodyText)
  const answer = said ? `${status} (${said})` : `${status}`
  const error = (kind: ErrorKind, message: string) => new PluginError(kind, message, {status})
  if (status === 401 || status === 403) return error('auth', `${context.service} refused ${action}: ${answer}`)
  if (status === 404) return error('not-found', `${context.service} found nothing for ${action}: ${answer}`)
  if (status === 409)
    return error('conflict', `${context.service} refused ${action} because of the current state: ${answer}`)
  if (status === 429) {
    return new PluginError('remote', `${context.service} is rate-limiting ${action}: ${answer}; try again later`, {
      retry: {afterMs: retryAfterMs(retryAfter ?? null)},
      status,
    })
  }

  if (status >= 500)
    return new PluginError('remote', `${context.service} failed while ${action}: ${answer}; try again later`, {
      retry: {},
      status,
    })
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

  return new PluginError('network', `${what} while ${action}; check the network and try again`, {
    cause: error,
    retry: {},
  })
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

/**
 * Reads a base URL setting (flag or env), refusing anything that is not a plain http(s) URL. An
 * empty value is an error, not "production". A value with "@" in it is never repeated, whatever is
 * wrong with it: it may carry a user name and password (http://admin:hunter2@host), which would then
 * be in the message, the terminal's scrollback and CI logs.
 */
export function baseUrl(value: string, name: string, {page = false}: {page?: boolean} = {}): string {
  const {credentials, example} = hostAdvice(name)
  if (value.trim() === '')
    throw new PluginError('usage', `${name} is empty; give a URL such as ${example}, or unset it to use the default`)
  const withCredentials = `${name} must not carry a user name or password; ${credentials}`
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    if (value.includes('@')) {
      const reason = whatIsWrong(value.trim())
      throw new PluginError(
        'usage',
        `${name} is not a valid URL: ${reason}. It is not repeated here as it holds "@", which may mean a password; a base URL carries none: ${credentials}`,
      )
    }

    throw new PluginError('usage', `${name} must be a URL such as ${example}, not ${showInput(value)}`)
  }

  if (url.username !== '' || url.password !== '') throw new PluginError('usage', withCredentials)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // "admin:hunter2@host" parses with the user name as its scheme: with an "@", no part is quoted
    throw new PluginError(
      'usage',
      `${name} must be an http or https URL${value.includes('@') ? '' : `, not ${showInput(url.protocol)}`}`,
    )
  }

  if (!page && (url.search !== '' || url.hash !== ''))
    throw new PluginError('usage', `${name} must be a base URL without a query or fragment`)
  return url.toString().replace(/\/+$/, '')
}

/**
 * How each service takes credentials, and what its base URL looks like: Facebook's Graph API takes
 * a user token, Vonage an API key and secret. Told apart by the setting's name ("--graph-host …").
 */
function hostAdvice(name: string): {credentials: string; example: string} {
  if (/linking-page/.test(name))
    return {
      credentials: 'a linking page takes none',
      example: 'https://dashboard.nexmo.com/messages/social-channels/facebook-connect',
    }
  return /graph/i.test(name)
    ? {
        credentials: 'Facebook takes a token instead, with --user-token (or FACEBOOK_USER_TOKEN)',
        example: 'https://graph.facebook.com',
      }
    : {
        credentials: 'give the credentials with --api-key and --api-secret (or the environment)',
        example: 'https://api.nexmo.com',
      }
}

/** Why a value that holds "@" is no URL, in words that quote none of it (but a port, which holds no password). */
function whatIsWrong(value: string): string {
  if (/\s/.test(value)) return 'it contains a space or another blank'
  const authority = /^[a-z][\d+.a-z-]*:\/\/(?:[^/?#]*@)?(\[[^\]/?#]*\]?|[^/?#:]*)(?::([^/?#]*))?/i.exec(value)
  if (!authority) return 'it does not start with a scheme and a host, as in https://host'
  const [, host, port] = authority
  if (host.startsWith('[') && !host.endsWith(']')) return 'its host opens a "[" it does not close'
  if (host === '') return 'its host is empty'
  if (port !== undefined && !/^\d*$/.test(port)) return 'its port is not a number'
  if (port !== undefined && Number(port) > 65_535) return `its port ${port} is above 65535`
  return 'its host or another part is malformed'
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
  /** Turns a failed answer into an error (mark it `retry` when sending again may help); defaults to errorFromStatus. */
  failure?: (answer: HttpAnswer, text: string) => PluginError | undefined
}

/** How idempotent calls are repeated: the same policy for every service and every client (fetch or SDK). */
export interface RetryPolicy {
  /** Attempts, the first included. */
  attempts?: number
  backoffMs?: number
  /** The longest Retry-After honoured; a longer one fails at once, saying when to try again. */
  maxRetryAfterMs?: number
  /** Waits between attempts; tests pass a fake so that no test waits for real seconds. */
  sleep?: (ms: number) => Promise<void>
  /** Which retryable failures are tried again (all, unless this says otherwise). */
  retryIf?: (error: PluginError) => boolean
}

export interface HttpSettings extends ServiceContext, RetryPolicy {
  headers?: Record<string, string>
  /** The Authorization header, made anew for every request (a JWT is signed per request, so none outlives its use). */
  authorize?: (clock: ServiceClock) => Promise<string>
  /** The service's idea of the time, kept from its Date headers (shared by the clients of one service). */
  clock?: ServiceClock
  /** For fleet commands: how many requests may be in flight, adapted to the service's 429s. */
  gate?: RequestGate
}

/** What holds a fleet's requests back (AdaptiveGate, in concurrency.ts): runs each one when its turn comes. */
export interface RequestGate {
  run<T>(request: () => Promise<T>, rateLimited: (error: unknown) => number | undefined): Promise<T>
}

/** A 429 refuses a request before it is acted on: any request, a write included, may be sent again. */
export const refused = (error: PluginError) => error.status === 429

/**
 * The wait a 429 asks for, for the gate to hold new requests (0 when it names none, or a wait longer
 * than the policy honours: that request fails at once, and the others need not wait for it);
 * undefined for any other failure.
 */
const rateLimitWait = (policy: RetryPolicy) => (error: unknown) => {
  if (!(error instanceof PluginError && refused(error))) return undefined
  const wait = error.retry?.afterMs ?? 0
  return wait > (policy.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS) ? 0 : wait
}

const IDEMPOTENT = new Set(['DELETE', 'GET'])
const MAX_RETRY_AFTER_MS = 60_000
/**
 * How every client waits between attempts when its policy names no `sleep`. The in-process test
 * tiers replace `sleep` for the whole run (their commands build their own policies), so that no
 * test waits real seconds for a backoff.
 */
export const waiting = {sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))}

/**
 * Runs `work` again while it fails with an error marked `retry` (5xx, 429, no answer), honouring
 * Retry-After, with capped exponential backoff, up to the policy's attempts. Only for calls that
 * are safe to repeat: reads, and deletes (a repeated delete of something gone is a 404 "missing").
 */
export async function withRetries<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  const attempts = policy.attempts ?? 4
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work()
    } catch (error) {
      if (
        !(error instanceof PluginError) ||
        error.retry === undefined ||
        attempt >= attempts ||
        policy.retryIf?.(error) === false
      )
        throw error
      const wait = error.retry.afterMs ?? backoff(policy, attempt)
      if (wait > (policy.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS)) throw tooLongToWait(error, wait)
      await (policy.sleep ?? waiting.sleep)(wait)
    }
  }
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const base = policy.backoffMs ?? 250
  return Math.min(4000, base * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4)
}

/** The service asked to wait longer than a command waits: say until when. */
function tooLongToWait(error: PluginError, waitMs: number): PluginError {
  const seconds = Math.ceil(waitMs / 1000)
  const until = formatTime(systemClock() + seconds)
  const message = `${error.message.replace(/; try again later$/, '')}; it asks to wait ${formatDuration(seconds)}: try again after ${until}`
  return new PluginError(error.kind, message, {cause: error, status: error.status})
}

/**
 * The time as a service sees it. Vonage judges a JWT's iat and exp by its own clock, so tokens are
 * signed with the local time corrected by the skew its Date headers show; a 401 that comes with a
 * newly seen skew is worth one more try with a token signed for the service's time.
 */
export class ServiceClock {
  private skew = 0

  constructor(private readonly local: Clock = systemClock) {}

  /** Seconds since 1970, by the service's clock as last seen. */
  now(): number {
    return this.local() + this.skew
  }

  /**
   * Learns the skew from a Date header; true when it changed.
   * Differences of a few seconds are latency and rounding.
   */
  observe(date: string | null): boolean {
    const seen = date === null ? Number.NaN : Date.parse(date)
    if (Number.isNaN(seen)) return false
    const measured = Math.round(seen / 1000) - this.local()
    const skew = Math.abs(measured) <= 5 ? 0 : measured
    if (skew === this.skew) return false
    this.skew = skew
    return true
  }
}

/**
 * A JSON client for one service. GET and DELETE go through withRetries; POST and PATCH are sent
 * once, because only the caller can tell, by reading the state back, whether a failed one took
 * effect. The exceptions are answers that say nothing was done: a 429 (retried as any request is,
 * after the wait it asks for), and a 401 that shows our clock was off (signed again for the
 * service's time and sent once more). With a `gate`, every attempt waits for a slot in it.
 */
export class HttpClient {
  private readonly clock: ServiceClock

  constructor(readonly settings: HttpSettings) {
    this.clock = settings.clock ?? new ServiceClock()
  }

  async request<T>(method: string, path: string, options: RequestOptions): Promise<HttpAnswer<T>> {
    // A link from an answer (the next page) is followed on the host the settings name, never on
    // another: the request carries the credentials, and the link is the service's word, not the user's.
    const given = new URL(path.startsWith('http') ? path : `${this.settings.host}${path}`)
    const url = new URL(`${given.pathname}${given.search}`, new URL(this.settings.host).origin)

    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value))
    const {gate} = this.settings
    const once = gate
      ? () => gate.run(() => this.once<T>(method, url, options), rateLimitWait(this.settings))
      : () => this.once<T>(method, url, options)
    return withRetries(IDEMPOTENT.has(method) ? this.settings : {...this.settings, retryIf: refused}, once)
  }

  private async once<T>(method: string, url: URL, options: RequestOptions): Promise<HttpAnswer<T>> {
    for (let resigned = false; ; resigned = true) {
      let sent: {answer: HttpAnswer; text: string}
      try {
        sent = await this.send(method, url, options)
      } catch (error) {
        throw errorFromNetwork(error, this.settings, options.action)
      }

      const {answer, text} = sent
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status))
        return answer as HttpAnswer<T>
      const clockWasOff =
        answer.status === 401 && this.settings.authorize !== undefined && this.clock.observe(answer.headers.get('date'))
      if (clockWasOff && !resigned) continue
      throw (
        options.failure?.(answer, text) ??
        errorFromStatus(answer.status, text, this.settings, options.action, answer.headers.get('retry-after'))
      )
    }
  }

  private async send(
    method: string,
    url: URL,
    {body, headers}: RequestOptions,
  ): Promise<{answer: HttpAnswer; text: string}> {
    const {authorize} = this.settings
    const authorization: Record<string, string> = authorize ? {authorization: await authorize(this.clock)} : {}
    const response = await fetch(url, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : {'content-type': 'application/json'}),
        ...this.settings.headers,
        ...authorization,
        ...headers,
      },
      method,
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    })
    const text = await response.text()
    if (response.ok) this.clock.observe(response.headers.get('date'))
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
  if (typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body))
    return answer.body as Record<string, unknown>
  throw new PluginError(
    'remote',
    `${context.service} answered ${action} with something that is not a JSON object (HTTP ${answer.status})`,
    {status: answer.status},
  )
}
