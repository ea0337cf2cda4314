// Everything the sandbox remembers: Vonage applications and linked accounts, the Facebook users,
// Pages and tokens it issued, the faults to inject, the requests it holds, the clock, and what it
// saw (requests, contract violations). One instance per running sandbox; `reset()` empties it.
import {randomBytes} from 'node:crypto'

import {Holds} from './holds.js'

export interface Application {
  id: string
  name: string
  capabilities: Record<string, unknown>
  keys: {public_key: string}
  privacy: {improve_ai: boolean}
}

export interface Account {
  external_id: string
  provider: 'messenger'
  api_key: string
  access_token: string
  name?: string
  applications: string[]
}

export interface FacebookPage {
  id: string
  name: string
  category: string
  tasks: string[]
}

/** A token the Facebook side issued: a user's, or a Page's (read through a user). */
export interface FacebookToken {
  token: string
  type: 'USER' | 'PAGE'
  userId: string
  pageId?: string
  /** Seconds since 1970; 0 = never. */
  expires_at: number
  data_access_expires_at: number
  scopes: string[]
  /**
   * Set when Facebook killed the token before its time (a password or 2FA change, a lost Page
   * role: POST /_sandbox/facebook/pages/{id}); Graph then answers 190 with this subcode and message.
   */
  invalidated?: {subcode: number; message: string}
}

export interface FacebookUser {
  id: string
  token: string
  pageIds: string[]
  /** The Page token this user's /me/accounts hands out, by Page id. */
  pageTokens: Record<string, string>
}

export interface Violation {
  kind: 'request' | 'response'
  api: string
  method: string
  path: string
  operation?: string
  status?: number
  errors: string[]
}

export interface LogEntry {
  method: string
  /** Path without the query string, which may carry tokens. */
  path: string
  status: number
}

export interface Fault {
  method: string
  /** A path prefix, or a regular expression written as "/…/". */
  path: string
  times: number
  status?: number
  body?: unknown
  delay_ms?: number
  retry_after?: number | string
  reset?: boolean
  /** Park the request until the test releases it (GET /_sandbox/held, POST /_sandbox/held/{id}/release). */
  hold?: boolean
  /** "after": let the request take effect, then fail its answer (the ambiguous failure). */
  when: 'before' | 'after'
  /** Matching requests to let through untouched before the fault applies (to hit the second GET). */
  skip: number
}

/**
 * Choices the specs leave open, switchable per sandbox (POST /_sandbox/settings);
 * reset() restores the start values.
 */
export interface Settings {
  /** Answer PATCH /messenger/{id} with 405, as a service without that operation would. */
  noPatch: boolean
  /** Requests per second each API (Vonage, Graph) accepts before answering 429; null = no limit. */
  rateLimit: number | null
}

/** The two APIs that are rate-limited apart, as the real Vonage and Facebook are. */
export type RateBucket = 'graph' | 'vonage'

export const DEFAULT_SCOPES = ['pages_show_list', 'pages_messaging', 'pages_manage_metadata']
/** What linking a Page at Vonage subscribes Vonage's Facebook app to on that Page. */
export const DEFAULT_SUBSCRIBED_FIELDS = ['messages', 'messaging_postbacks', 'message_deliveries', 'message_reads']

export class SandboxState {
  applications = new Map<string, Application>()
  accounts = new Map<string, Account>()
  facebookUsers = new Map<string, FacebookUser>()
  facebookPages = new Map<string, FacebookPage>()
  facebookTokens = new Map<string, FacebookToken>()
  /** What Vonage's Facebook app is subscribed to, by Page id (absent: not subscribed). */
  subscriptions = new Map<string, string[]>()
  /** Scopes that no longer target a Page in any token's granular_scopes, by Page id. */
  revokedScopes = new Map<string, Set<string>>()
  faults: Fault[] = []
  holds = new Holds()
  violations: Violation[] = []
  log: LogEntry[] = []
  requests = 0
  /** API requests by rate bucket, 429s included. */
  apiRequests: Record<RateBucket, number> = {graph: 0, vonage: 0}
  /** Requests answered 429 by the rate limit, by bucket. */
  rateLimited: Record<RateBucket, number> = {graph: 0, vonage: 0}
  /** The token buckets of the rate limit: tokens held and when (monotonicNow) they were counted. */
  buckets: Record<RateBucket, {tokens: number; at: number}> = {
    graph: {at: 0, tokens: 0},
    vonage: {at: 0, tokens: 0},
  }

  clockOffset = 0
  settings: Settings
  /**
   * Milliseconds on a clock that only moves forward, for the rate limit's buckets (not the
   * Facebook clock that POST /_sandbox/clock moves). A unit test replaces it to need no waiting.
   */
  monotonicNow: () => number = () => performance.now()

  constructor(
    readonly credentials: {apiKey: string; apiSecret: string},
    private readonly startSettings: Settings = {noPatch: false, rateLimit: null},
  ) {
    this.settings = {...startSettings}
    this.fillBuckets()
  }

  /** Both buckets full, as at start and whenever the rate changes. */
  fillBuckets(): void {
    const at = this.monotonicNow()
    const tokens = bucketCapacity(this.settings.rateLimit ?? 0)
    this.buckets = {graph: {at, tokens}, vonage: {at, tokens}}
  }

  /** The sandbox's "now" in seconds, moved by POST /_sandbox/clock. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffset
  }

  reset(): void {
    for (const store of [
      this.applications,
      this.accounts,
      this.facebookUsers,
      this.facebookPages,
      this.facebookTokens,
      this.subscriptions,
      this.revokedScopes,
    ])
      store.clear()
    this.faults = []
    // A request held across a reset must not take effect in (or be logged into) the fresh state.
    this.holds.releaseAll('dropped')
    this.violations = []
    this.log = []
    this.requests = 0
    this.apiRequests = {graph: 0, vonage: 0}
    this.rateLimited = {graph: 0, vonage: 0}
    this.clockOffset = 0
    this.settings = {...this.startSettings}
    this.fillBuckets()
  }

  /** A fresh opaque Facebook-style token. */
  static newToken(prefix: string): string {
    return `${prefix}${randomBytes(24).toString('base64url')}`
  }

  /** `count` fresh tokens from one draw of random bytes: one draw per token is most of a 5,000-Page seed. */
  static newTokens(prefix: string, count: number): string[] {
    const bytes = randomBytes(24 * count)
    return Array.from(
      {length: count},
      (_, index) => `${prefix}${bytes.subarray(index * 24, (index + 1) * 24).toString('base64url')}`,
    )
  }

  snapshot() {
    return {
      accounts: [...this.accounts.values()],
      applications: [...this.applications.values()].map(({capabilities, id, keys, name}) => ({
        capabilities,
        id,
        keys,
        name,
      })),
      clock: {now: this.now(), offset_s: this.clockOffset},
      facebook: {
        pages: [...this.facebookPages.values()],
        revoked_scopes: Object.fromEntries([...this.revokedScopes].map(([id, scopes]) => [id, [...scopes]])),
        subscriptions: Object.fromEntries(this.subscriptions),
        tokens: [...this.facebookTokens.values()],
        users: [...this.facebookUsers.values()],
      },
      faults: this.faults,
      held: this.holds.list(),
      log: this.log,
      rate_limited: {...this.rateLimited},
      requests: this.requests,
      settings: this.settingsView(),
      violations: this.violations,
    }
  }

  /** The cheap counters a benchmark polls (GET /_sandbox/stats), instead of the whole state. */
  stats() {
    return {
      accounts: this.accounts.size,
      log_length: this.log.length,
      rate_limited: {...this.rateLimited},
      requests: {...this.apiRequests},
    }
  }

  settingsView() {
    return {no_patch: this.settings.noPatch, rate_limit: this.settings.rateLimit}
  }
}

/** A bucket holds one second's worth of tokens, and at least one (or a rate below 1/s would never serve). */
export const bucketCapacity = (rate: number) => Math.max(1, rate)
