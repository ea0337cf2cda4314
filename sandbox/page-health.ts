// POST /_sandbox/facebook/pages/{id}: makes one Page unhealthy the ways Facebook does (tokens killed
// by a password change, a lost Page role, no app subscribed, a scope taken back, an expiry coming),
// so a health check such as messenger:status can be tested row by row.
import {type Answer, json} from './http.js'
import {type FacebookToken, SandboxState} from './state.js'

const PASSWORD_CHANGED = {
  message:
    'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  subcode: 460,
}
const ROLE_LOST = {
  message: 'Error validating access token: The user is no longer an admin, editor or moderator of this Page.',
  subcode: 492,
}

const KEYS = [
  'data_access_expires_at',
  'expires_at',
  'grant_scopes',
  'invalidate_tokens',
  'remove_role',
  'revoke_scopes',
  'subscribed_fields',
]

interface PageChange {
  invalidate_tokens?: boolean
  remove_role?: string
  subscribed_fields?: string[]
  revoke_scopes?: string[]
  grant_scopes?: string[]
  expires_at?: number
  data_access_expires_at?: number
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')
const isSeconds = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0

function problems(state: SandboxState, pageId: string, change: PageChange): string[] {
  const found: string[] = []
  if (change === null || typeof change !== 'object' || Array.isArray(change)) return ['the body must be an object']
  for (const key of Object.keys(change))
    if (!KEYS.includes(key)) found.push(`unknown field ${key}; use ${KEYS.join(', ')}`)
  if (change.invalidate_tokens !== undefined && change.invalidate_tokens !== true)
    found.push('invalidate_tokens must be true')
  if (change.remove_role !== undefined) {
    const user = typeof change.remove_role === 'string' ? state.facebookUsers.get(change.remove_role) : undefined
    if (!user?.pageIds.includes(pageId))
      found.push(`remove_role must be the token of a user who manages Page ${pageId}`)
  }

  for (const key of ['subscribed_fields', 'revoke_scopes', 'grant_scopes'] as const)
    if (change[key] !== undefined && !isStrings(change[key])) found.push(`${key} must be an array of non-empty strings`)
  for (const key of ['expires_at', 'data_access_expires_at'] as const)
    if (change[key] !== undefined && !isSeconds(change[key]))
      found.push(`${key} must be a whole number of seconds since 1970 (0 = never)`)
  return found
}

/** The tokens that were ever issued for a Page. */
const tokensOf = (state: SandboxState, pageId: string): FacebookToken[] =>
  [...state.facebookTokens.values()].filter((token) => token.type === 'PAGE' && token.pageId === pageId)

/** The users who manage a Page now. */
const managersOf = (state: SandboxState, pageId: string) =>
  [...state.facebookUsers.values()].filter((user) => user.pageIds.includes(pageId))

export function pageControl(state: SandboxState, pageId: string, body: unknown): Answer {
  const page = state.facebookPages.get(pageId)
  if (!page) return json(404, {errors: [`no Page ${pageId}; POST /_sandbox/facebook/users seeds Pages`]})
  const change = (body ?? {}) as PageChange
  const found = problems(state, pageId, change)
  if (found.length > 0) return json(400, {errors: found})

  if (change.invalidate_tokens) {
    for (const token of tokensOf(state, pageId)) token.invalidated ??= PASSWORD_CHANGED
    // Every manager's /me/accounts hands out a fresh token from now on: what a relink picks up.
    for (const user of managersOf(state, pageId)) {
      const fresh = SandboxState.newToken('EAAPage')
      const userToken = state.facebookTokens.get(user.token)
      user.pageTokens[pageId] = fresh
      state.facebookTokens.set(fresh, {
        data_access_expires_at: userToken?.data_access_expires_at ?? 0,
        expires_at: 0,
        pageId,
        scopes: userToken?.scopes ?? [],
        token: fresh,
        type: 'PAGE',
        userId: user.id,
      })
    }
  }

  if (change.remove_role !== undefined) {
    const user = state.facebookUsers.get(change.remove_role)!
    user.pageIds = user.pageIds.filter((id) => id !== pageId)
    delete user.pageTokens[pageId]
    for (const token of tokensOf(state, pageId)) if (token.userId === user.id) token.invalidated ??= ROLE_LOST
  }

  if (change.subscribed_fields !== undefined) {
    if (change.subscribed_fields.length === 0) state.subscriptions.delete(pageId)
    else state.subscriptions.set(pageId, [...new Set(change.subscribed_fields)])
  }

  const revoked = state.revokedScopes.get(pageId) ?? new Set<string>()
  for (const scope of change.revoke_scopes ?? []) revoked.add(scope)
  for (const scope of change.grant_scopes ?? []) revoked.delete(scope)
  if (revoked.size > 0) state.revokedScopes.set(pageId, revoked)
  else state.revokedScopes.delete(pageId)

  if (change.expires_at !== undefined || change.data_access_expires_at !== undefined) {
    for (const user of managersOf(state, pageId)) {
      const token = state.facebookTokens.get(user.pageTokens[pageId])
      if (!token) continue
      if (change.expires_at !== undefined) token.expires_at = change.expires_at
      if (change.data_access_expires_at !== undefined) token.data_access_expires_at = change.data_access_expires_at
    }
  }

  return json(200, pageView(state, pageId))
}

/** A Page's sandbox state, with no token values: who manages it, and each token's validity. */
function pageView(state: SandboxState, pageId: string) {
  const page = state.facebookPages.get(pageId)!
  const current = new Set(managersOf(state, pageId).map((user) => user.pageTokens[pageId]))
  const now = state.now()
  return {
    id: page.id,
    managed_by: managersOf(state, pageId).map((user) => user.id),
    name: page.name,
    revoked_scopes: [...(state.revokedScopes.get(pageId) ?? [])],
    subscribed_fields: state.subscriptions.get(pageId) ?? [],
    tokens: tokensOf(state, pageId).map((token) => {
      const problem = validity(token, now)
      return {
        current: current.has(token.token),
        data_access_expires_at: token.data_access_expires_at,
        expires_at: token.expires_at,
        is_valid: problem === undefined,
        ...(problem ? {invalid_because: problem} : {}),
        user_id: token.userId,
      }
    }),
  }
}

/** Why a token no longer works, in a word; undefined while it does. */
function validity(token: FacebookToken, now: number): string | undefined {
  if (token.invalidated) return token.invalidated.subcode === ROLE_LOST.subcode ? 'role_removed' : 'password_changed'
  if (token.expires_at !== 0 && token.expires_at <= now) return 'expired'
  if (token.data_access_expires_at !== 0 && token.data_access_expires_at <= now) return 'data_access_expired'
  return undefined
}
