// The slice of the Facebook Graph API the plugin uses, under /vNN.N (any version): /me/accounts
// (cursor-paginated), /{page-id}, /{page-id}/subscribed_apps, /debug_token, /me, with Graph's error
// shapes (190 for invalid, expired or killed tokens). Users and their Pages are seeded through
// POST /_sandbox/facebook/users, a whole fleet at once with page_count.
import {randomBytes, randomInt} from 'node:crypto'

import type {ApiRequest} from './contract.js'
import {type Answer, json} from './http.js'
import {
  type Account,
  DEFAULT_SCOPES,
  DEFAULT_SUBSCRIBED_FIELDS,
  type FacebookPage,
  type FacebookToken,
  type FacebookUser,
  SandboxState,
} from './state.js'

const DEFAULT_FIELDS = 'id,name,access_token,category,tasks'
const DAY = 86_400
const MAX_FLEET = 100_000

/** Vonage's Facebook app, as GET /{page-id}/subscribed_apps names it on a linked Page. */
export const VONAGE_FACEBOOK_APP = {
  category: 'Business',
  id: 'vonage-sandbox-app',
  link: 'https://vonage.example/',
  name: 'Vonage Messages',
}

/** Graph's error codes whose type is OAuthException (the rest here are GraphMethodException). */
const OAUTH_CODES = new Set([4, 190, 210])

export const graphError = (
  code: number,
  message: string,
  {status = 400, subcode}: {status?: number; subcode?: number} = {},
): Answer =>
  json(status, {
    error: {
      code,
      ...(subcode ? {error_subcode: subcode} : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
      message,
      type: OAUTH_CODES.has(code) ? 'OAuthException' : 'GraphMethodException',
    },
  })

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

/** The token a Graph request carries: ?access_token=… or an Authorization header. */
function requestToken(request: ApiRequest): string | undefined {
  const fromQuery = one(request.query.access_token)
  if (fromQuery) return fromQuery
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(one(request.headers.authorization) ?? '')
  return match?.[1]
}

/** Why Facebook would refuse this token now (an answer), or the token's record. */
function validToken(state: SandboxState, token: string | undefined): Answer | FacebookToken {
  if (!token) return graphError(104, 'An access token is required to request this resource.')
  const info = state.facebookTokens.get(token)
  if (!info) return graphError(190, 'Invalid OAuth access token - Cannot parse access token')
  if (info.invalidated) return graphError(190, info.invalidated.message, {subcode: info.invalidated.subcode})
  const now = state.now()
  if (info.expires_at !== 0 && info.expires_at <= now) {
    return graphError(
      190,
      `Error validating access token: Session has expired on ${new Date(info.expires_at * 1000).toUTCString()}.`,
      {subcode: 463},
    )
  }

  if (info.data_access_expires_at !== 0 && info.data_access_expires_at <= now) {
    return graphError(
      190,
      'Error validating access token: data access for this app has expired; the user must log in again.',
      {subcode: 460},
    )
  }

  return info
}

const isAnswer = (value: Answer | FacebookToken): value is Answer => 'status' in value

function pick(record: Record<string, unknown>, fields: string): Record<string, unknown> {
  return Object.fromEntries(
    fields
      .split(',')
      .map((field) => field.trim())
      .filter((field) => field in record)
      .map((field) => [field, record[field]]),
  )
}

const encodeCursor = (index: number) => Buffer.from(`sandbox:${index}`).toString('base64url')
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString().replace('sandbox:', ''))

/** The user with this Facebook id (users are kept by token). */
const userById = (state: SandboxState, id: string): FacebookUser | undefined =>
  [...state.facebookUsers.values()].find((user) => user.id === id)

/** The Pages among `pageIds` for which `scope` still targets them (POST /_sandbox/facebook/pages revokes). */
const grantedPages = (state: SandboxState, scope: string, pageIds: string[]) =>
  pageIds.filter((id) => !state.revokedScopes.get(id)?.has(scope))

export function graphApi(state: SandboxState): (request: ApiRequest) => Answer {
  const pageRecord = (userId: string, page: FacebookPage) => ({
    ...page,
    access_token: userById(state, userId)?.pageTokens[page.id],
  })

  function meAccounts(request: ApiRequest, token: FacebookToken): Answer {
    if (token.type !== 'USER')
      return graphError(100, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)')
    const user = state.facebookUsers.get(token.token)!
    const limit = Math.min(100, Math.max(1, Number(one(request.query.limit) ?? 25)))
    const after = one(request.query.after)
    const start = after ? decodeCursor(after) + 1 : 0
    if (!Number.isInteger(start) || start < 0) return graphError(100, 'Invalid cursor')
    const pages = user.pageIds.map((id) => state.facebookPages.get(id)!)
    const slice = pages.slice(start, start + limit)
    const fields = one(request.query.fields) ?? DEFAULT_FIELDS
    const data = slice.map((page) => pick(pageRecord(user.id, page), fields))
    if (slice.length === 0) return json(200, {data})
    const paging: Record<string, unknown> = {
      cursors: {after: encodeCursor(start + slice.length - 1), before: encodeCursor(start)},
    }
    if (start + limit < pages.length) {
      const query = new URLSearchParams({
        ...(request.query as Record<string, string>),
        after: encodeCursor(start + slice.length - 1),
        limit: String(limit),
      })
      paging.next = `${request.origin}${request.path}?${query.toString()}`
    }

    return json(200, {data, paging})
  }

  function debugToken(request: ApiRequest): Answer {
    const inspector = requestToken(request)
    if (!inspector || (!inspector.includes('|') && isAnswer(validToken(state, inspector)))) {
      return graphError(190, 'Invalid OAuth access token - the access_token used to inspect is not valid')
    }

    const input = state.facebookTokens.get(one(request.query.input_token) ?? '')
    if (!input)
      return json(200, {
        data: {
          error: {code: 190, message: 'Invalid OAuth access token - Cannot parse access token'},
          is_valid: false,
          scopes: [],
        },
      })
    const problem = validToken(state, input.token)
    // A user token targets the Pages its user manages; a Page token, its own Page.
    const pageIds = input.pageId ? [input.pageId] : (userById(state, input.userId)?.pageIds ?? [])
    return json(200, {
      data: {
        app_id: 'sandbox-app',
        application: 'Vonage sandbox',
        data_access_expires_at: input.data_access_expires_at,
        expires_at: input.expires_at,
        granular_scopes: input.scopes
          .filter((scope) => scope.startsWith('pages_'))
          .map((scope) => ({scope, target_ids: grantedPages(state, scope, pageIds)})),
        is_valid: !isAnswer(problem),
        ...(isAnswer(problem) ? {error: (problem.body as {error: unknown}).error} : {}),
        ...(input.pageId ? {profile_id: input.pageId} : {}),
        scopes: input.scopes,
        type: input.type,
        user_id: input.userId,
      },
    })
  }

  function node(request: ApiRequest, token: FacebookToken, id: string): Answer {
    const page = state.facebookPages.get(id)
    const allowed = page && (token.pageId === id || state.facebookUsers.get(token.token)?.pageIds.includes(id))
    if (!page || !allowed) {
      return graphError(
        100,
        `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        {subcode: 33},
      )
    }

    return json(200, pick(pageRecord(token.userId, page), one(request.query.fields) ?? 'id,name'))
  }

  /** The apps subscribed to a Page's webhooks: only that Page's own token may ask. */
  function subscribedApps(request: ApiRequest, token: FacebookToken, id: string): Answer {
    if (token.type !== 'PAGE' || token.pageId !== id)
      return graphError(210, '(#210) A page access token is required to request this resource.')
    const fields = state.subscriptions.get(id)
    if (!fields) return json(200, {data: []})
    const app = {...VONAGE_FACEBOOK_APP, subscribed_fields: [...fields]}
    const wanted = one(request.query.fields)
    return json(200, {data: [wanted ? pick(app, wanted) : app]})
  }

  return (request) => {
    const path = request.path.replace(/^\/v\d+\.\d+(?=\/|$)/, '')
    if (path === '/debug_token') return debugToken(request)
    const token = validToken(state, requestToken(request))
    if (isAnswer(token)) return token
    if (path === '/me/accounts') return meAccounts(request, token)
    if (path === '/me')
      return json(
        200,
        token.type === 'USER'
          ? {id: token.userId, name: `Sandbox user ${token.userId}`}
          : pick(pageRecord(token.userId, state.facebookPages.get(token.pageId!)!), 'id,name'),
      )
    const match = /^\/([\w.-]+)$/.exec(path)
    if (match) return node(request, token, match[1])
    const subscribed = /^\/([\w.-]+)\/subscribed_apps$/.exec(path)
    if (subscribed && request.method === 'GET') return subscribedApps(request, token, subscribed[1])
    return graphError(2500, `Unknown path components: ${path}`)
  }
}

/** Why the External Accounts API would refuse this Page token for this Page, if it would. */
export function pageTokenProblem(state: SandboxState, pageId: string, token: string): string | undefined {
  const info = state.facebookTokens.get(token)
  if (!info || info.type !== 'PAGE') return 'Invalid access token: not a Page access token issued by Facebook'
  if (info.pageId !== pageId) return `Invalid access token: it belongs to another Page, not ${pageId}`
  const problem = validToken(state, token)
  if (isAnswer(problem)) return 'Expired access token'
  return undefined
}

export interface SeedPage {
  id: string
  name: string
  access_token?: string
  expires_at?: number
  category?: string
}

export interface SeedUser {
  user_token: string
  /** The Pages, or instead `page_count` generated ones: ids page_id_start + i, names "Page i". */
  pages?: SeedPage[]
  page_count?: number
  page_id_start?: number
  /** Also link every seeded Page at Vonage, as if done earlier; with an application, link that too. */
  link?: boolean | {application: string}
  expires_at?: number
  data_access_expires_at?: number
  scopes?: string[]
}

const isWhole = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max

/** What is wrong with a seed (an empty list when nothing is). */
function seedProblems(state: SandboxState, seed: SeedUser): string[] {
  const problems: string[] = []
  if (typeof seed?.user_token !== 'string' || seed.user_token === '')
    problems.push('user_token must be a non-empty string')
  if (seed?.page_count === undefined) {
    if (!Array.isArray(seed?.pages))
      problems.push(`pages must be an array (or page_count a whole number 1..${MAX_FLEET})`)
    for (const [index, page] of (Array.isArray(seed?.pages) ? seed.pages : []).entries()) {
      if (typeof page?.id !== 'string' || !/^[\w.-]+$/.test(page.id))
        problems.push(`pages[${index}].id must be a string of letters, digits, ".", "_" or "-"`)
      if (typeof page?.name !== 'string') problems.push(`pages[${index}].name must be a string`)
    }
  } else {
    if (seed.pages !== undefined) problems.push('give pages or page_count, not both')
    if (!isWhole(seed.page_count, 1, MAX_FLEET)) problems.push(`page_count must be a whole number 1..${MAX_FLEET}`)
    if (seed.page_id_start !== undefined && !isWhole(seed.page_id_start, 0, Number.MAX_SAFE_INTEGER - MAX_FLEET))
      problems.push('page_id_start must be a whole number, 0 or more')
  }

  const {link} = seed ?? {}
  if (link !== undefined && typeof link !== 'boolean') {
    const application = (link as {application?: unknown})?.application
    const known = typeof application === 'string' ? state.applications.get(application) : undefined
    if (!known?.capabilities.messages)
      problems.push('link must be true, false or {application: ID} of a Messages application the sandbox holds')
  }

  return problems
}

/** The Pages a seed describes: its list, or page_count generated ones. */
function seedPages(seed: SeedUser): SeedPage[] {
  if (seed.page_count === undefined) return seed.pages!
  const start = seed.page_id_start ?? 1000
  return Array.from({length: seed.page_count}, (_, index) => ({id: String(start + index), name: `Page ${index}`}))
}

/**
 * POST /_sandbox/facebook/users: a user, their Pages, and the tokens Facebook would issue; with
 * `link`, each Page also linked at Vonage (and subscribed) as if that happened earlier.
 */
export function seedFacebookUser(state: SandboxState, body: unknown): Answer {
  const seed = body as SeedUser
  const problems = seedProblems(state, seed)
  if (problems.length > 0) return json(400, {errors: problems})
  const pages = seedPages(seed)
  const now = state.now()
  const previous = state.facebookUsers.get(seed.user_token)
  const userId = previous?.id ?? String(randomInt(10_000_000_000_000, 200_000_000_000_000))
  const common = {
    data_access_expires_at: seed.data_access_expires_at ?? now + 90 * DAY,
    scopes: seed.scopes ?? DEFAULT_SCOPES,
    userId,
  }
  state.facebookTokens.set(seed.user_token, {
    ...common,
    expires_at: seed.expires_at ?? now + 60 * DAY,
    token: seed.user_token,
    type: 'USER',
  })
  const pageTokens: Record<string, string> = {}
  const fresh = SandboxState.newTokens('EAAPage', pages.length)
  for (const [index, page] of pages.entries()) {
    state.facebookPages.set(page.id, {
      category: page.category ?? 'Local business',
      id: page.id,
      name: page.name,
      tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
    })
    const token = page.access_token ?? fresh[index]
    pageTokens[page.id] = token
    state.facebookTokens.set(token, {...common, expires_at: page.expires_at ?? 0, pageId: page.id, token, type: 'PAGE'})
  }

  state.facebookUsers.set(seed.user_token, {
    id: userId,
    pageIds: pages.map((page) => page.id),
    pageTokens,
    token: seed.user_token,
  })
  let linked = 0
  if (seed.link) {
    const applications = typeof seed.link === 'object' ? [seed.link.application] : []
    for (const page of pages) {
      const account: Account = {
        access_token: pageTokens[page.id],
        api_key: state.credentials.apiKey,
        applications: [...applications],
        external_id: page.id,
        name: page.name,
        provider: 'messenger',
      }
      state.accounts.set(page.id, account)
      state.subscriptions.set(page.id, [...DEFAULT_SUBSCRIBED_FIELDS])
      linked += 1
    }
  }

  return json(201, {
    linked,
    pages: pages.map((page) => ({
      access_token: pageTokens[page.id],
      expires_at: page.expires_at ?? 0,
      id: page.id,
      name: page.name,
    })),
    user_id: userId,
    user_token: seed.user_token,
  })
}
