// messenger:status: the health of every linked Page, each check a column. At Vonage: linked, an
// application linked, and that application exists with the Messages capability. At Facebook (with
// a user token): the user still manages the Page, the stored Page token is valid, how many days the
// link has left, the permissions Messenger needs are granted for this Page, and an app is
// subscribed to its messages. Each Page gets a verdict (ok, warn, fail), its reasons in words and
// the command that fixes each. Read-only: nothing is written anywhere; tokens are never reported.
import type {VonageApplications} from './applications.js'
import {type Cleanup, type Finished, signalKind} from './cleanup.js'
import type {Clients} from './clients.js'
import {MAX_CONCURRENCY} from './concurrency.js'
import {findCredentials} from './credentials.js'
import {kindOf, messageOf, PluginError} from './errors.js'
import {checkPageId, type MessengerAccount} from './external-accounts.js'
import type {Graph, TokenCheck} from './facebook.js'
import {FLEET_TASKS, forEachStreamed, userPages} from './fleet.js'
import {planLinkAuth} from './link-auth.js'
import {withAccounts} from './linking.js'
import {formatTable, pageLabel, printable, type Reporter} from './output.js'
import {linkDaysLeft} from './pages.js'
import type {LinkingSettings} from './settings.js'

/** The permissions Messenger needs on a Page: list it, send as it, subscribe to its webhooks. */
const NEEDED_SCOPES = ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'] as const

/** "unknown": not checked (no user token, no API credentials, or the check itself failed: see detail). */
export type CheckState = 'ok' | 'warn' | 'fail' | 'unknown'
export type Verdict = 'ok' | 'warn' | 'fail'

export interface Check {
  state: CheckState
  /** What was found, in words. */
  detail: string
  /** With warn or fail: the command that fixes it. */
  fix?: string
}

export interface PageChecks {
  /** At Vonage: the Page is linked. */
  linked: Check
  /** At Vonage: a Messages application is linked to the Page. */
  application: Check
  /** Applications API: that application exists and has the Messages capability. */
  application_ok: Check
  /** Facebook: the user token's user still manages the Page. */
  page_managed: Check
  /** Facebook: the stored Page token is valid (debug_token). */
  token_valid: Check
  /** Facebook: days the link has left, the earlier of the token's expiry and the end of data access. */
  expiry: Check
  /** Facebook: pages_messaging, pages_manage_metadata and pages_show_list are granted for this Page. */
  scopes: Check
  /** Facebook: an app is subscribed to the Page's `messages` webhook field. */
  subscribed: Check
}

export interface PageStatus {
  page: string
  name?: string
  verdict: Verdict
  /** The application linked at Vonage, if any. */
  application?: string
  /** Days the link has left; null: it does not expire; absent: not known. */
  days_left?: number | null
  checks: PageChecks
  /** Why the verdict is not ok, in words, one per check that is not. */
  reasons: string[]
  /** The commands that fix them, without repeats. */
  fixes: string[]
}

export interface StatusReport {
  pages: PageStatus[]
  counts: {ok: number; warn: number; fail: number}
  warn_days: number
  /** A signal stopped the run before every linked Page was checked. */
  incomplete?: true
}

export interface StatusSettings extends LinkingSettings {
  /** Only these Pages (each must be linked, or its row fails). */
  pageIds: string[]
  /** A link with at most this many days left is a warn. */
  warnDays: number
  bin: string
}

/** One frozen object per distinct ok detail, shared by every row: a 5,000-Page report holds 8 checks a row. */
const okChecks = new Map<string, Check>()
const ok = (detail: string): Check => {
  let check = okChecks.get(detail)
  if (!check) okChecks.set(detail, (check = Object.freeze({detail, state: 'ok' as const})))
  return check
}
const unknown = (detail: string): Check => ({detail, state: 'unknown'})
const NEEDS_USER_TOKEN = unknown('unknown: give a user token (--user-token or FACEBOOK_USER_TOKEN)')
const NEEDS_CREDENTIALS = unknown('unknown: needs your API key and secret (VONAGE_API_KEY, VONAGE_API_SECRET)')
/** A check a failed request kept from being made; a signal is not such a failure (the Page is just not checked). */
function couldNot(error: unknown): Check {
  if (stoppedBySignal(error)) throw error
  return {detail: `could not check: ${messageOf(error)}`, state: 'unknown'}
}

const stoppedBySignal = (error: unknown) =>
  error instanceof PluginError && (error.kind === 'interrupted' || error.kind === 'terminated')

/** Not made because another check already failed (the token is invalid, the Page not linked): no reason of its own. */
const notChecked = (because: string): Check => unknown(`not checked: ${because}`)

/**
 * A check worth a reason (and a fix): one that fails or warns, or one that could not be made — a
 * service failing, or no user token or API key to make it with: "ok" would not be the truth.
 */
const isProblem = (check: Check) =>
  check.state === 'warn' ||
  check.state === 'fail' ||
  (check.state === 'unknown' && !check.detail.startsWith('not checked'))

const allChecks = (checks: PageChecks): Check[] => Object.values(checks) as Check[]

/** The verdict of a Page: fail if any check fails; warn if any warns or could not be made; else ok. */
function verdictOf(checks: PageChecks): Verdict {
  const all = allChecks(checks)
  if (all.some((check) => check.state === 'fail')) return 'fail'
  return all.some((check) => isProblem(check)) ? 'warn' : 'ok'
}

/** Which Messenger permissions the token lacks for this Page, from granular_scopes (else its scopes). */
function missingScopes(info: Pick<TokenCheck, 'scopes' | 'granular_scopes'>, pageId: string): string[] {
  return NEEDED_SCOPES.filter((scope) => {
    const granular = info.granular_scopes.find((entry) => entry.scope === scope)
    if (granular) return granular.target_ids !== undefined && !granular.target_ids.includes(pageId)
    return !info.scopes.includes(scope)
  })
}

/** With a user token: the Graph client, the token, and the Pages it manages (by id). */
interface FacebookContext {
  graph: Graph
  userToken: string
  managed: Map<string, unknown>
}

interface Context {
  /** Absent without a user token: the Facebook checks are then not made. */
  facebook?: FacebookContext
  applications?: VonageApplications
  /** One look-up per application, however many Pages share it. */
  applicationChecks: Map<string, Promise<Check>>
  warnDays: number
  bin: string
  now: number
}

/** The checks at Facebook, from what debug_token says of the stored token and the Page's subscribed apps. */
async function facebookChecks(
  account: MessengerAccount,
  context: Context,
): Promise<
  Pick<PageChecks, 'page_managed' | 'token_valid' | 'expiry' | 'scopes' | 'subscribed'> & {days?: number | null}
> {
  const {bin, facebook, now, warnDays} = context
  if (!facebook) {
    return {
      expiry: NEEDS_USER_TOKEN,
      page_managed: NEEDS_USER_TOKEN,
      scopes: NEEDS_USER_TOKEN,
      subscribed: NEEDS_USER_TOKEN,
      token_valid: NEEDS_USER_TOKEN,
    }
  }

  const {graph, managed, userToken} = facebook
  const id = account.external_id
  // a Page this user no longer manages can only be re-linked with the user token of one who does
  const relink = managed.has(id)
    ? `${bin} messenger:relink --page ${id}`
    : `FACEBOOK_USER_TOKEN=<the user token of an admin of Page ${id}> ${bin} messenger:relink --page ${id}`
  const page_managed = managed.has(id)
    ? ok('your Facebook user manages it')
    : {
        detail:
          'your Facebook user no longer manages this Page (a role removed?), so its token cannot be renewed with it',
        fix: relink,
        state: 'fail' as const,
      }
  let info: TokenCheck
  try {
    info = await graph.debugToken(account.access_token, userToken, 'the user token')
  } catch (error) {
    // the user token itself refused: every row would say so; it is the command's failure
    if (error instanceof PluginError && error.kind === 'auth') throw error
    const failed = couldNot(error)
    return {expiry: failed, page_managed, scopes: failed, subscribed: failed, token_valid: failed}
  }

  const notThisPage = info.type !== undefined && info.type !== 'PAGE' ? `a ${info.type} token` : undefined
  const otherPage =
    info.profile_id !== undefined && info.profile_id !== id ? `the token of Page ${info.profile_id}` : undefined
  const wrong = notThisPage ?? otherPage
  const token_valid: Check = !info.is_valid
    ? {
        detail: `Facebook says the stored Page token is invalid${info.error ? ` (${info.error})` : ''}: messages are not delivered`,
        fix: relink,
        state: 'fail',
      }
    : wrong
      ? {detail: `the stored token is ${wrong}, not this Page's`, fix: relink, state: 'fail'}
      : ok('valid')
  const daysLeft = linkDaysLeft(info, now)
  let expiry: Check
  if (!info.is_valid) expiry = notChecked('the token is invalid')
  else if (daysLeft === undefined) expiry = ok('does not expire')
  else if (daysLeft <= 0) expiry = {detail: 'lapses today', fix: relink, state: 'fail'}
  else if (daysLeft <= warnDays)
    expiry = {detail: `lapses in ${daysLeft} day(s), within ${warnDays}`, fix: relink, state: 'warn'}
  else expiry = ok(`${daysLeft} day(s) left`)
  const missing = missingScopes(info, id)
  const scopes: Check =
    missing.length === 0
      ? ok('granted')
      : {
          detail: `not granted for this Page: ${missing.join(', ')}`,
          fix: `grant ${missing.join(', ')} for Page ${id} when logging in to Facebook, then ${relink}`,
          state: 'fail',
        }
  const subscribed = info.is_valid ? await subscription(graph, account, relink) : notChecked('the token is invalid')
  return {days: daysLeft ?? null, expiry, page_managed, scopes, subscribed, token_valid}
}

async function subscription(graph: Graph, account: MessengerAccount, relink: string): Promise<Check> {
  try {
    const apps = await graph.subscribedApps(account.external_id, account.access_token)
    return apps.some((app) => app.subscribed_fields.includes('messages'))
      ? ok('an app is subscribed to its messages')
      : {
          detail: 'no app is subscribed to its messages: inbound messages do not arrive',
          fix: relink,
          state: 'fail',
        }
  } catch (error) {
    return couldNot(error)
  }
}

/** The checks at Vonage: an application linked, and (with API credentials) that it exists with Messages. */
function vonageChecks(
  account: MessengerAccount,
  context: Context,
): Promise<Pick<PageChecks, 'application' | 'application_ok'>> {
  const id = account.external_id
  const appId = account.applications[0]
  if (!appId) {
    const missing = notChecked('no application linked')
    return Promise.resolve({
      application: {
        detail: 'no application linked: inbound messages reach no application',
        fix: `${context.bin} messenger:link --page ${id} --application <APPLICATION_ID>`,
        state: 'fail',
      },
      application_ok: missing,
    })
  }

  let check = context.applicationChecks.get(appId)
  if (!check) {
    check = applicationCheck(appId, context)
    context.applicationChecks.set(appId, check)
  }

  return check.then((application_ok) => ({
    application: ok(appId),
    application_ok:
      application_ok.state === 'fail'
        ? {
            ...application_ok,
            fix: `${context.bin} messenger:unlink --page-id ${id} --application ${appId} --yes && ${context.bin} messenger:link --page ${id} --application <APPLICATION_ID>`,
          }
        : application_ok,
  }))
}

async function applicationCheck(appId: string, {applications}: Context): Promise<Check> {
  if (!applications) return NEEDS_CREDENTIALS
  try {
    const found = await applications.getApplication(appId)
    if (!found) return {detail: `application ${appId} does not exist any more`, state: 'fail'}
    if (!found.messages) return {detail: `application ${appId} has no Messages capability`, state: 'fail'}
    return ok('exists, with the Messages capability')
  } catch (error) {
    return couldNot(error)
  }
}

/** One Page's row: every check, the verdict, the reasons and fixes. */
async function checkPage(account: MessengerAccount, context: Context): Promise<PageStatus> {
  const [vonage, facebook] = await Promise.all([vonageChecks(account, context), facebookChecks(account, context)])
  const {days, ...facebookRows} = facebook
  const checks: PageChecks = {linked: ok('linked'), ...vonage, ...facebookRows}
  return statusRow(account.external_id, account.name, checks, account.applications[0], days)
}

function statusRow(
  page: string,
  name: string | undefined,
  checks: PageChecks,
  application?: string,
  days?: number | null,
): PageStatus {
  const failing = allChecks(checks).filter((check) => isProblem(check))
  return {
    ...(application ? {application} : {}),
    checks,
    ...(days === undefined ? {} : {days_left: days}),
    fixes: [...new Set(failing.flatMap((check) => (check.fix ? [check.fix] : [])))],
    name,
    page,
    reasons: [...new Set(failing.map((check) => check.detail))],
    verdict: verdictOf(checks),
  }
}

/** The row of a Page asked for with --page-id that is not linked at all. */
function notLinkedRow(pageId: string, bin: string): PageStatus {
  const skipped = notChecked('not linked')
  return statusRow(pageId, undefined, {
    application: skipped,
    application_ok: skipped,
    expiry: skipped,
    linked: {
      detail: 'not linked at Vonage: messages to it go nowhere',
      fix: `${bin} messenger:link --page ${pageId}`,
      state: 'fail',
    },
    page_managed: skipped,
    scopes: skipped,
    subscribed: skipped,
    token_valid: skipped,
  })
}

/** The Graph client of a status run and the Pages the user token manages. */
async function facebookContext(
  clients: Clients,
  cleanup: Cleanup,
  userToken: string,
  report: Reporter,
): Promise<FacebookContext> {
  const {graph, pages} = await userPages(clients, cleanup, userToken, report, MAX_CONCURRENCY)
  return {graph, managed: pages, userToken}
}

/** messenger:status: a row per linked Page (or per --page-id), streamed from the account list. */
export async function status(
  settings: StatusSettings,
  clients: Clients,
  report: Reporter,
): Promise<Finished<StatusReport>> {
  for (const id of settings.pageIds) checkPageId(id)
  const plan = await planLinkAuth(settings, clients.now())
  const credentials =
    plan.mode === 'api key' || plan.mode === 'temporary application'
      ? plan.credentials
      : await findCredentials({apiKey: settings.vonage.apiKey, apiSecret: settings.vonage.apiSecret})
  const {userToken} = settings.graph
  return withAccounts(
    clients,
    plan,
    report,
    async (accounts, cleanup) => {
      const facebook = userToken ? await facebookContext(clients, cleanup, userToken, report) : undefined
      const context: Context = {
        applicationChecks: new Map(),
        applications: credentials ? await clients.applications(credentials) : undefined,
        bin: settings.bin,
        facebook,
        now: clients.now(),
        warnDays: settings.warnDays,
      }
      const wanted = settings.pageIds.length > 0 ? new Set(settings.pageIds) : undefined
      const rows: PageStatus[] = []
      const progress = report.fleet('Checking')
      try {
        const {complete} = await forEachStreamed(
          accounts.batches(),
          FLEET_TASKS,
          async (account) => {
            if (wanted && !wanted.has(account.external_id)) return
            wanted?.delete(account.external_id)
            const row = await checkPage(account, context).catch((error: unknown) => {
              // a signal stopped its checks: the Page is not reported rather than reported half-checked
              if (stoppedBySignal(error) && cleanup.interrupted) return undefined
              throw error
            })
            if (!row) return
            rows.push(row)
            progress.finished(row.verdict === 'fail' ? 'failed' : 'ok')
          },
          {
            abort: cleanup.abortSignal,
            onBatch: (batch) =>
              progress.found(wanted ? batch.filter((account) => wanted.has(account.external_id)).length : batch.length),
          },
        )
        if (complete) for (const id of wanted ?? []) rows.push(notLinkedRow(id, settings.bin))
        return summarise(rows, settings.warnDays, complete)
      } catch (error) {
        // the list could not be read to its end: the rows checked so far go with the failure
        const message = `${messageOf(error)}; ${rows.length} Page(s) were checked before that`
        throw new PluginError(kindOf(error), message, {
          cause: error,
          result: {...summarise(rows, settings.warnDays, false)},
        })
      } finally {
        progress.end()
      }
    },
    MAX_CONCURRENCY,
  )
}

function summarise(rows: PageStatus[], warnDays: number, complete: boolean): StatusReport {
  const order = (row: PageStatus) => row.page
  rows.sort((a, b) => order(a).localeCompare(order(b), 'en', {numeric: true}))
  const counts = {fail: 0, ok: 0, warn: 0}
  for (const row of rows) counts[row.verdict] += 1
  return {counts, pages: rows, warn_days: warnDays, ...(complete ? {} : {incomplete: true as const})}
}

/** What a status run amounts to: its summary, and the failure (exit 11 or 10) when a row is not ok. */
export function judgeStatus(finished: Finished<StatusReport>): {summary: string; failure?: PluginError} {
  const {counts, incomplete, pages} = finished.value
  const summary = `${pages.length} Page(s): ${counts.ok} ok, ${counts.warn} warn, ${counts.fail} fail`
  const result = {result: {...finished.value}}
  if (finished.signal) {
    const message = incomplete
      ? `${finished.signal} stopped the checks: ${summary} so far; the rest of the linked Pages were not checked`
      : `${finished.signal} arrived after every Page was checked: ${summary}`
    return {failure: new PluginError(signalKind(finished.signal), message, result), summary}
  }

  const fixes = 'the fixes say what to run'
  if (counts.fail > 0) {
    const also = counts.warn > 0 ? `, ${counts.warn} more need attention` : ''
    const message = `${counts.fail} of ${pages.length} Page(s) fail a check${also}; ${fixes}`
    return {failure: new PluginError('failing', message, result), summary}
  }

  if (counts.warn > 0) {
    const message = `${counts.warn} of ${pages.length} Page(s) need attention; ${fixes}`
    return {failure: new PluginError('warning', message, result), summary}
  }

  return {summary}
}

const CELL: Record<CheckState, string> = {fail: 'FAIL', ok: 'ok', unknown: 'unknown', warn: 'warn'}

function daysCell(row: PageStatus): string {
  if (row.checks.token_valid.state === 'fail') return '-'
  if (row.checks.expiry.state === 'fail') return 'lapsed'
  if (row.days_left === null) return 'never'
  return row.days_left === undefined ? CELL[row.checks.expiry.state] : String(row.days_left)
}

/** Checks no Page could have: said once under the table, not on every Page's lines. */
const FOR_EVERY_PAGE = new Set([NEEDS_USER_TOKEN.detail, NEEDS_CREDENTIALS.detail])

/**
 * The human form: a table, a row per Page and a column per check, then each problem with its fix
 * (what no Page could be checked for, once). Empty when a signal stopped it before any Page.
 */
export function formatStatus(report: StatusReport): string {
  if (report.pages.length === 0) return report.incomplete ? '' : 'No Facebook Page is linked.'
  const header = [
    'PAGE ID',
    'NAME',
    'APPLICATION',
    'APP OK',
    'MANAGED',
    'TOKEN',
    'DAYS LEFT',
    'SCOPES',
    'SUBSCRIBED',
    'VERDICT',
  ]
  const rows = report.pages.map((row) => {
    const {checks} = row
    return [
      row.page,
      row.name ?? '',
      row.application ?? (checks.application.state === 'fail' ? 'none' : '-'),
      CELL[checks.application_ok.state],
      CELL[checks.page_managed.state],
      CELL[checks.token_valid.state],
      daysCell(row),
      CELL[checks.scopes.state],
      CELL[checks.subscribed.state],
      row.verdict.toUpperCase(),
    ]
  })
  const everyPage = new Set<string>()
  const problems = report.pages.flatMap((row) => {
    const lines = allChecks(row.checks)
      .filter((check) => isProblem(check))
      .filter((check) => !(FOR_EVERY_PAGE.has(check.detail) && everyPage.add(check.detail)))
      .map(
        (check) =>
          `${pageLabel({id: row.page, name: row.name})}: ${printable(check.detail)}${check.fix ? `; fix: ${check.fix}` : ''}`,
      )
    return [...new Set(lines)]
  })
  const notes = [...everyPage].map((detail) => `Not checked for any Page: ${detail.replace(/^unknown: /, '')}.`)
  const below = [...problems, ...notes]
  return [formatTable(header, rows), ...(below.length > 0 ? ['', ...below] : [])].join('\n')
}
