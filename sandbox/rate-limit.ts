// The per-API rate limit (--rate-limit RPS): one token bucket for Vonage, one for Graph, each
// holding one second's worth of requests and refilling continuously, so a fleet-sized run meets
// the 429s the real services send. A request finding the bucket empty is answered 429 at once,
// before faults and latency, and is not acted on.
import {type Answer, json} from './http.js'
import {bucketCapacity, type RateBucket, type SandboxState} from './state.js'
import {graphError} from './graph.js'

const VONAGE_ROOTS = ['/v2/applications', '/beta/chatapp-accounts']

/** The bucket a request path draws from; undefined for paths no API serves (and the control endpoints). */
export function bucketOf(path: string): RateBucket | undefined {
  if (VONAGE_ROOTS.some((root) => path === root || path.startsWith(`${root}/`))) return 'vonage'
  if (isGraphPath(path)) return 'graph'
  return undefined
}

export const isGraphPath = (path: string) =>
  /^\/v\d+\.\d+(\/|$)/.test(path) || path === '/debug_token' || path.startsWith('/me')

/**
 * Takes one token from the bucket: undefined when there was one (or no limit is set), else the
 * whole seconds (at least 1) until one will be there. A refused request takes nothing.
 */
export function takeToken(state: SandboxState, name: RateBucket): number | undefined {
  const rate = state.settings.rateLimit
  if (rate === null) return undefined
  const bucket = state.buckets[name]
  const now = state.monotonicNow()
  bucket.tokens = Math.min(bucketCapacity(rate), bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate)
  bucket.at = now
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1
    return undefined
  }

  return Math.max(1, Math.ceil((1 - bucket.tokens) / rate))
}

/** The 429 each API sends, in its own error shape, with Retry-After. */
export function throttled(name: RateBucket, rate: number, retryAfter: number): Answer {
  const headers = {'retry-after': String(retryAfter)}
  if (name === 'graph') {
    const answer = graphError(4, '(#4) Application request limit reached', {status: 429})
    return {...answer, headers}
  }

  return json(
    429,
    {
      detail: `rate limit of ${rate} requests per second exceeded`,
      title: 'Too Many Requests',
      type: 'https://developer.nexmo.com/api-errors#throttled',
    },
    headers,
  )
}
