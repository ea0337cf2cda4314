// Work over every linked Page, for agencies with thousands: the streamed run (forEachStreamed: the
// account list read a page at a time, as the work needs it, a few Pages at once, stopping cleanly
// at a signal) and `messenger:relink --all` on it, optionally only for the Pages whose link lapses
// within some days. Requests go through one gate per service, paced to what each one allows.
import type {Cleanup, Finished} from './cleanup.js'
import type {Clients} from './clients.js'
import {AdaptiveGate, limiter, MAX_CONCURRENCY} from './concurrency.js'
import {batchFailureKind, kindOf, messageOf, PluginError, usageError} from './errors.js'
import type {ExternalAccounts, MessengerAccount} from './external-accounts.js'
import type {FacebookPage, Graph} from './facebook.js'
import {planLinkAuth} from './link-auth.js'
import {failedPage, relinkLine, type RelinkReport, type RelinkResult, relinkPage, withAccounts} from './linking.js'
import type {Reporter} from './output.js'
import {linkDaysLeft} from './pages.js'
import {reclaimIfGrown} from './memory.js'
import type {Outcome} from './progress.js'
import type {LinkingSettings} from './settings.js'

/** How many Pages are worked on at once: enough to keep the gates' paced requests flowing. */
export const FLEET_TASKS = 64

/** How many Pages may be unlinked at once by the fallback relink (DELETE + POST, where there is no PATCH). */
const FALLBACK_AT_ONCE = 4

/**
 * Runs `work` on each item of a list that arrives in batches, at most `limit` at a time, reading
 * the next batch only when the work is about to run short (so memory holds a batch or two, not the
 * list). Once `abort` fires, nothing more is started or read; what was read but not started is
 * returned, and `complete` says whether the whole list was worked through. A failure to read the
 * list (or of `work` itself) starts nothing more and is thrown once the work under way has finished.
 */
export async function forEachStreamed<T>(
  batches: AsyncIterable<T[]>,
  limit: number,
  work: (item: T) => Promise<void>,
  options: {abort: AbortSignal; onBatch?: (items: T[]) => void},
): Promise<{complete: boolean; unstarted: T[]}> {
  const iterator = batches[Symbol.asyncIterator]()
  const queue: T[] = []
  let exhausted = false
  let readFailure: {error: unknown} | undefined
  let reading: Promise<void> | undefined
  const read = () =>
    (reading ??= iterator
      .next()
      .then(
        (next) => {
          if (next.done) {
            exhausted = true
            return
          }

          options.onBatch?.(next.value)
          queue.push(...next.value)
        },
        (error: unknown) => {
          // no more of the list: the work under way finishes, then this failure is thrown
          readFailure = {error}
          exhausted = true
        },
      )
      .finally(() => {
        reading = undefined
      }))

  let broken = false
  let done = 0
  const worker = async () => {
    for (;;) {
      if (options.abort.aborted || broken) return
      if (queue.length < limit && !exhausted) {
        const ahead = read()
        if (queue.length === 0) {
          await ahead
          continue
        }
      }

      const item = queue.shift()
      if (item === undefined) return
      try {
        await work(item)
        done += 1
        if (done % 16 === 0) reclaimIfGrown()
      } catch (error) {
        // a bug in the work, not a Page's failure (the work reports those): stop starting more
        broken = true
        throw error
      }
    }
  }

  const settled = await Promise.allSettled(Array.from({length: Math.max(1, limit)}, worker))
  if (!exhausted) await iterator.return?.(undefined)
  // after a signal, a read that was under way fails for that reason: the list is just not read to its end
  if (readFailure && !options.abort.aborted) throw readFailure.error
  const failure = settled.find((outcome) => outcome.status === 'rejected')
  if (failure) throw failure.reason
  return {complete: exhausted && readFailure === undefined && queue.length === 0, unstarted: queue.splice(0)}
}

export interface RelinkFleetSettings extends LinkingSettings {
  /** The most requests at once to each service (default: as many as each answers well, up to MAX_CONCURRENCY). */
  concurrency?: number
  /** Only the Pages whose link lapses within this many days (or is invalid already). */
  expiringWithin?: number
  /** How the user runs this CLI, for the commands messages give. */
  bin: string
}

/** What debug_token says of a linked Page's stored token: whether it must be re-linked within `days`. */
async function needsRelink(
  graph: Graph,
  account: MessengerAccount,
  userToken: string,
  days: number,
  now: number,
): Promise<{due: boolean; valid: boolean; daysLeft?: number}> {
  const info = await graph.debugToken(account.access_token, userToken, 'the user token')
  const daysLeft = linkDaysLeft(info, now)
  const due = !info.is_valid || (daysLeft !== undefined && daysLeft <= days)
  return {...(daysLeft === undefined ? {} : {daysLeft}), due, valid: info.is_valid}
}

/**
 * messenger:relink --all: every linked Page the user token manages, streamed from the account list,
 * one line per Page as it finishes. With `expiringWithin`, a Page whose stored token is valid for
 * longer is skipped (no write), so a scheduled run is cheap and a re-run does only what is left.
 */
export async function relinkFleet(
  settings: RelinkFleetSettings,
  clients: Clients,
  report: Reporter,
): Promise<Finished<RelinkReport>> {
  const plan = await planLinkAuth(settings, clients.now())
  const {userToken} = settings.graph
  if (!userToken) {
    throw usageError(
      '--all needs a user token (--user-token or FACEBOOK_USER_TOKEN) to find your Pages and their fresh tokens',
    )
  }

  const max = settings.concurrency ?? MAX_CONCURRENCY
  const finished = await withAccounts(
    clients,
    plan,
    report,
    async (accounts, cleanup) => {
      const {graph, pages} = await userPages(clients, cleanup, userToken, report, max)
      return relinkStreamed(accounts, graph, pages, {...settings, cleanup, now: clients.now, report, userToken})
    },
    max,
  )
  for (const id of finished.value.unreachable ?? []) {
    report.warning(`${id} is linked but not among the Pages this user token manages; left alone`)
  }

  return finished
}

/**
 * A fleet run's Graph client — its own gate, paced apart from Vonage's and closed by a signal —
 * and the Pages the user token manages, by id, read a page of /me/accounts at a time.
 */
export async function userPages(
  clients: Clients,
  cleanup: Cleanup,
  userToken: string,
  report: Reporter,
  max: number,
): Promise<{graph: Graph; pages: Map<string, FacebookPage>}> {
  const graph = clients.graphWith(new AdaptiveGate({abort: cleanup.abortSignal, max}))
  const pages = new Map<string, FacebookPage>()
  await report.progress('Listing your Pages', async () => {
    for await (const batch of graph.pageBatches(userToken)) for (const page of batch) pages.set(page.id, page)
  })
  return {graph, pages}
}

const OUTCOMES: Record<RelinkResult['status'], Outcome> = {
  failed: 'failed',
  relinked: 'ok',
  skipped: 'skipped',
  stopped: 'stopped',
}

async function relinkStreamed(
  accounts: ExternalAccounts,
  graph: Graph,
  pages: Map<string, FacebookPage>,
  options: RelinkFleetSettings & {cleanup: Cleanup; now: () => number; report: Reporter; userToken: string},
): Promise<RelinkReport> {
  const {cleanup, expiringWithin, report, userToken} = options
  const results: RelinkResult[] = []
  const unreachable: string[] = []
  const support = {available: true}
  const progress = report.fleet('Re-linking')
  // A Page that lost its link (its relink and the restore both failed) stops the run: whatever
  // failed it would likely fail the next Pages too, and each would be left unlinked.
  const halt = new AbortController()
  const haltReason = new PluginError('interrupted', 'a Page lost its link')
  let halted: string | undefined
  const record = (result: RelinkResult) => {
    results.push(result)
    progress.finished(OUTCOMES[result.status], relinkLine(result))
    if (result.status === 'failed' && result.previous_link_kept === false && !halted) {
      halted = `Page ${result.page} lost its link, so no further Page was started`
      halt.abort(haltReason)
    }
  }

  // Where Vonage has no PATCH, a relink unlinks the Page until it is linked again: a few at a time,
  // and none once one has lost its link (decided before its turn goes to the next Page).
  const fallbackSlot = limiter(FALLBACK_AT_ONCE)
  const fallbackGate = <T>(work: () => Promise<T>) =>
    fallbackSlot(async () => {
      halt.signal.throwIfAborted()
      try {
        return await work()
      } catch (error) {
        if (error instanceof PluginError && error.result?.previous_link_kept === false) halt.abort(haltReason)
        throw error
      }
    })
  const stoppedBy = (error: unknown) => error === cleanup.abortSignal.reason || error === halt.signal.reason

  const stopped = (page: FacebookPage): RelinkResult => ({
    name: page.name,
    page: page.id,
    previous_link_kept: true,
    status: 'stopped',
  })
  const relinkOne = async (account: MessengerAccount, page: FacebookPage): Promise<RelinkResult> => {
    try {
      cleanup.checkpoint()
      if (expiringWithin !== undefined) {
        const {daysLeft, due, valid} = await needsRelink(graph, account, userToken, expiringWithin, options.now())
        if (!due) return {days_left: daysLeft, name: page.name, page: page.id, status: 'skipped'}
        if (page.access_token === account.access_token) {
          const when =
            daysLeft === undefined || !valid
              ? 'is no longer valid'
              : daysLeft <= 0
                ? 'has lapsed'
                : `lapses in ${daysLeft} day(s)`
          throw new PluginError(
            'auth',
            `Facebook gives the same Page token, which ${when}, so re-linking changes nothing: log in to Facebook again (a fresh user token) and run this again`,
            {result: {previous_link_kept: true}},
          )
        }

        cleanup.checkpoint()
      }

      return await relinkPage(
        accounts,
        {id: page.id, name: page.name, token: page.access_token},
        {bin: options.bin, cleanup, fallbackGate, onFallback: report.warning, previous: account, support},
      )
    } catch (error) {
      // Stopped before or during its steps: no new step was sent, and the fallback's undo restores
      // a Page it had unlinked.
      if (stoppedBy(error)) return stopped(page)
      return failedPage(error, page, (error as PluginError).result?.previous_link_kept !== false)
    }
  }

  try {
    const {complete, unstarted} = await forEachStreamed(
      accounts.batches(),
      // --concurrency N: N Pages at a time, as it says; else enough to keep the paced requests flowing
      options.concurrency ?? FLEET_TASKS,
      async (account) => {
        const page = pages.get(account.external_id)
        if (!page) {
          unreachable.push(account.external_id)
          return
        }

        record(await relinkOne(account, page))
      },
      {
        abort: AbortSignal.any([cleanup.abortSignal, halt.signal]),
        onBatch: (batch) => progress.found(batch.filter((account) => pages.has(account.external_id)).length),
      },
    )
    for (const account of unstarted) {
      const page = pages.get(account.external_id)
      if (page) record(stopped(page))
    }

    return {...(complete ? {} : {incomplete: true as const}), ...(halted ? {halted} : {}), results, unreachable}
  } catch (error) {
    if (cleanup.interrupted) return {incomplete: true, results, unreachable}
    // The list could not be read to its end: what was done is said, then the failure.
    const relinked = results.filter((result) => result.status === 'relinked').length
    const message = `${messageOf(error)}; ${relinked} Page(s) were re-linked before that, the rest keep their links`
    throw new PluginError(batchFailureKind(relinked, kindOf(error)), message, {
      cause: error,
      result: {incomplete: true, results, unreachable},
    })
  } finally {
    progress.end()
  }
}
