// messenger:link --browser and messenger:relink --browser: the manual flow's steps 3-4 stay a
// person's (a linking page, Facebook Login, pick the Page, Subscribe — or Unsubscribe, then
// Subscribe), everything around them is done here. The linked accounts are read first, so that what
// is new can be told; for a page that takes a JWT (the seed's static.nexmo.com/messenger, the
// sandbox's /messenger) one is made the usual way, put on the clipboard where the platform allows
// and printed on stderr (never stdout), and a fresh one when it lapses during the wait; the page is
// opened; the account list is polled, with backoff, until a Page that was not linked before (or the
// one asked for, or for relink the Page with another token) appears, or the wait ends. Ctrl-C or
// the time limit: the temporary application, if one was made, is deleted, and the error says what
// is true.
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {setTimeout as sleepFor} from 'node:timers/promises'

import {checkApplicationId} from './applications.js'
import type {Cleanup, Finished} from './cleanup.js'
import type {Clients, Signing} from './clients.js'
import {kindOf, messageOf, PluginError, usageError} from './errors.js'
import {type ExternalAccounts, type MessengerAccount, publicAccount} from './external-accounts.js'
import {decodeJwt} from './jwt.js'
import {type LinkAuthPlan, MIN_JWT_LIFETIME_LEFT, planLinkAuth} from './link-auth.js'
import {type LinkResult, type RelinkReport, withAccounts} from './linking.js'
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

export interface BrowserRelinkSettings extends LinkingSettings, BrowserSettings {
  pageId: string
  /** A new account name; without it, the one the Page had is put back. */
  name?: string
  /** How the user runs this CLI, for the commands messages give. */
  bin: string
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

/** What the person is to do on the linking page, and how the list read shows it is done. */
interface PersonStep {
  /** After "Paste this JWT into the linking page, then": "pick the Page and press Subscribe". */
  task: string
  /** For the spinner, after "Waiting for": "a newly linked Page". */
  waitingFor: string
  /** The account, once the list shows the step done. */
  done(listed: MessengerAccount[]): MessengerAccount | undefined
  /** What did not happen, as the wait ended: "no new Page was linked". */
  missed: string
  /** What is true then, as the list last read showed it: "nothing was changed by this command". */
  state(): string
}

/** Everything a wait for the person needs, from the command and from withAccounts. */
interface Waiting {
  settings: BrowserSettings
  clients: Clients
  report: Reporter
  tools: Desktop
  plan: LinkAuthPlan
  accounts: ExternalAccounts
  cleanup: Cleanup
  signing: Signing
}

/** The auth plan, refused before any request when the page takes a JWT an API key cannot sign. */
async function planForPage(settings: LinkingSettings & BrowserSettings, clients: Clients): Promise<LinkAuthPlan> {
  const plan = await planLinkAuth(settings, clients.now())
  if (pageTakesJwt(settings.linkingPage) && plan.mode === 'api key') {
    throw usageError(
      'the linking page takes a JWT, which an API key and secret cannot sign: give --jwt (or VONAGE_JWT), --app-id with its private key, or --temp-app',
    )
  }

  return plan
}

export async function browserLink(
  settings: BrowserLinkSettings,
  clients: Clients,
  report: Reporter,
  tools: Desktop = desktop,
): Promise<{finished: Finished<LinkResult>; label: string}> {
  if (settings.application) checkApplicationId(settings.application)
  const plan = await planForPage(settings, clients)
  let label = ''
  const finished = await withAccounts(clients, plan, report, async (accounts, cleanup, signing) => {
    const before = new Set((await accounts.list()).map((account) => account.external_id))
    const {pageId} = settings
    if (pageId !== undefined && before.has(pageId))
      throw new PluginError('conflict', `Page ${pageId} is already linked; use messenger:relink`)
    const step: PersonStep = {
      done: (listed) =>
        listed.find((account) =>
          pageId === undefined ? !before.has(account.external_id) : account.external_id === pageId,
        ),
      missed: pageId === undefined ? 'no new Page was linked' : `Page ${pageId} was not linked`,
      state: () => 'nothing was changed by this command',
      task: 'pick the Page and press Subscribe',
      waitingFor: pageId === undefined ? 'a newly linked Page' : `Page ${pageId} to be linked`,
    }
    const account = await personDoes({accounts, cleanup, clients, plan, report, settings, signing, tools}, step)
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

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * messenger:relink --browser --page-id: the person presses Unsubscribe, then Subscribe, on the page;
 * done when the Page is linked with another token (or linked again after it was seen unlinked). Its
 * name (or --name) and application are then put back, as messenger:relink keeps them. Only a
 * fingerprint of the previous token is kept.
 */
export async function browserRelink(
  settings: BrowserRelinkSettings,
  clients: Clients,
  report: Reporter,
  tools: Desktop = desktop,
): Promise<Finished<RelinkReport>> {
  const plan = await planForPage(settings, clients)
  const {pageId} = settings
  return withAccounts(clients, plan, report, async (accounts, cleanup, signing) => {
    const previous = await accounts.get(pageId)
    if (!previous)
      throw new PluginError(
        'not-found',
        `Page ${pageId} is not linked, so there is nothing to re-link; link it with messenger:link --browser --page-id ${pageId}`,
      )
    const previousToken = fingerprint(previous.access_token)
    const [application] = previous.applications
    const linkAgain = `${settings.bin} messenger:link --browser --page-id ${pageId}${application ? ` --application ${application}` : ''}`
    const describe = (now: MessengerAccount | undefined) =>
      now === undefined
        ? `Page ${pageId} is not linked now (it was unsubscribed, and not subscribed again): link it with ${linkAgain}`
        : fingerprint(now.access_token) === previousToken
          ? `Page ${pageId} keeps its previous link`
          : `Page ${pageId} was re-linked on the linking page, but its name and application were not put back: run this again`
    let seen: MessengerAccount | undefined = previous
    let seenUnlinked = false
    // Ctrl-C while waiting: what the Page's link is then, read afresh (the person may have just pressed Unsubscribe)
    const withdraw = cleanup.add(`read the link of Page ${pageId}`, async () =>
      cleanup.interrupted ? describe(await accounts.get(pageId)) : undefined,
    )
    const step: PersonStep = {
      done(listed) {
        seen = listed.find((account) => account.external_id === pageId)
        seenUnlinked ||= seen === undefined
        const renewed = seen !== undefined && (seenUnlinked || fingerprint(seen.access_token) !== previousToken)
        return renewed ? seen : undefined
      },
      missed: `Page ${pageId} was not re-linked`,
      state: () => describe(seen),
      task: `pick Page ${pageId}, press Unsubscribe, then Subscribe`,
      waitingFor: `Page ${pageId} to be linked with a fresh token`,
    }
    const account = await personDoes({accounts, cleanup, clients, plan, report, settings, signing, tools}, step)
    withdraw()
    if (fingerprint(account.access_token) === previousToken)
      report.warning(
        `Page ${pageId} was linked again with the same Page token it had: a link that had lapsed is still lapsed`,
      )
    const restored = await putBack(
      accounts,
      account,
      {applications: previous.applications, name: settings.name ?? previous.name},
      report,
    )
    return {results: [{applications: restored.applications, name: restored.name, page: pageId, status: 'relinked'}]}
  })
}

/**
 * After the page's Subscribe (which names the Page as it likes and links no application): the
 * name and the application the Page had. An application that cannot be linked again is a failure
 * (its messages would stop), a name that cannot be put back a warning.
 */
async function putBack(
  accounts: ExternalAccounts,
  account: MessengerAccount,
  wanted: {name?: string; applications: string[]},
  report: Reporter,
): Promise<MessengerAccount> {
  const pageId = account.external_id
  let current = account
  if (wanted.name !== undefined && current.name !== wanted.name) {
    const answer = await accounts.update(pageId, {name: wanted.name})
    if ('account' in answer) current = answer.account
    else
      report.warning(
        `Vonage turned down the PATCH that names Page ${pageId} ${JSON.stringify(wanted.name)} (${answer.status}); it is named ${JSON.stringify(current.name ?? '')}`,
      )
  }

  for (const application of wanted.applications.filter((id) => !current.applications.includes(id))) {
    current = await accounts.linkApplication(pageId, application).catch((error: unknown) => {
      throw new PluginError(
        kindOf(error) === 'interrupted' || kindOf(error) === 'terminated' ? kindOf(error) : 'partial',
        `Page ${pageId} was re-linked on the linking page, but application ${application} could not be linked to it again (${messageOf(error)}): it has no application now; link it with messenger:link --page-id ${pageId} --application ${application} and the Page token`,
        {cause: error},
      )
    })
  }

  return current
}

/** Hands the person the JWT (when the page takes one) and the page, then waits for the step to be done. */
async function personDoes(waiting: Waiting, step: PersonStep): Promise<MessengerAccount> {
  const {clients, cleanup, report, settings, signing, tools} = waiting
  waiting.cleanup.checkpoint()
  const deadline = clients.now() + settings.waitSeconds
  let lapses: number | undefined
  if (pageTakesJwt(settings.linkingPage)) {
    lapses = await handOverJwt(waiting, (exp) => {
      const lapse = exp !== undefined && exp < signing.clock.now() + settings.waitSeconds
      const renew =
        waiting.plan.mode === 'jwt'
          ? 'a JWT given cannot be renewed, so the wait ends then'
          : 'a fresh one is printed then'
      const lapseNote = lapse
        ? `; it lapses ${formatRelative(exp, signing.clock.now())}, before the wait ends (${renew})`
        : ''
      return `Paste this JWT into the linking page, then ${step.task}${lapseNote}. {copied}`
    })
  }

  const opened = settings.open && (await tools.open(settings.linkingPage))
  report.notice(
    opened ? `Opened ${settings.linkingPage} in your browser.` : `Open ${settings.linkingPage} in your browser.`,
  )
  const givenLapsed = () => lapses !== undefined && waiting.plan.mode === 'jwt' && lapses <= signing.clock.now()
  /** Why the last read of the list failed, while it keeps failing. */
  let failing: string | undefined
  return report.progress(`Waiting for ${step.waitingFor}`, async () => {
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
      const left = (deadline - clients.now()) * 1000
      if (left <= 0) {
        const unread = failing === undefined ? '' : ` as far as was read (the reads since failed: ${failing})`
        throw new PluginError('timeout', `${step.missed} within the wait (--wait)${unread}; ${step.state()}`)
      }

      // a signal aborts the sleep; checkpoint() then throws it
      await tools.sleep(Math.min(pause, left), cleanup.abortSignal).catch(() => undefined)
      cleanup.checkpoint()
      if (givenLapsed()) throw givenJwtLapsed(step)
      let listed: MessengerAccount[]
      try {
        listed = await waiting.accounts.list()
      } catch (error) {
        if (givenLapsed()) throw givenJwtLapsed(step, error)
        // a service failing for a while (each read already retried) does not abandon a person halfway through the page
        const passing = error instanceof PluginError && (error.kind === 'network' || error.retry !== undefined)
        if (!passing) throw error
        if (failing === undefined)
          report.notice(`Reading the linked Pages failed (${messageOf(error)}); still waiting.`)
        failing = messageOf(error)
        continue
      }

      if (failing !== undefined) report.notice('Reading the linked Pages works again.')
      failing = undefined
      const found = step.done(listed)
      if (found) return found
      if (lapses !== undefined && waiting.plan.mode !== 'jwt' && lapses - signing.clock.now() < MIN_JWT_LIFETIME_LEFT) {
        const now = signing.clock.now()
        const when = `${lapses <= now ? 'lapsed' : 'lapses'} ${formatRelative(lapses, now)}`
        lapses = await handOverJwt(
          waiting,
          () => `The JWT above ${when}: if the page has not taken it yet, paste this fresh one instead. {copied}`,
        )
      }
    }
  })
}

/** Signs the JWT the page takes, puts it on the clipboard where possible and on stderr after one line; its exp. */
async function handOverJwt(
  {signing, tools}: Waiting,
  say: (exp: number | undefined) => string,
): Promise<number | undefined> {
  const jwt = (await signing.authorize(signing.clock)).replace(/^Bearer /, '')
  const {exp} = (await decodeJwt(jwt)).claims
  const lapses = typeof exp === 'number' ? exp : undefined
  const copied = tools.copy(jwt)
    ? 'It is on the clipboard, and here'
    : 'Copy it from here (no clipboard tool was found)'
  // the JWT is what the person needs, --json or not; never on stdout
  process.stderr.write(`${say(lapses).replace('{copied}', copied)}:\n${jwt}\n`)
  return lapses
}

function givenJwtLapsed(step: PersonStep, cause?: unknown): PluginError {
  return new PluginError(
    'auth',
    `the JWT given (--jwt or VONAGE_JWT) lapsed while waiting, and a JWT given cannot be renewed; ${step.missed} while it lasted (as last read): ${step.state()}. With --app-id and its private key, or --temp-app, a fresh JWT is signed when one lapses`,
    {cause},
  )
}
