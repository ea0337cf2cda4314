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
    what = `cannot reach ${context.host}: ${code ?? (error as Error)?.message ?? String(error)}`
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
