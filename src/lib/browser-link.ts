// messenger:link --browser and messenger:relink --browser: the manual flow's steps 3-4 stay a
// person's (a linking page, Facebook Login, pick the Page, Subscribe — or Unsubscribe, then
// Subscribe), everything around them is done here. The linked accounts are read first, so that what
// is new can be told; for a page that takes a JWT (the seed's static.nexmo.com/messenger, the
// sandbox's /messenger) one is made the usual way, put on the clipboard where the platform allows
// and printed on stderr (never stdout), and a fresh one when it lapses during the wait; the page is
// opened; the account list is polled, with backoff (a read that fails is retried, not the end), until
// a Page that was not linked before (or the one asked for; for relink, that Page linked anew)
// appears, or the wait ends. Ctrl-C or the time limit: the temporary application, if one was made,
// is deleted, and the error says what is true, read afresh after a signal.
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {setTimeout as sleepFor} from 'node:timers/promises'

import {checkApplicationId} from './applications.js'
import type {Cleanup, Finished} from './cleanup.js'
import type {Clients, Signing} from './clients.js'
import {findCredentials} from './credentials.js'
import {messageOf, PluginError, usageError} from './errors.js'
import {checkPageId, type ExternalAccounts, type MessengerAccount, publicAccount} from './external-accounts.js'
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

/** The longest --wait: a day (a JWT lives 24 h at most). */
export const MAX_WAIT_SECONDS = 86_400

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

interface BrowserCommandSettings extends LinkingSettings, BrowserSettings {
  /** How the user runs this CLI, for the commands messages give. */
  bin: string
}

export interface BrowserLinkSettings extends BrowserCommandSettings {
  /** Wait for this Page rather than any new one. */
  pageId?: string
  application?: string
}

export interface BrowserRelinkSettings extends BrowserCommandSettings {
  pageId: string
  /** A new account name; without it, the one the Page had is put back. */
  name?: string
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
  async open(url) {
    // BROWSER: one or more commands separated by ":" (";" on Windows), each with its arguments and
    // "%s" for the URL (else the URL goes last), as Python's webbrowser and many tools read it
    const separator = process.platform === 'win32' ? ';' : ':'
    const listed = (process.env.BROWSER ?? '').split(separator).filter((entry) => entry.trim() !== '')
    const commands: Array<[string, string[]]> =
      listed.length > 0
        ? listed.map((entry) => {
            const [command, ...args] = entry.trim().split(/\s+/)
            return [
              command,
              args.some((arg) => arg.includes('%s'))
                ? args.map((arg) => arg.replaceAll('%s', () => url))
                : [...args, url],
            ]
          })
        : [
            process.platform === 'darwin'
              ? ['open', [url]]
              : process.platform === 'win32'
                ? ['cmd', ['/c', 'start', '""', url]]
                : ['xdg-open', [url]],
          ]
    for (const [command, args] of commands) if (await opens(command, args)) return true
    return false
  },
  sleep: (ms, signal) => sleepFor(ms, undefined, {signal}),
}

/** An opener still running after this long has opened the page (a browser that stays in the foreground). */
const OPENER_SETTLES_MS = 3000

/**
 * Runs an opener: true unless it cannot start, or exits with a failure within OPENER_SETTLES_MS
 * (xdg-open with no browser to run exits 3).
 */
function opens(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {detached: true, stdio: 'ignore'})
    const settled = setTimeout(() => {
      child.unref()
      resolve(true)
    }, OPENER_SETTLES_MS)
    settled.unref()
    const end = (opened: boolean) => {
      clearTimeout(settled)
      resolve(opened)
    }

    child.once('error', () => end(false))
    child.once('exit', (code) => end(code === 0))
  })
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
  /** What is true then, as the list last read showed it: "the linked Pages are as they were". */
  state(): string
  /** What is true after Ctrl-C, read afresh: the person may have just pressed a button. */
  now(): Promise<string>
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

/**
 * The auth plan, refused before any request when the page takes a JWT an API key cannot sign; and
 * the Page id asked for, checked.
 */
async function planForPage(
  settings: LinkingSettings & BrowserSettings & {pageId?: string},
  clients: Clients,
): Promise<LinkAuthPlan> {
  if (settings.pageId !== undefined) checkPageId(settings.pageId)
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
  const {application, pageId} = settings
  if (application) await checkApplicationExists(clients, settings, application)
  let label = ''
  let problem: string | undefined
  const finished = await withAccounts(clients, plan, report, async (accounts, cleanup, signing) => {
    const listed = await accounts.list()
    const linkedAlready = listed.find((account) => account.external_id === pageId)
    if (linkedAlready) {
      // run again after the application failed: the Page is linked, only the application is missing
      if (!application) throw new PluginError('conflict', `Page ${pageId} is already linked; use messenger:relink`)
      label = pageLabel({id: linkedAlready.external_id, name: linkedAlready.name})
      return addApplication(accounts, linkedAlready, application, settings.bin)
    }

    const before = new Set(listed.map((account) => account.external_id))
    const isNew = (account: MessengerAccount) =>
      pageId === undefined ? !before.has(account.external_id) : account.external_id === pageId
    const step: PersonStep = {
      done: (listed) => listed.find(isNew),
      missed: pageId === undefined ? 'no new Page was linked' : `Page ${pageId} was not linked`,
      async now() {
        const found = (await accounts.list()).find(isNew)
        if (!found) return 'no Page was linked on the linking page'
        const without = application
          ? `, without application ${application}: link it with ${linkCommand(settings.bin, found.external_id, application)}`
          : ''
        return `Page ${found.external_id} was linked on the linking page meanwhile${without}`
      },
      state: () => 'the linked Pages are as they were',
      task: 'pick the Page and press Subscribe',
      waitingFor: pageId === undefined ? 'a newly linked Page' : `Page ${pageId} to be linked`,
    }
    const account = await personDoes({accounts, cleanup, clients, plan, report, settings, signing, tools}, step)
    label = pageLabel({id: account.external_id, name: account.name})
    let linked = account
    if (application) {
      const attached = await report.progress(`Linking application ${application} to ${label}`, () =>
        attachApplication(accounts, account, application, settings.bin),
      )
      if (typeof attached === 'string') problem = attached
      else linked = attached
    }

    return {account: publicAccount(linked), status: 'linked' as const}
  })
  // the Page is linked (its id goes to stdout), the application is not: exit 8, saying how to finish
  if (problem) finished.failures.unshift(problem)
  return {finished, label}
}

/**
 * Before the person does anything: an application that does not exist is refused (exit 4), when
 * there is an API key to ask with; without one, Vonage says so when it is linked.
 */
async function checkApplicationExists(clients: Clients, settings: LinkingSettings, application: string): Promise<void> {
  const {apiKey, apiSecret} = settings.vonage
  const credentials = await findCredentials({apiKey, apiSecret})
  if (!credentials) return
  const found = await (await clients.applications(credentials)).getApplication(application)
  if (!found)
    throw new PluginError(
      'not-found',
      `application ${application} does not exist at Vonage (for API key ${credentials.apiKey}); nothing was done`,
    )
}

/**
 * The command that links the Page with the linking page, or, for a Page linked already without an
 * application, links the application.
 */
const linkCommand = (bin: string, pageId: string, application?: string) =>
  `${bin} messenger:link --browser --page-id ${pageId}${application ? ` --application ${application}` : ''}`

/**
 * link --browser --page-id of a Page linked already, with --application: what a run after a failed
 * application link comes to. Linked with that application already: nothing to do; with none: it is
 * linked; with another: the Page takes one, so that is refused, as messenger:link refuses it.
 */
async function addApplication(
  accounts: ExternalAccounts,
  account: MessengerAccount,
  application: string,
  bin: string,
): Promise<LinkResult> {
  const pageId = account.external_id
  if (account.applications.includes(application)) return {account: publicAccount(account), status: 'already linked'}
  if (account.applications.length > 0)
    throw new PluginError(
      'conflict',
      `Page ${pageId} is linked, but to application ${account.applications[0]} (a Page takes one); detach it with messenger:unlink --page-id ${pageId} --application ${account.applications[0]}, then run this again`,
    )
  const attached = await attachApplication(accounts, account, application, bin)
  if (typeof attached === 'string') throw new PluginError('partial', `Page ${pageId} is linked, but ${attached}`)
  return {account: publicAccount(attached), status: 'linked'}
}

/**
 * Links the application to the Page the person linked; after a failure that may hide a success, the
 * link is read back. The account, or what went wrong as the sentence an error ends with.
 */
async function attachApplication(
  accounts: ExternalAccounts,
  account: MessengerAccount,
  application: string,
  bin: string,
): Promise<MessengerAccount | string> {
  const pageId = account.external_id
  try {
    return await accounts.linkApplication(pageId, application)
  } catch (error) {
    const now = await accounts.get(pageId).catch(() => undefined)
    if (now?.applications.includes(application)) return now
    return `application ${application} could not be linked to Page ${pageId} (${messageOf(error)}), which has ${now === undefined ? 'an unknown application (reading it back failed)' : now.applications.length === 0 ? 'no application now' : `application ${now.applications[0]}`}: link it with ${linkCommand(bin, pageId, application)}`
  }
}

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * messenger:relink --browser --page-id: the person presses Unsubscribe, then Subscribe, on the page;
 * done when the Page's link changed (another token, or the name and application the page's
 * Subscribe drops, or linked again after it was seen unlinked: a quick Unsubscribe + Subscribe can
 * fall between two reads). Its name (or --name) and application are then put back, as
 * messenger:relink keeps them. Only a fingerprint of the previous token is kept.
 */
export async function browserRelink(
  settings: BrowserRelinkSettings,
  clients: Clients,
  report: Reporter,
  tools: Desktop = desktop,
): Promise<Finished<RelinkReport>> {
  const plan = await planForPage(settings, clients)
  const {pageId} = settings
  const problems: string[] = []
  const finished = await withAccounts(clients, plan, report, async (accounts, cleanup, signing) => {
    const previous = await accounts.get(pageId)
    if (!previous)
      throw new PluginError(
        'not-found',
        `Page ${pageId} is not linked, so there is nothing to re-link; link it with messenger:link --browser --page-id ${pageId}`,
      )
    const previousToken = fingerprint(previous.access_token)
    /**
     * Linked anew: another token, or what the page's Subscribe drops (the name, the application). A
     * rename or another application, by someone else meanwhile, is not taken for it.
     */
    const renewed = (account: MessengerAccount) =>
      fingerprint(account.access_token) !== previousToken ||
      (previous.name !== undefined && account.name === undefined) ||
      (previous.applications.length > 0 && account.applications.length === 0)
    const [application] = previous.applications
    const linkAgain = linkCommand(settings.bin, pageId, application)
    const describe = (now: MessengerAccount | undefined) =>
      now === undefined
        ? `Page ${pageId} is not linked now (it was unsubscribed, and not subscribed again): link it with ${linkAgain}`
        : !renewed(now)
          ? `Page ${pageId} keeps its previous link`
          : `Page ${pageId} was linked again on the linking page just now, but its name and application were not put back: it is named ${JSON.stringify(now.name ?? '')}, with ${now.applications.length === 0 ? 'no application' : `application ${now.applications[0]}`}`
    let seen: MessengerAccount | undefined = previous
    let seenUnlinked = false
    const step: PersonStep = {
      done(listed) {
        seen = listed.find((account) => account.external_id === pageId)
        seenUnlinked ||= seen === undefined
        return seen !== undefined && (seenUnlinked || renewed(seen)) ? seen : undefined
      },
      missed: `Page ${pageId} was not re-linked`,
      now: async () => describe(await accounts.get(pageId)),
      state: () => describe(seen),
      task: `pick Page ${pageId}, press Unsubscribe, then Subscribe`,
      waitingFor: `Page ${pageId} to be linked again`,
    }
    const account = await personDoes({accounts, cleanup, clients, plan, report, settings, signing, tools}, step)
    if (fingerprint(account.access_token) === previousToken)
      report.warning(
        `Page ${pageId} was linked again with the same Page token it had: a link that had lapsed is still lapsed`,
      )
    // a second Ctrl-C quits at once: its last words name the application left to link by hand
    const putBackByHand = application
      ? cleanup.add(
          `link application ${application} to Page ${pageId} again`,
          () => Promise.resolve(`Page ${pageId} may be without application ${application}: link it with ${linkAgain}`),
          {manual: linkAgain},
        )
      : () => undefined
    const restored = await putBack(
      accounts,
      account,
      {applications: previous.applications, name: settings.name ?? previous.name},
      {bin: settings.bin, report},
    )
    putBackByHand()
    if (restored.problem) problems.push(restored.problem)
    const now = restored.account
    return {results: [{applications: now.applications, name: now.name, page: pageId, status: 'relinked' as const}]}
  })
  finished.failures.unshift(...problems)
  return finished
}

/**
 * After the page's Subscribe (which names the Page as it likes and links no application): the
 * name and the application the Page had. A name that cannot be put back is a warning; an
 * application that cannot be linked again (its messages would stop) is the `problem` returned, and
 * the command's exit code 8.
 */
async function putBack(
  accounts: ExternalAccounts,
  account: MessengerAccount,
  wanted: {name?: string; applications: string[]},
  {bin, report}: {bin: string; report: Reporter},
): Promise<{account: MessengerAccount; problem?: string}> {
  const pageId = account.external_id
  let current = account
  if (wanted.name !== undefined && current.name !== wanted.name) {
    const named = `Page ${pageId} could not be named ${JSON.stringify(wanted.name)} again`
    const answer = await accounts.update(pageId, {name: wanted.name}).catch((error: unknown) => messageOf(error))
    if (typeof answer === 'string') report.warning(`${named} (${answer})`)
    else if ('account' in answer) current = answer.account
    else report.warning(`${named}: Vonage turned down the PATCH (${answer.status})`)
  }

  for (const application of wanted.applications.filter((id) => !current.applications.includes(id))) {
    const attached = await attachApplication(accounts, current, application, bin)
    if (typeof attached === 'string') return {account: current, problem: attached}
    current = attached
  }

  return {account: current}
}

/** Hands the person the JWT (when the page takes one) and the page, then waits for the step to be done. */
async function personDoes(waiting: Waiting, step: PersonStep): Promise<MessengerAccount> {
  const {clients, cleanup, report, settings, signing, tools} = waiting
  cleanup.checkpoint()
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
  // what the person needs, --json or not (as the JWT)
  process.stderr.write(`${opened ? 'Opened' : 'Open'} ${settings.linkingPage} in your browser.\n`)
  const givenLapsed = () => lapses !== undefined && waiting.plan.mode === 'jwt' && lapses <= signing.clock.now()
  /** Why the last read of the list failed, while it keeps failing. */
  let failing: string | undefined
  // Ctrl-C while waiting: what is true then, read afresh (the person may have just pressed a button)
  const readAgain = async () => (cleanup.interrupted ? step.now() : undefined)
  const withdraw = cleanup.add('read the linked Pages again', readAgain, {readOnly: true})
  const account = await report.progress(`Waiting for ${step.waitingFor}`, async () => {
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
      const left = (deadline - clients.now()) * 1000
      if (left <= 0) {
        const state =
          failing === undefined ? step.state() : `the reads since failed (${failing}); when last read, ${step.state()}`
        const unread = failing === undefined ? '' : ' as far as was read'
        throw new PluginError('timeout', `${step.missed} within the wait (--wait)${unread}; ${state}`)
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
        // "try again later" is what this wait does
        const why = messageOf(error).replace(/; (try again later|check the network and try again)$/, '')
        if (failing === undefined) report.notice(`Reading the linked Pages failed (${why}); still waiting.`)
        failing = why
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
  withdraw()
  return account
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
