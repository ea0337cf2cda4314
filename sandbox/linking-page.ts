// The hosted "Link your Facebook Page" page (static.nexmo.com/messenger in the manual flow, steps
// 3-4) at GET /messenger, and the sandbox's stand-in for Facebook Login that it uses. The page's
// Subscribe and Unsubscribe call the sandbox's real External Accounts API with the pasted JWT, so
// its contract checks and JWT verification apply to what a browser sends too.
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {type Answer, json} from './http.js'
import type {FacebookUser, SandboxState} from './state.js'

const HTML = readFileSync(new URL('linking-page.html', import.meta.url), 'utf8')

/** The CSP source for the page's one inline element of this kind: its hash, so nothing injected runs. */
function inlineHash(tag: 'script' | 'style'): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(HTML)
  if (!match) throw new Error(`linking-page.html has no <${tag}>`)
  return `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`
}

export const LINKING_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${inlineHash('script')}`,
  `style-src ${inlineHash('style')}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const linkingPage = (): Answer => ({
  body: HTML,
  headers: {
    'cache-control': 'no-store',
    'content-security-policy': LINKING_PAGE_CSP,
    'content-type': 'text/html; charset=utf-8',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  },
  status: 200,
})

const userName = (user: FacebookUser) => `Sandbox user ${user.id}`

/**
 * GET /_sandbox/facebook/login: the accounts a person could log into Facebook as — the login
 * dialog's choice, so ids and names only, no token.
 */
export function loginChoices(state: SandboxState): Answer {
  const users = [...state.facebookUsers.values()].map((user) => ({
    id: user.id,
    name: userName(user),
    page_count: user.pageIds.length,
  }))
  return json(200, {users})
}

/**
 * POST /_sandbox/facebook/login {user_id}: what Facebook Login hands the linking page for that
 * user — the Pages they manage now, each with the Page token their /me/accounts gives out. The
 * user token itself stays in the sandbox.
 */
export function logIn(state: SandboxState, body: unknown): Answer {
  const userId = (body as {user_id?: unknown})?.user_id
  if (typeof userId !== 'string') return json(400, {errors: ['user_id must be the id of a seeded Facebook user']})
  const user = [...state.facebookUsers.values()].find((candidate) => candidate.id === userId)
  if (!user) return json(404, {errors: [`no Facebook user ${userId}; GET /_sandbox/facebook/login lists them`]})
  const pages = user.pageIds.map((id) => ({
    access_token: user.pageTokens[id],
    id,
    name: state.facebookPages.get(id)!.name,
  }))
  return json(200, {pages, user: {id: user.id, name: userName(user)}})
}
