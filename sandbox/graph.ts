// The slice of the Facebook Graph API the plugin uses, under /vNN.N (any version): /me/accounts
// (cursor-paginated), /{page-id}, /debug_token, /me, with Graph's error shapes (190 for invalid or
// expired tokens). Users and their Pages are seeded through POST /_sandbox/facebook/users.
import {randomBytes, randomInt} from 'node:crypto'

import type {ApiRequest} from './contract.js'
import {type Answer, json} from './http.js'
import {DEFAULT_SCOPES, type FacebookPage, type FacebookToken, SandboxState} from './state.js'

const DEFAULT_FIELDS = 'id,name,access_token,category,tasks'
const DAY = 86_400

const graphError = (
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
      type: code === 190 ? 'OAuthException' : 'GraphMethodException',
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

export function graphApi(state: SandboxState): (request: ApiRequest) => Answer {
  const pageRecord = (userId: string, page: FacebookPage) => {
    const user = [...state.facebookUsers.values()].find((candidate) => candidate.id === userId)
    return {...page, access_token: user?.pageTokens[page.id]}
  }

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
    const pageIds =
      state.facebookUsers.get([...state.facebookUsers.values()].find((user) => user.id === input.userId)?.token ?? '')
        ?.pageIds ?? []
    return json(200, {
      data: {
        app_id: 'sandbox-app',
        application: 'Vonage sandbox',
        data_access_expires_at: input.data_access_expires_at,
        expires_at: input.expires_at,
        granular_scopes: input.scopes
          .filter((scope) => scope.startsWith('pages_'))
          .map((scope) => ({scope, target_ids: pageIds})),
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
  pages: SeedPage[]
  expires_at?: number
  data_access_expires_at?: number
  scopes?: string[]
}

/** POST /_sandbox/facebook/users: a user, their Pages, and the tokens Facebook would issue. */
export function seedFacebookUser(state: SandboxState, body: unknown): Answer {
  const seed = body as SeedUser
  const problems: string[] = []
  if (typeof seed?.user_token !== 'string' || seed.user_token === '')
    problems.push('user_token must be a non-empty string')
  if (!Array.isArray(seed?.pages)) problems.push('pages must be an array')
  for (const [index, page] of (Array.isArray(seed?.pages) ? seed.pages : []).entries()) {
    if (typeof page?.id !== 'string' || !/^[\w.-]+$/.test(page.id))
      problems.push(`pages[${index}].id must be a string of letters, digits, ".", "_" or "-"`)
    if (typeof page?.name !== 'string') problems.push(`pages[${index}].name must be a string`)
  }

  if (problems.length > 0) return json(400, {errors: problems})
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
  for (const page of seed.pages) {
    state.facebookPages.set(page.id, {
      category: page.category ?? 'Local business',
      id: page.id,
      name: page.name,
      tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
    })
    const token = page.access_token ?? SandboxState.newToken('EAAPage')
    pageTokens[page.id] = token
    state.facebookTokens.set(token, {...common, expires_at: page.expires_at ?? 0, pageId: page.id, token, type: 'PAGE'})
  }

  state.facebookUsers.set(seed.user_token, {
    id: userId,
    pageIds: seed.pages.map((page) => page.id),
    pageTokens,
    token: seed.user_token,
  })
  return json(201, {
    pages: seed.pages.map((page) => ({
      access_token: pageTokens[page.id],
      expires_at: page.expires_at ?? 0,
      id: page.id,
      name: page.name,
    })),
    user_id: userId,
    user_token: seed.user_token,
  })
}
