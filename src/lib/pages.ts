// Which Facebook Page, with which Page token: given outright (--page-id with --page-token), or
// picked from the Pages a user token manages, by --page, by a prompt at a terminal, and never by
// waiting on a script. Also what debug_token says of the Page token before anything is sent to
// Vonage: whether it is a Page token, of this Page, and when it expires.
import {PluginError, showInput, usageError} from './errors.js'
import {checkPageId} from './external-accounts.js'
import type {FacebookPage, Graph, TokenInfo} from './facebook.js'
import {readStdin} from './files.js'
import {formatDuration, formatTime, pageLabel, printable} from './output.js'
import {isInteractive} from './prompts.js'
import type {PageSettings} from './settings.js'

export const WARN_WITHIN_DAYS = 14
const DAY = 86_400

export interface ChosenPage {
  id: string
  name?: string
  token: string
}

/** The Page the settings name, with its token: given outright, or from the Pages `userToken` manages. */
export async function choosePage(choice: PageSettings, graph: Graph, givenUserToken?: string): Promise<ChosenPage> {
  const userToken = givenUserToken?.trim() || undefined
  if (choice.pageId !== undefined) {
    const id = checkPageId(choice.pageId)
    const given = choice.pageToken
    if (given === undefined || given.trim() === '') {
      const instead = userToken
        ? `; or, with the user token you gave, choose the Page with --page ${id} instead of --page-id`
        : ''
      throw usageError(
        `--page-id needs the Page token: --page-token TOKEN, FACEBOOK_PAGE_TOKEN, or --page-token - to read it from standard input${instead}`,
      )
    }

    const token = given === '-' ? (await readStdin('Page token')).trim() : given.trim()
    // a token is one word: two lines on stdin (a file with a comment, two tokens) is a mistake to
    // say here, not a 400 from Vonage after the name look-up quietly failed
    if (/\s/.test(token)) {
      const from = given === '-' ? 'standard input (--page-token -)' : '--page-token (or FACEBOOK_PAGE_TOKEN)'
      throw usageError(`the Page token from ${from} has spaces or line breaks inside; give the token alone`)
    }

    const name = await lookUpName(graph, id, token)
    return name === undefined ? {id, token} : {id, name, token}
  }

  if (userToken === undefined) {
    throw usageError(
      'say which Page: --page-id with --page-token (or FACEBOOK_PAGE_TOKEN), or --user-token (or FACEBOOK_USER_TOKEN) with --page',
    )
  }

  const pages = await graph.listPages(userToken)
  if (pages.length === 0) {
    throw new PluginError(
      'not-found',
      'the user token manages no Pages: it needs the pages_show_list permission (with Facebook Login for Business, /me/accounts can be empty: use --page-id and --page-token instead)',
    )
  }

  const page = choice.page === undefined ? await pickPage(pages) : findPage(pages, choice.page)
  return {id: page.id, name: page.name, token: page.access_token}
}

/** The Page's name for labels and the account at Vonage; advisory: without it, the Page is "Page ID". */
async function lookUpName(graph: Graph, id: string, token: string): Promise<string | undefined> {
  try {
    return await graph.pageName(id, token, 'the Page token')
  } catch (error) {
    if (error instanceof PluginError && !['interrupted', 'terminated'].includes(error.kind)) return undefined
    throw error
  }
}

/** Pages listed in a message: a few, then how many more, so 500 Pages do not make a 9 kB line. */
const LISTED_PAGES = 10
function describe(pages: FacebookPage[]): string {
  const shown = pages.slice(0, LISTED_PAGES).map((page) => pageLabel(page))
  return pages.length > LISTED_PAGES ? `${shown.join(', ')} and ${pages.length - LISTED_PAGES} more` : shown.join(', ')
}

/** How --page compares names: Unicode NFC, spaces around ignored; `folded` ignores case too. */
const exactName = (name: string) => name.normalize('NFC').trim()
const foldedName = (name: string) => exactName(name).toLowerCase()

/** The Pages named `wanted`, case aside; when some of them match in case as well, only those. */
function pagesNamed(pages: FacebookPage[], wanted: string): FacebookPage[] {
  const alike = pages.filter((page) => foldedName(page.name) === foldedName(wanted))
  const same = alike.filter((page) => exactName(page.name) === exactName(wanted))
  return same.length > 0 ? same : alike
}

/**
 * --page: a Page's id, or its name (NFC, spaces around and case ignored; among names that differ
 * only in case, the exact one wins). A value that is one Page's id and another Page's name is
 * refused; "id:101" and "name:101" say which is meant.
 */
export function findPage(pages: FacebookPage[], wanted: string): FacebookPage {
  const value = wanted.trim()
  const forced = /^(id|name):(.*)$/s.exec(value)
  const [by, target] = forced ? [forced[1], forced[2].trim()] : ['either', value]
  const byId = by === 'name' ? undefined : pages.find((page) => page.id === target)
  const byName = by === 'id' ? [] : pagesNamed(pages, target)
  const shown = showInput(target)
  const others = byName.filter((page) => page !== byId)
  if (byId && others.length > 0) {
    throw usageError(
      `${shown} is the id of ${pageLabel(byId)} and the name of ${describe(others)}; say --page id:${target} or --page name:${printable(target)}`,
    )
  }

  if (byId) return byId
  if (byName.length === 1) return byName[0]
  if (byName.length > 1)
    throw usageError(
      `${byName.length} Pages are named ${shown}: ${describe(byName)}; choose one by its id, e.g. --page id:${byName[0].id}`,
    )
  throw new PluginError(
    'not-found',
    `no Page ${by === 'id' ? 'with id ' : ''}${shown} among the ${pages.length} Page(s) this user token manages: ${describe(pages)}`,
  )
}

async function pickPage(pages: FacebookPage[]): Promise<FacebookPage> {
  if (pages.length === 1) return pages[0]
  if (!isInteractive())
    throw usageError(`choose a Page with --page ID_OR_NAME; this user token manages ${describe(pages)}`)
  const {default: select} = await import('@inquirer/select')
  return select(
    {choices: pages.map((page) => ({name: pageLabel(page), value: page})), message: 'Which Facebook Page?'},
    {output: process.stderr},
  )
}

/**
 * Asks debug_token about the Page token, before anything at Vonage: invalid is an auth error
 * (Vonage would refuse it); a token of another kind (a user token) or of another Page is a usage
 * error; expiring within 14 days gives warnings. If debug_token cannot be reached, nothing is said.
 */
export async function checkPageToken(
  graph: Graph,
  page: ChosenPage,
  userToken: string | undefined,
  now: number,
): Promise<string[]> {
  let info: TokenInfo
  try {
    info = await graph.debugToken(page.token, userToken ?? page.token, userToken ? 'the user token' : 'the Page token')
  } catch (error) {
    if (error instanceof PluginError && error.kind === 'auth') throw error
    return []
  }

  const label = `the Page token of ${pageLabel(page)}`
  if (!info.is_valid)
    throw new PluginError(
      'auth',
      `Facebook says ${label} is invalid or expired; get a fresh one (for example from the Graph API Explorer)`,
    )
  const instead = `give that Page's own token (FACEBOOK_PAGE_TOKEN, or --page-token -), or a user token that manages it (FACEBOOK_USER_TOKEN) with --page ${page.id}`
  if (info.type !== undefined && info.type !== 'PAGE') {
    throw usageError(
      `Facebook says the token given as ${label} is a ${printable(info.type)} token, not a Page token; ${instead}`,
    )
  }

  if (info.profile_id !== undefined && info.profile_id !== page.id) {
    throw usageError(
      `Facebook says the token given as ${label} belongs to another Page (${printable(info.profile_id)}); ${instead}`,
    )
  }

  return expiryWarnings(info, label, now)
}

/**
 * Whole days a link made with this token has left: the earlier of the token's expiry and the end
 * of Facebook data access (0 is never); undefined when neither ends.
 */
export function linkDaysLeft(
  info: Pick<TokenInfo, 'expires_at' | 'data_access_expires_at'>,
  now: number,
): number | undefined {
  const ends = [info.expires_at, info.data_access_expires_at].filter((at) => at > 0)
  return ends.length === 0 ? undefined : Math.floor((Math.min(...ends) - now) / DAY)
}

export function expiryWarnings(info: TokenInfo, label: string, now: number): string[] {
  const warnings: string[] = []
  const soon = (at: number) => at !== 0 && at - now < WARN_WITHIN_DAYS * DAY
  const left = (at: number) => formatDuration(Math.max(0, at - now))
  if (soon(info.expires_at))
    warnings.push(
      `Warning: ${label} expires in ${left(info.expires_at)} (${formatTime(info.expires_at)}); re-link before then with messenger:relink`,
    )
  if (soon(info.data_access_expires_at)) {
    warnings.push(
      `Warning: Facebook data access behind ${label} ends in ${left(info.data_access_expires_at)} (${formatTime(info.data_access_expires_at)}); log in to the app again and re-link`,
    )
  }

  return warnings
}
