// Which Facebook Page, with which Page token: given outright (--page-id with --page-token), or
// picked from the Pages a user token manages, by --page, by a prompt at a terminal, and never by
// waiting on a script. Also the expiry warnings debug_token makes possible.
import {PluginError, showInput, usageError} from './errors.js'
import {checkPageId} from './external-accounts.js'
import type {FacebookPage, Graph, TokenInfo} from './facebook.js'
import {readStdin} from './files.js'
import {formatTime} from './output.js'
import {isInteractive} from './prompts.js'

export const WARN_WITHIN_DAYS = 14
const DAY = 86_400

export interface PageChoice {
  'page-id'?: string
  'page-token'?: string
  'user-token'?: string
  page?: string
}

export interface ChosenPage {
  id: string
  name?: string
  token: string
}

export async function choosePage(choice: PageChoice, graph: () => Graph): Promise<ChosenPage> {
  if (choice['page-id'] !== undefined) {
    const id = checkPageId(choice['page-id'])
    const given = choice['page-token']
    if (given === undefined || given.trim() === '') {
      throw usageError('--page-id needs the Page token: --page-token TOKEN, FACEBOOK_PAGE_TOKEN, or --page-token - to read it from standard input')
    }

    return {id, token: given === '-' ? (await readStdin('Page token')).trim() : given.trim()}
  }

  const userToken = choice['user-token']
  if (userToken === undefined || userToken.trim() === '') {
    throw usageError('say which Page: --page-id with --page-token (or FACEBOOK_PAGE_TOKEN), or --user-token (or FACEBOOK_USER_TOKEN) with --page')
  }

  const pages = await graph().listPages(userToken.trim())
  if (pages.length === 0) {
    throw new PluginError('not-found', 'the user token manages no Pages: it needs the pages_show_list permission (with Facebook Login for Business, /me/accounts can be empty: use --page-id and --page-token instead)')
  }

  const page = choice.page === undefined ? await pickPage(pages) : findPage(pages, choice.page)
  return {id: page.id, name: page.name, token: page.access_token}
}

const describe = (pages: FacebookPage[]) => pages.map((page) => `${page.id} (${page.name})`).join(', ')

/** --page: a Page id, or a name (case does not matter) that only one Page has. */
export function findPage(pages: FacebookPage[], wanted: string): FacebookPage {
  const byId = pages.find((page) => page.id === wanted)
  if (byId) return byId
  const byName = pages.filter((page) => page.name.toLowerCase() === wanted.trim().toLowerCase())
  if (byName.length === 1) return byName[0]
  if (byName.length > 1) throw usageError(`${byName.length} Pages are named ${showInput(wanted)}: ${describe(byName)}; choose one by id with --page`)
  throw new PluginError('not-found', `no Page ${showInput(wanted)} among the Pages this user token manages: ${describe(pages)}`)
}

async function pickPage(pages: FacebookPage[]): Promise<FacebookPage> {
  if (pages.length === 1) return pages[0]
  if (!isInteractive()) throw usageError(`choose a Page with --page ID_OR_NAME; this user token manages ${describe(pages)}`)
  const {default: select} = await import('@inquirer/select')
  return select({choices: pages.map((page) => ({name: `${page.name} (${page.id})`, value: page})), message: 'Which Facebook Page?'}, {output: process.stderr})
}

/**
 * Asks debug_token about the Page token: invalid is an error (Vonage would refuse it); expiring
 * within 14 days gives warnings. If debug_token cannot be reached, nothing is said.
 */
export async function checkPageToken(graph: Graph, page: ChosenPage, userToken: string | undefined, now: number): Promise<string[]> {
  let info: TokenInfo
  try {
    info = await graph.debugToken(page.token, userToken ?? page.token, userToken ? 'the user token' : 'the Page token')
  } catch (error) {
    if (error instanceof PluginError && error.kind === 'auth') throw error
    return []
  }

  const label = `the Page token of ${page.name ? `${page.name} (${page.id})` : `Page ${page.id}`}`
  if (!info.is_valid) throw new PluginError('auth', `Facebook says ${label} is invalid or expired; get a fresh one (for example from the Graph API Explorer)`)
  return expiryWarnings(info, label, now)
}

export function expiryWarnings(info: TokenInfo, label: string, now: number): string[] {
  const warnings: string[] = []
  const soon = (at: number) => at !== 0 && at - now < WARN_WITHIN_DAYS * DAY
  const days = (at: number) => Math.max(0, Math.floor((at - now) / DAY))
  if (soon(info.expires_at)) warnings.push(`Warning: ${label} expires in ${days(info.expires_at)} days (${formatTime(info.expires_at)}); re-link before then with messenger:relink`)
  if (soon(info.data_access_expires_at)) {
    warnings.push(`Warning: Facebook data access behind ${label} ends in ${days(info.data_access_expires_at)} days (${formatTime(info.data_access_expires_at)}); log in to the app again and re-link`)
  }

  return warnings
}
