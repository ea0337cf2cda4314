// messenger:link --browser: the manual flow's steps 3-4 stay a person's (a linking page, Facebook
// Login, pick the Page, Subscribe), everything around them is done here. The linked accounts are
// read first, so that what is new can be told; for a page that takes a JWT (the seed's
// static.nexmo.com/messenger, the sandbox's /messenger) one is made the usual way, put on the
// clipboard where the platform allows and printed on stderr (never stdout); the page is opened;
// the account list is polled, with backoff, until a Page that was not linked before (or the one
// asked for) appears, or the wait ends. Ctrl-C or the time limit: the temporary application, if
// one was made, is deleted, and the error says what is true.
import {spawn, spawnSync} from 'node:child_process'
import {setTimeout as sleepFor} from 'node:timers/promises'

import {checkApplicationId} from './applications.js'
import type {Cleanup, Finished} from './cleanup.js'
import type {Clients} from './clients.js'
import {PluginError, usageError} from './errors.js'
import {type ExternalAccounts, type MessengerAccount, publicAccount} from './external-accounts.js'
import {decodeJwt} from './jwt.js'
import {ServiceClock} from './http.js'
import {planLinkAuth} from './link-auth.js'
import {type LinkResult, withAccounts} from './linking.js'
import {formatRelative, pageLabel, type Reporter} from './output.js'
import type {LinkingSettings} from './settings.js'

/** Vonage's linking page today (the dashboard's Facebook connect; it takes no JWT). */
export const DEFAULT_LINKING_PAGE = 'https://dashboard.nexmo.com/messages/social-channels/facebook-connect'

/** The seed's hosted page (static.nexmo.com/messenger) and the sandbox's: a JWT is pasted there. */
export function pageTakesJwt(url: string): boolean {
  return /\/messenger\/?$/.test(new URL(url).pathname)
}

/** "90s", "10m", "1h" or plain seconds → seconds; undefined when it is none of those. */
export function parseWait(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h)?$/i.exec(text.trim())
  if (!match) return undefined
  const seconds = Number(match[1]) * {h: 3600, m: 60, s: 1}[(match[2] ?? 's').toLowerCase() as 'h' | 'm' | 's']
  return seconds > 0 ? seconds : undefined
}

/** What --browser adds (src/lib/flags.ts browserSettings). */
export interface BrowserSettings {
  linkingPage: string
  /** Open the page in a browser; false only prints its URL. */
  open: boolean
  waitSeconds: number
}

export interface BrowserLinkSettings extends LinkingSettings, BrowserSettings {
  /** Wait for this Page rather than any new one. */
  pageId?: string
  application?: string
}

/** What touches the desktop, replaceable in tests. */
export interface Desktop {
  /** Opens the URL; false when no browser could be started. */
  open(url: string): Promise<boolean>
  /** Puts the text on the clipboard; false when the platform offered no way. */
  copy(text: string): boolean
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const desktop: Desktop = {
  copy(text) {
    const tools: Array<[string, string[]]> =
      process.platform === 'darwin'
        ? [['pbcopy', []]]
        : process.platform === 'win32'
          ? [['clip', []]]
          : [
              ['wl-copy', []],
              ['xclip', ['-selection', 'clipboard']],
              ['xsel', ['--clipboard', '--input']],
            ]
    return tools.some(
      ([command, args]) =>
        spawnSync(command, args, {input: text, stdio: ['pipe', 'ignore', 'ignore'], timeout: 3000}).status === 0,
    )
  },
  open(url) {
    // BROWSER names the browser to run (one command; its arguments are not parsed), as many tools honour it
    const browser = process.env.BROWSER?.trim()
    const [command, args] = browser
      ? [browser, [url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]]
    return new Promise((resolve) => {
      const child = spawn(command, args, {detached: true, stdio: 'ignore'})
      child.once('error', () => resolve(false))
      child.once('spawn', () => {
        child.unref()
        resolve(true)
      })
    })
  },
  sleep: (ms, signal) => sleepFor(ms, undefined, {signal}),
}

/** Polls start at 1 s and double up to 10 s. */
const FIRST_POLL_MS = 1000
const LONGEST_POLL_MS = 10_000

export async function browserLink(
  settings: BrowserLinkSettings,
  clients: Clients,
  report: Reporter,
  tools: Desktop = desktop,
): Promise<{finished: Finished<LinkResult>; label: string}> {
  if (settings.application) checkApplicationId(settings.application)
  const plan = await planLinkAuth(settings, clients.now())
  const takesJwt = pageTakesJwt(settings.linkingPage)
  if (takesJwt && plan.mode === 'api key') {
    throw usageError(
      'the linking page takes a JWT, which an API key and secret cannot sign: give --jwt (or VONAGE_JWT), --app-id with its private key, or --temp-app',
    )
  }

  let label = ''
  const finished = await withAccounts(clients, plan, report, async (accounts, cleanup, authorize) => {
    const before = new Set((await accounts.list()).map((account) => account.external_id))
    if (settings.pageId !== undefined && before.has(settings.pageId))
      throw new PluginError('conflict', `Page ${settings.pageId} is already linked; use messenger:relink`)
    cleanup.checkpoint()
    const deadline = clients.now() + settings.waitSeconds
    if (takesJwt) {
      const jwt = (await authorize(new ServiceClock(clients.now))).replace(/^Bearer /, '')
      const {claims} = await decodeJwt(jwt)
      const lapses =
        typeof claims.exp === 'number' && claims.exp < deadline
          ? ` (it lapses ${formatRelative(claims.exp, clients.now())}, before the wait ends)`
          : ''
      const copied = tools.copy(jwt)
        ? 'It is on the clipboard, and here'
        : 'Copy it from here (no clipboard tool was found)'
      report.notice(`Paste this JWT into the linking page, then pick the Page and press Subscribe. ${copied}${lapses}:`)
      process.stderr.write(`${jwt}\n`)
    }

    const opened = settings.open && (await tools.open(settings.linkingPage))
    report.notice(
      opened ? `Opened ${settings.linkingPage} in your browser.` : `Open ${settings.linkingPage} in your browser.`,
    )
    const account = await report.progress(
      `Waiting for ${settings.pageId === undefined ? 'a newly linked Page' : `Page ${settings.pageId} to be linked`}`,
      () => waitForNewPage(accounts, before, settings, deadline, clients, cleanup, tools),
    )
    label = pageLabel({id: account.external_id, name: account.name})
    if (settings.application) {
      await report.progress(`Linking application ${settings.application} to ${label}`, () =>
        accounts.linkApplication(account.external_id, settings.application!),
      )
    }

    return {account: publicAccount(account), status: 'linked' as const}
  })
  return {finished, label}
}

async function waitForNewPage(
  accounts: ExternalAccounts,
  before: ReadonlySet<string>,
  settings: BrowserLinkSettings,
  deadline: number,
  clients: Clients,
  cleanup: Cleanup,
  tools: Desktop,
): Promise<MessengerAccount> {
  for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
    const left = (deadline - clients.now()) * 1000
    if (left <= 0) {
      const what = settings.pageId === undefined ? 'no new Page was linked' : `Page ${settings.pageId} was not linked`
      throw new PluginError('timeout', `${what} within the wait (--wait); nothing was changed by this command`)
    }

    // a signal aborts the sleep; checkpoint() then throws it
    await tools.sleep(Math.min(pause, left), cleanup.abortSignal).catch(() => undefined)
    cleanup.checkpoint()
    const found = (await accounts.list()).find((account) =>
      settings.pageId === undefined ? !before.has(account.external_id) : account.external_id === settings.pageId,
    )
    if (found) return found
  }
}
