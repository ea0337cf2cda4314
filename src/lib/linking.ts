// The linking procedures: link ("Subscribe"), relink (one PATCH of the token; where Vonage will not
// take PATCH, Unsubscribe + Subscribe, undone if any step fails), list and unlink. They never leave
// a Page half-linked: a write is confirmed from the account its answer carries, a failed write is
// read back before anything is decided, and a fallback relink restores the previous link unless
// the new one is confirmed. At the end, each command's whole procedure: plan the authentication,
// choose and check the Page, then act under a Cleanup with the External Accounts client.
import {checkApplicationId} from './applications.js'
import {type Cleanup, type Finished, signalKind, withCleanup} from './cleanup.js'
import type {Clients, Signing} from './clients.js'
import {AdaptiveGate, mapLimit} from './concurrency.js'
import {batchFailureKind, type ErrorKind, kindOf, messageOf, PluginError, usageError} from './errors.js'
import {
  checkPageId,
  type ExternalAccounts,
  type MessengerAccount,
  type PublicAccount,
  publicAccount,
} from './external-accounts.js'
import type {Graph} from './facebook.js'
import {isAmbiguous} from './http.js'
import {type LinkAuthPlan, planLinkAuth} from './link-auth.js'
import {pageLabel, printable, type Reporter} from './output.js'
import {checkPageToken, type ChosenPage, choosePage, linkDaysLeft} from './pages.js'
import {confirmOrRefuse} from './prompts.js'
import type {LinkingSettings, PageSettings} from './settings.js'

interface AccountSpec {
  pageId: string
  token: string
  name?: string
  applications?: string[]
}

export interface LinkResult {
  status: 'linked' | 'already linked'
  account: PublicAccount
}

/**
 * POST, and when it fails in a way that may hide a success (or a link made earlier), read the
 * account back: the same token means it is linked; anything else, the original failure stands.
 */
async function createOrReadBack(
  accounts: ExternalAccounts,
  spec: AccountSpec,
): Promise<{account: MessengerAccount; existed: boolean}> {
  try {
    return {account: await accounts.create(spec), existed: false}
  } catch (error) {
    const readable =
      error instanceof PluginError && (error.kind === 'conflict' || error.kind === 'remote' || error.kind === 'network')
    if (!readable) throw error
    const existing = await accounts.get(spec.pageId)
    if (existing?.access_token === spec.token) return {account: existing, existed: !isAmbiguous(error)}
    if (existing) {
      throw new PluginError(
        'conflict',
        `Page ${spec.pageId} is already linked with another Page token; replace it with messenger:relink --page-id ${spec.pageId}`,
        {cause: error},
      )
    }

    throw error
  }
}

/**
 * Checks that the account Vonage answered with (the 201 or 200 body, or the read-back after an
 * ambiguous failure) is the one just written: no second request is needed to confirm a write.
 */
function confirm(account: MessengerAccount, spec: AccountSpec): MessengerAccount {
  if (account.external_id !== spec.pageId)
    throw new PluginError(
      'remote',
      `Vonage answered the link of Page ${spec.pageId} with the account of Page ${account.external_id}`,
    )
  if (account.access_token !== spec.token)
    throw new PluginError('remote', `Vonage shows Page ${spec.pageId} linked with a token other than the one just sent`)
  const missing = (spec.applications ?? []).filter((id) => !account.applications.includes(id))
  if (missing.length > 0)
    throw new PluginError('remote', `Vonage shows Page ${spec.pageId} without application ${missing.join(', ')}`)
  return account
}

export async function linkPage(
  accounts: ExternalAccounts,
  page: ChosenPage,
  options: {name?: string; application?: string},
): Promise<LinkResult> {
  const spec: AccountSpec = {
    applications: options.application ? [options.application] : [],
    name: options.name ?? page.name,
    pageId: page.id,
    token: page.token,
  }
  const created = await createOrReadBack(accounts, spec)
  let {account} = created
  // "already linked" promises that nothing changed: not so once the application is linked here
  let changed = !created.existed
  if (options.application && !account.applications.includes(options.application)) {
    if (account.applications.length > 0) {
      throw new PluginError(
        'conflict',
        `Page ${page.id} is linked, but to application ${account.applications[0]} (a Page takes one); detach it with messenger:unlink --page-id ${page.id} --application ${account.applications[0]}, then link again`,
      )
    }

    account = await accounts.linkApplication(page.id, options.application)
    changed = true
  }

  return {account: publicAccount(confirm(account, spec)), status: changed ? 'linked' : 'already linked'}
}

export interface RelinkResult {
  page: string
  name?: string
  /**
   * "stopped": a signal arrived before it was re-linked; it keeps its previous link. "skipped"
   * (--expiring-within): its link lasts longer than asked, so it was left as it is.
   */
  status: 'relinked' | 'failed' | 'stopped' | 'skipped'
  /** With "skipped": the days its link has left (absent: it never expires). */
  days_left?: number
  applications?: string[]
  error?: string
  /** With a failure: its kind, as in the exit-code table. */
  kind?: ErrorKind
  /** With a failure: whether the Page still has its previous link (false: the restore failed too). */
  previous_link_kept?: boolean
}

/**
 * Puts the previous account back: nothing to do if it is there, re-created if it is not. When Vonage
 * refuses it with its application (deleted, or without Messages since), the Page is linked again
 * without it rather than left unlinked; the sentence returned says so.
 */
async function restore(accounts: ExternalAccounts, previous: MessengerAccount): Promise<string | undefined> {
  const current = await accounts.get(previous.external_id)
  if (current?.access_token === previous.access_token) return undefined
  if (current) await accounts.delete(previous.external_id)
  const account = {name: previous.name, pageId: previous.external_id, token: previous.access_token}
  try {
    await accounts.create({...account, applications: previous.applications})
    return undefined
  } catch (error) {
    // a 4xx other than 429 refuses this request as it is: without the application it may pass
    const status = error instanceof PluginError ? (error.status ?? 0) : 0
    if (previous.applications.length === 0 || status < 400 || status >= 500 || status === 429) throw error
    await accounts.create({...account, applications: []})
    const [application] = previous.applications
    return `the previous link of Page ${previous.external_id} was restored without application ${application}, which Vonage refused (${messageOf(error)}): link one with messenger:link --page ${previous.external_id} --application <APPLICATION_ID>`
  }
}

/** The command that finishes a relink by hand, naming where the new token goes, never the token. */
export function finishCommand(bin: string, spec: AccountSpec): string {
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`
  const name = spec.name === undefined ? '' : ` --name ${quote(spec.name)}`
  const application = spec.applications?.[0] ? ` --application ${spec.applications[0]}` : ''
  return `FACEBOOK_PAGE_TOKEN=<the new Page token> ${bin} messenger:link --page-id ${spec.pageId}${name}${application}`
}

/**
 * The fallback where Vonage will not take PATCH: Unsubscribe + Subscribe as one transaction: read,
 * DELETE, POST with the new token (keeping name and application), confirm. Until the new link is
 * confirmed, any failure or signal restores the previous account; if that fails too, the error
 * says exactly what to run.
 */
async function replaceLink(
  accounts: ExternalAccounts,
  page: ChosenPage,
  options: RelinkOptions & {previous?: MessengerAccount},
): Promise<RelinkResult> {
  // --all has just listed the accounts: no need to read each one again.
  const previous = options.previous ?? (await accounts.get(page.id))
  if (!previous) throw notLinked(page.id)
  options.cleanup.checkpoint()
  const spec: AccountSpec = {
    applications: previous.applications,
    name: options.name ?? previous.name ?? page.name,
    pageId: page.id,
    token: page.token,
  }
  // What a signal interrupted is put back with requests the fleet's gate would no longer let through.
  const putBack = () => restore(accounts.ungated(), previous)
  const undo = options.cleanup.add(`restore the previous link of Page ${page.id}`, putBack, {
    done: `the previous link of Page ${page.id} was restored`,
    manual: finishCommand(options.bin, spec),
  })
  let unlinked = false
  try {
    await accounts.delete(page.id)
    unlinked = true
    options.cleanup.checkpoint()
    // Once the new link is answered for, it is committed: a signal during that request is too late.
    const account = confirm((await createOrReadBack(accounts, spec)).account, spec)
    undo()
    return relinked(account)
  } catch (error) {
    // Stopped before the DELETE went out: nothing was changed, nothing to put back.
    if (!unlinked && error === options.cleanup.abortSignal.reason) {
      undo()
      throw error
    }

    if (options.cleanup.interrupted) throw error
    undo()
    const restored = await putBack().then(
      (said) => ({said}),
      (restoreError: unknown) => ({restoreError}),
    )
    const said =
      'restoreError' in restored
        ? `restoring the previous link failed too (${messageOf(restored.restoreError)}); finish by hand with: ${finishCommand(options.bin, spec)}`
        : (restored.said ?? 'the previous link was restored')
    const kind = error instanceof PluginError ? error.kind : 'internal'
    throw new PluginError(kind, `re-linking Page ${page.id} failed: ${messageOf(error)}; ${said}`, {
      cause: error,
      result: {previous_link_kept: !('restoreError' in restored)},
    })
  }
}

const notLinked = (pageId: string) =>
  new PluginError(
    'not-found',
    `Page ${pageId} is not linked, so there is nothing to re-link; link it with messenger:link (if another re-link of it is running, it is unlinked only until that one finishes)`,
    {
      result: {previous_link_kept: false},
    },
  )

const relinked = (account: MessengerAccount): RelinkResult => ({
  applications: account.applications,
  name: account.name,
  page: account.external_id,
  status: 'relinked',
})

export interface RelinkOptions {
  /** A new account name; without it, a PATCH leaves the name as it is. */
  name?: string
  cleanup: Cleanup
  bin: string
  /** Told once, the first time Vonage turns PATCH down and re-links fall back to DELETE + POST. */
  onFallback?: (message: string) => void
  /**
   * Runs each fallback relink (the Page unlinked until it is linked again): a fleet lets only a few
   * at a time, and none once it has stopped.
   */
  fallbackGate?: <T>(work: () => Promise<T>) => Promise<T>
}

/** What one command has learnt about PATCH: once it is turned down, later Pages go straight to the fallback. */
interface PatchSupport {
  available: boolean
}

/**
 * PATCH the new token; after a failure that may hide a success (timeout, reset, 5xx), read the
 * account back: the new token there means it is done. The Page is never unlinked on the way, so
 * every failure leaves it linked, and the error says with which token.
 */
async function updateOrReadBack(accounts: ExternalAccounts, spec: AccountSpec): ReturnType<ExternalAccounts['update']> {
  try {
    return await accounts.update(spec.pageId, {name: spec.name, token: spec.token})
  } catch (error) {
    // a signal stopped it before it was sent (a fleet's request waiting for its turn): nothing to read back
    if (error instanceof PluginError && (error.kind === 'interrupted' || error.kind === 'terminated')) throw error
    const said = (what: string, kept = true) =>
      new PluginError(error instanceof PluginError ? error.kind : 'internal', `${messageOf(error)}; ${what}`, {
        cause: error,
        result: {previous_link_kept: kept},
      })
    if (!isAmbiguous(error)) throw said(`Page ${spec.pageId} keeps its previous link`)
    const now = await accounts.get(spec.pageId).catch((readError: unknown) => {
      throw said(
        `reading it back failed too (${messageOf(readError)}), so Page ${spec.pageId} is linked with either its previous or its new token: run messenger:relink again`,
      )
    })
    if (now?.access_token === spec.token) return {account: now}
    if (!now) throw said(`Page ${spec.pageId} is not linked any more: link it with messenger:link`, false)
    // A PATCH that got no answer may still be under way at Vonage: what the read shows is not final.
    const unanswered = error instanceof PluginError && error.kind === 'network'
    throw said(
      `Page ${spec.pageId} ${unanswered ? 'was still linked with its previous token when read back, but the unanswered request may yet take effect: run messenger:relink again' : 'is still linked with its previous token'}`,
    )
  }
}

/**
 * Re-links a Page with its fresh token: one PATCH, confirmed from its 200 answer; the Page stays
 * linked throughout, so there is nothing to undo. Only where Vonage turns PATCH down (405, 501, or
 * 404 for a Page that is linked) does it fall back to replaceLink's DELETE + POST.
 */
export async function relinkPage(
  accounts: ExternalAccounts,
  page: ChosenPage,
  options: RelinkOptions & {previous?: MessengerAccount; support?: PatchSupport},
): Promise<RelinkResult> {
  const support = options.support ?? {available: true}
  let {previous} = options
  if (support.available) {
    options.cleanup.checkpoint()
    const spec: AccountSpec = {name: options.name, pageId: page.id, token: page.token}
    const answer = await updateOrReadBack(accounts, spec)
    if ('account' in answer) return relinked(confirm(answer.account, spec))
    if (answer.status === 404) {
      previous = await accounts.get(page.id)
      if (!previous) throw notLinked(page.id)
    }

    // another Page of the same --all may have met the refusal first: the warning is said once
    if (support.available) {
      support.available = false
      const why = answer.status === 404 ? `404 for Page ${page.id}, which is linked` : String(answer.status)
      options.onFallback?.(
        `Vonage turned down PATCH (${why}): re-linking by unlinking and linking again, the previous link restored if a step fails`,
      )
    }
  }

  const fallback = () => replaceLink(accounts, page, {...options, previous})
  return options.fallbackGate ? options.fallbackGate(fallback) : fallback()
}

/** A Page whose relink failed, as --json reports it: the error, its kind, and whether the previous link is kept. */
export function failedPage(error: unknown, page: {id: string; name?: string}, kept: boolean): RelinkResult {
  return {
    error: messageOf(error),
    kind: kindOf(error),
    name: page.name,
    page: page.id,
    previous_link_kept: kept,
    status: 'failed',
  }
}

export interface ListedAccount extends PublicAccount {
  /** With a user token: what debug_token says about the stored Page token. */
  token_valid?: boolean
  expires_at?: number
  data_access_expires_at?: number
  days_left?: number
}

/** Every linked account, without tokens; with a user token, how long each link has left. */
export async function listAccounts(
  accounts: ExternalAccounts,
  expiry: {graph: Graph; userToken: string; now: number} | undefined,
): Promise<ListedAccount[]> {
  const linked = await accounts.list()
  if (!expiry) return linked.map(publicAccount)
  return mapLimit(linked, 4, async (account): Promise<ListedAccount> => {
    const info = await expiry.graph
      .debugToken(account.access_token, expiry.userToken, 'the user token')
      .catch((error) => {
        if (error instanceof PluginError && error.kind === 'auth') throw error
        return undefined
      })
    if (!info) return publicAccount(account)
    const daysLeft = linkDaysLeft(info, expiry.now)
    return {
      ...publicAccount(account),
      data_access_expires_at: info.data_access_expires_at,
      days_left: daysLeft,
      expires_at: info.expires_at,
      token_valid: info.is_valid,
    }
  })
}

/** Detaches `applicationId` from a linked Page, which stays linked; the account as it now is. */
export async function unlinkApplication(
  accounts: ExternalAccounts,
  linked: PublicAccount,
  applicationId: string,
): Promise<PublicAccount> {
  if (!linked.applications.includes(applicationId)) {
    const has = linked.applications.length === 0 ? 'it has none' : `it has ${linked.applications.join(', ')}`
    throw new PluginError(
      'not-found',
      `application ${applicationId} is not linked to Page ${linked.external_id} (${has}); nothing changed`,
    )
  }

  if ((await accounts.unlinkApplication(linked.external_id, applicationId)) === 'not linked') {
    // a 409 after a retry is the first attempt's success; read back to tell
    const now = await accounts.get(linked.external_id)
    if (now?.applications.includes(applicationId))
      throw new PluginError(
        'conflict',
        `Vonage refused to unlink application ${applicationId} from Page ${linked.external_id}`,
      )
  }

  return {...linked, applications: linked.applications.filter((id) => id !== applicationId)}
}

/** Reads the account (so an unknown Page is a clear not-found), then unlinks it. */
export async function findLinkedPage(accounts: ExternalAccounts, pageId: string): Promise<PublicAccount> {
  const account = await accounts.get(pageId)
  if (!account)
    throw new PluginError('not-found', `Page ${pageId} is not linked; messenger:list shows the linked Pages`)
  return publicAccount(account)
}

// ---- The commands' procedures ----

/** Link and relink of one Page share this before anything is written: the plan, the Page, its token checked. */
async function planAndChoosePage(
  settings: LinkingSettings & {page: PageSettings},
  clients: Clients,
  report: Reporter,
): Promise<{plan: LinkAuthPlan; page: ChosenPage}> {
  if (settings.auth.privateKey === '-' && settings.page.pageToken === '-' && settings.auth.appId !== undefined) {
    throw usageError(
      '--private-key - and --page-token - cannot both read standard input; give the key as a file or VONAGE_PRIVATE_KEY',
    )
  }

  const plan = await planLinkAuth(settings, clients.now())
  const {userToken} = settings.graph
  const page = await report.progress('Finding the Page', () => choosePage(settings.page, clients.graph, userToken))
  for (const warning of await checkPageToken(clients.graph, page, userToken, clients.now())) report.warning(warning)
  return {page, plan}
}

/**
 * Runs `act` under a Cleanup (what a failure or a signal leaves is undone), with the External
 * Accounts client authenticated as planned; with `gateMax`, its requests go through an AdaptiveGate.
 */
export function withAccounts<T>(
  clients: Clients,
  plan: LinkAuthPlan,
  report: Reporter,
  act: (accounts: ExternalAccounts, cleanup: Cleanup, signing: Signing) => Promise<T>,
  gateMax?: number,
): Promise<Finished<T>> {
  return withCleanup(async (cleanup) => {
    const gate = gateMax === undefined ? undefined : new AdaptiveGate({abort: cleanup.abortSignal, max: gateMax})
    const {accounts, ...signing} = await report.progress('Preparing the linking calls', () =>
      clients.accounts(plan, cleanup, gate),
    )
    return act(accounts, cleanup, signing)
  })
}

export interface LinkSettings extends LinkingSettings {
  page: PageSettings
  /** Also link this Messages application to the Page. */
  application?: string
  /** The account name at Vonage; without it, the Page name. */
  name?: string
}

/** messenger:link: the Page, its token checked, then linked; `label` names the Page for messages. */
export async function link(
  settings: LinkSettings,
  clients: Clients,
  report: Reporter,
): Promise<{finished: Finished<LinkResult>; label: string}> {
  if (settings.application) checkApplicationId(settings.application)
  const {page, plan} = await planAndChoosePage(settings, clients, report)
  const label = pageLabel(page)
  const finished = await withAccounts(clients, plan, report, (accounts, cleanup) => {
    cleanup.checkpoint()
    return report.progress(`Linking ${label}`, () => linkPage(accounts, page, settings))
  })
  return {finished, label}
}

export interface RelinkSettings extends LinkingSettings {
  page: PageSettings
  /** A new account name; without it, the name is kept. */
  name?: string
  /** How the user runs this CLI, for the commands messages give. */
  bin: string
}

export interface RelinkReport {
  results: RelinkResult[]
  /** With --all: linked Pages the user token does not manage, left alone. */
  unreachable?: string[]
  /** With --all: the run ended (a signal, the list failing) before every linked Page was reached. */
  incomplete?: true
  /** With --all: why the run stopped starting Pages by itself (a Page lost its link). */
  halted?: string
}

/** messenger:relink of one Page (--all is relinkFleet, in fleet.ts). */
export async function relink(
  settings: RelinkSettings,
  clients: Clients,
  report: Reporter,
): Promise<Finished<RelinkReport>> {
  const {page, plan} = await planAndChoosePage(settings, clients, report)
  return withAccounts(clients, plan, report, async (accounts, cleanup) => {
    const options = {bin: settings.bin, cleanup, name: settings.name, onFallback: report.warning}
    const result = await report
      .progress(`Re-linking ${pageLabel(page)}`, () => relinkPage(accounts, page, options))
      .catch((error: unknown) => {
        throw asFailedPage(error, page)
      })
    return {results: [result]}
  })
}

/**
 * The failure of a relink of one Page, carrying in --json the Page as a failed result, as --all
 * reports it; the error says the same, and a signal's error is left as it is.
 */
function asFailedPage(error: unknown, page: ChosenPage): unknown {
  const kept = error instanceof PluginError ? error.result?.previous_link_kept : undefined
  if (!(error instanceof PluginError) || typeof kept !== 'boolean') return error
  const result = {results: [failedPage(error, page, kept)]}
  return new PluginError(error.kind, error.message, {cause: error, result, status: error.status})
}

/**
 * What a relink run amounts to: the summary line, and the failure to throw when it did not all
 * succeed — a signal that stopped Pages, Pages that failed, or (--all) no Page it could reach.
 */
export function judgeRelink(finished: Finished<RelinkReport>): {summary: string; failure?: PluginError} {
  const report = finished.value
  const total = report.results.length
  const failed = report.results.filter((result) => result.status === 'failed')
  const stopped = report.results.filter((result) => result.status === 'stopped')
  const skipped = report.results.filter((result) => result.status === 'skipped').length
  const relinked = total - failed.length - stopped.length - skipped
  const summary = [
    `${relinked} of ${total} linked Page(s) re-linked`,
    ...(skipped > 0 ? [`${skipped} skipped (their links last longer)`] : []),
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
    ...(stopped.length > 0 ? [`${stopped.length} stopped`] : []),
  ].join(', ')
  const result = {result: {...report}}
  if (finished.signal && (stopped.length > 0 || report.incomplete)) {
    const also = finished.failures.length === 0 ? '' : `; but ${finished.failures.join('; ')}`
    const rest = report.incomplete ? ' (the rest of the list was not read)' : ''
    const message =
      total === 0
        ? `${finished.signal} stopped the run before any linked Page was started; each keeps its link${also}`
        : `${finished.signal} stopped the run: ${summary}${rest}; the Pages not re-linked keep their previous link${also}`
    return {failure: new PluginError(signalKind(finished.signal), message, result), summary}
  }

  if (failed.length > 0) {
    const lost = failed.filter((item) => item.previous_link_kept === false).map((item) => item.page)
    const state =
      lost.length === 0
        ? 'each kept its previous link'
        : `${lost.join(', ')} lost ${lost.length === 1 ? 'its link' : 'their links'}: finish by hand as each line says`
    const halted =
      report.halted && stopped.length > 0
        ? `; ${report.halted}: the ${stopped.length} Page(s) stopped keep their previous link, run this again once that is fixed`
        : ''
    const message = `${failed.length} of ${total} Page(s) could not be re-linked; ${state}${halted}`
    // a Page skipped (its link lasts longer) is as done as a Page re-linked
    return {
      failure: new PluginError(batchFailureKind(relinked + skipped, failed[0].kind ?? 'internal'), message, result),
      summary,
    }
  }

  const unreachable = report.unreachable?.length ?? 0
  if (total === 0 && unreachable > 0) {
    const message = `none of the ${unreachable} linked Page(s) is among the Pages this user token manages, so nothing was re-linked and their links will lapse; use the user token of a Page admin`
    return {failure: new PluginError('not-found', message, result), summary}
  }

  return {summary}
}

/** One line per Page on stdout: "PAGE relinked", "PAGE skipped: …", "PAGE stopped: …" or "PAGE failed: why". */
export function relinkLine(result: RelinkResult): string {
  if (result.status === 'relinked') return `${result.page} relinked`
  if (result.status === 'skipped')
    return `${result.page} skipped: ${result.days_left === undefined ? 'its link does not expire' : `${result.days_left} day(s) left`}`
  if (result.status === 'stopped') return `${result.page} stopped: not re-linked`
  return `${result.page} failed: ${printable(result.error ?? '')}`
}

export interface ListReport {
  accounts: ListedAccount[]
}

/** messenger:list: every linked Page; with a user token, how long each link has left. */
export async function list(
  settings: LinkingSettings,
  clients: Clients,
  report: Reporter,
): Promise<Finished<ListReport>> {
  const plan = await planLinkAuth(settings, clients.now())
  const {userToken} = settings.graph
  const expiry = userToken ? {graph: clients.graph, now: clients.now(), userToken} : undefined
  return withAccounts(clients, plan, report, async (accounts) => ({
    accounts: await report.progress('Listing the linked Pages', () => listAccounts(accounts, expiry)),
  }))
}

export interface UnlinkSettings extends Omit<LinkingSettings, 'graph'> {
  pageId: string
  /** Unlink only this application from the Page, which stays linked. */
  application?: string
  /** Confirmed already: ask nothing. */
  yes: boolean
}

export interface UnlinkResult {
  unlinked?: PublicAccount
  /** With --application: the account after the application was unlinked from it. */
  unlinked_application?: PublicAccount
  /** The person at the terminal said no. */
  declined?: true
}

/** messenger:unlink: after confirming, the Page (or only its application) unlinked; `done` says what was. */
export async function unlink(
  settings: UnlinkSettings,
  clients: Clients,
  report: Reporter,
): Promise<{finished: Finished<UnlinkResult>; done?: string}> {
  const {application, pageId} = settings
  checkPageId(pageId)
  if (application) checkApplicationId(application)
  const plan = await planLinkAuth(settings, clients.now())
  let done: string | undefined
  const finished = await withAccounts(clients, plan, report, async (accounts, cleanup): Promise<UnlinkResult> => {
    const linked = await findLinkedPage(accounts, pageId)
    const label = pageLabel({id: linked.external_id, name: linked.name})
    const what = application ? `application ${application} from ${label}` : label
    const question = application
      ? `Unlink ${what}? Inbound messages stop reaching that application.`
      : `Unlink ${what} from Vonage? Messages to it stop until it is linked again.`
    if (!(await confirmOrRefuse(question, {refusal: `not unlinking ${what}`, yes: settings.yes})))
      return {declined: true}
    cleanup.checkpoint()
    if (application) {
      const account = await report.progress(`Unlinking ${what}`, () => unlinkApplication(accounts, linked, application))
      done = `Unlinked ${what}; the Page stays linked`
      return {unlinked_application: account}
    }

    await report.progress(`Unlinking ${label}`, () => accounts.delete(linked.external_id))
    done = `Unlinked ${label}`
    return {unlinked: linked}
  })
  return {done, finished}
}
