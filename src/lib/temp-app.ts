// The temporary Messages application of the manual flow ("Delete Me Later"), made so that none is
// ever left behind: recognisable by name, deleted again whenever its key cannot be kept, and
// looked up by its unique name after a failure that may or may not have created it.
import {randomBytes} from 'node:crypto'

import type {ApplicationSummary, CreatedApplication, VonageApplications, WebhookUrls} from './applications.js'
import {type Cleanup, signalKind, withCleanup} from './cleanup.js'
import {mapLimit} from './concurrency.js'
import {batchFailureKind, kindOf, messageOf, PluginError, usageError} from './errors.js'
import {checkCanWrite, writeSecretFile} from './files.js'
import {isAmbiguous} from './http.js'
import type {Reporter} from './output.js'
import {confirmOrRefuse} from './prompts.js'

export const TEMP_PREFIX = 'messenger-link-temp-'
export const DEFAULT_WEBHOOKS: WebhookUrls = {
  inboundUrl: 'https://example.com/webhooks/inbound',
  statusUrl: 'https://example.com/webhooks/status',
}

/**
 * messenger-link-temp-[LABEL-]20261129-131242-a1b2c3: marked as temporary (app:temp:delete deletes
 * only such names), sortable, and unique, so that looking it up by name after an ambiguous failure
 * can never find an application someone else made.
 */
export function tempApplicationName(label?: string, now = new Date()): string {
  const stamp = now.toISOString().replaceAll(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const given = label?.trim().replace(new RegExp(`^${TEMP_PREFIX}`), '')
  return `${TEMP_PREFIX}${given ? `${given}-` : ''}${stamp}-${randomBytes(3).toString('hex')}`
}

/**
 * Creates the application with `cleanup` aware of it from before the request is sent: whatever
 * ends the command early — an interruption, a failure of a later step — deletes it again, looked up
 * by its unique name when its id never arrived. After an ambiguous failure of the create call
 * itself, it is looked up at once. `keep()` withdraws the deletion once the application is wanted.
 */
export async function createTempApplication(
  client: VonageApplications,
  name: string,
  urls: WebhookUrls,
  cleanup: Cleanup,
): Promise<{application: CreatedApplication; keep: () => void}> {
  const byName = cleanup.add(
    `delete the application named ${name}, if it was created`,
    async () =>
      (await removeByName(client, name)) === 'deleted'
        ? `application ${name} had been created; it was deleted again`
        : `no application ${name} was created`,
    // --prefix with the whole unique name: that application alone, never another run's
    {manual: `app:temp:delete --all --prefix ${name}`},
  )
  let application: CreatedApplication
  try {
    application = await client.createMessagesApplication(name, urls)
  } catch (error) {
    byName()
    if (!mayHaveCreated(error)) throw error
    const later = `if an application named ${name} shows up later, app:temp:delete --all --prefix ${name} removes it`
    // A request that got no answer may still be under way at Vonage: not finding it yet proves nothing.
    const answered = error instanceof PluginError && error.kind !== 'network'
    const note = await removeByName(client, name).then(
      (removed) =>
        removed === 'deleted'
          ? 'it had been created anyway and was deleted again'
          : answered
            ? 'it was not created'
            : `it is not there yet; ${later}`,
      (error: unknown) => (error instanceof CreatedButNotDeleted ? error.message : later),
    )
    throw new PluginError((error as PluginError).kind, `${(error as Error).message} (${note})`, {
      cause: error,
      status: (error as PluginError).status,
    })
  }

  byName()
  const keep = cleanup.add(
    `delete temporary application ${application.id}`,
    async () => void (await client.deleteApplication(application.id)),
    {
      done: `temporary application ${application.id} deleted`,
      manual: `app:temp:delete ${application.id}`,
    },
  )
  return {application, keep}
}

/** Failures after which the application may exist: no answer, a 5xx, or an answer we could not use. */
function mayHaveCreated(error: unknown): boolean {
  return isAmbiguous(error) || (error instanceof PluginError && error.kind === 'remote' && (error.status ?? 200) < 300)
}

/** An application found by its name after an ambiguous create, which could not be deleted. */
class CreatedButNotDeleted extends PluginError {
  constructor(message: string, options: {cause: unknown}) {
    super('remote', message, options)
  }
}

/**
 * Deletes every application with this exact (unique, generated) name: "none" when there was none,
 * "deleted" when there was and it is gone; a failed delete throws an error naming the application
 * and the command that removes it. A failed look-up throws as it came.
 */
async function removeByName(client: VonageApplications, name: string): Promise<'deleted' | 'none'> {
  const matches = (await client.listApplications()).filter((application) => application.name === name)
  for (const application of matches) {
    await client.deleteApplication(application.id).catch((error: unknown) => {
      throw new CreatedButNotDeleted(
        `application ${application.id} had been created, and deleting it failed (${messageOf(error)}); run: app:temp:delete ${application.id}`,
        {cause: error},
      )
    })
  }

  return matches.length > 0 ? 'deleted' : 'none'
}

/** What app:temp made: the application, and where its private key is. */
export interface AppTempResult {
  id: string
  name: string
  keyfile: string
}

export interface TempAppWithKey {
  name: string
  keyfile: string
  force?: boolean
  urls?: WebhookUrls
}

/**
 * app:temp: the application plus its private key on disk (0600, atomic), or neither. The key is
 * written and the application kept in one step with no checkpoint between them, so an interruption
 * either deletes the application before its key is written or finds both done.
 */
export async function createTempApplicationWithKey(
  client: VonageApplications,
  options: TempAppWithKey,
  cleanup: Cleanup,
): Promise<CreatedApplication> {
  const what = 'private key'
  await checkCanWrite(options.keyfile, {force: options.force, what})
  cleanup.checkpoint()
  const {application, keep} = await createTempApplication(
    client,
    options.name,
    options.urls ?? DEFAULT_WEBHOOKS,
    cleanup,
  )
  cleanup.checkpoint()
  try {
    await writeSecretFile(options.keyfile, application.privateKey, {force: options.force, what})
  } catch (error) {
    keep()
    const undone = await client.deleteApplication(application.id).then(
      () => `application ${application.id} was deleted again`,
      (deleteError) =>
        `application ${application.id} could not be deleted either (${messageOf(deleteError)}): run app:temp:delete ${application.id}`,
    )
    throw new PluginError((error as PluginError).kind ?? 'internal', `${messageOf(error)}; ${undone}`, {cause: error})
  }

  keep()
  return application
}

export interface DeleteReport {
  deleted: string[]
  missing: string[]
  failed: Array<{id: string; error: string}>
  /** Not tried, because a signal arrived first. */
  skipped?: string[]
}

/**
 * Deletes each application, a few at a time, and reports what became of each; none is started
 * once `stopped()` says so (a signal arrived): those are reported as skipped.
 */
export async function deleteApplications(
  client: VonageApplications,
  ids: string[],
  {concurrency = 4, stopped = () => false}: {concurrency?: number; stopped?: () => boolean} = {},
): Promise<DeleteReport & {failure?: PluginError}> {
  const unique = [...new Set(ids)]
  const outcomes = await mapLimit(unique, concurrency, async (id) => {
    if (stopped()) return {id, result: 'skipped' as const}
    return client.deleteApplication(id).then(
      (result) => ({id, result}),
      (error: unknown) => ({error, id, result: 'failed' as const}),
    )
  })
  const having = (result: string) =>
    outcomes.filter((outcome) => outcome.result === result).map((outcome) => outcome.id)
  const report: DeleteReport = {
    deleted: having('deleted'),
    failed: outcomes.flatMap((outcome) =>
      'error' in outcome ? [{error: messageOf(outcome.error), id: outcome.id}] : [],
    ),
    missing: having('missing'),
    ...(having('skipped').length > 0 ? {skipped: having('skipped')} : {}),
  }
  if (report.failed.length === 0) return report
  const firstError = outcomes.find((outcome) => 'error' in outcome) as {error: unknown}
  const kind = batchFailureKind(report.deleted.length + report.missing.length, kindOf(firstError.error))
  const first = report.failed[0]
  const failure = new PluginError(
    kind,
    `could not delete ${report.failed.length} of ${unique.length} application(s); first: ${first.id}: ${first.error}`,
    {result: {...report}},
  )
  return {...report, failure}
}

export interface DeleteSettings {
  /** Application ids given; each is deleted only when its name marks it as made here, or with `force`. */
  ids: string[]
  /** Instead of ids: every application whose name starts with `prefix`. */
  all: boolean
  prefix: string
  force: boolean
  /** Confirmed already: ask nothing. */
  yes: boolean
}

interface Targets {
  targets: string[]
  /** Ids given that no application has: already gone. */
  missing: string[]
}

/**
 * app:temp:delete: the applications chosen (by id, each checked as made here; or all named with
 * the prefix, after confirming), deleted a few at a time. A signal stops new deletions; the report
 * holds those done, and the failure (if any) says which were not.
 */
export async function deleteTemporaryApplications(
  settings: DeleteSettings,
  connect: () => Promise<VonageApplications>,
  report: Reporter,
): Promise<{report: DeleteReport; failure?: PluginError}> {
  const {all, ids, prefix} = settings
  if (ids.length === 0 && !all) throw usageError('give the ids of the applications to delete, or --all')
  if (ids.length > 0 && all) throw usageError('give application ids or --all, not both')
  if (prefix.trim().length < 3) {
    throw usageError('--prefix must have at least 3 characters, so that --all cannot match every application')
  }

  if (!all && prefix !== TEMP_PREFIX) {
    throw usageError(
      '--prefix goes with --all; an application given by id is deleted only when app:temp made it, or with --force',
    )
  }

  const client = await connect()
  const {missing, targets} = all
    ? await chooseByPrefix(client, settings, report)
    : await checkMadeHere(client, settings, report)
  const finished = await withCleanup((cleanup) =>
    report.progress(`Deleting ${targets.length} application(s)`, () =>
      deleteApplications(client, targets, {stopped: () => cleanup.interrupted !== undefined}),
    ),
  )
  const {failure, ...done} = finished.value
  done.missing.push(...missing)
  if (!finished.signal) return {failure, report: done}
  const left = done.skipped?.length ? `; not deleted: ${done.skipped.join(', ')}` : ''
  const message = `${finished.signal}: stopped after deleting ${done.deleted.length} of ${targets.length} application(s)${left}`
  return {failure: new PluginError(signalKind(finished.signal), message, {result: {...done}}), report: done}
}

/** --all: the applications named with the prefix, after confirming. */
async function chooseByPrefix(
  client: VonageApplications,
  {prefix, yes}: DeleteSettings,
  report: Reporter,
): Promise<Targets> {
  const listed = await report.progress('Listing applications', () => client.listApplications())
  const found = listed.filter((app) => app.name.startsWith(prefix))
  if (found.length === 0) {
    report.notice(`No application's name starts with ${JSON.stringify(prefix)}; nothing to delete.`)
    return {missing: [], targets: []}
  }

  const lines = found.map((app) => `  ${app.id}  ${JSON.stringify(app.name)}`)
  report.notice(`${found.length} application(s) named ${JSON.stringify(`${prefix}…`)}:\n${lines.join('\n')}`)
  const confirmed = await confirmOrRefuse(`Delete these ${found.length} application(s)?`, {
    refusal: `not deleting ${found.length} application(s)`,
    yes,
  })
  return {missing: [], targets: confirmed ? found.map((app) => app.id) : declined(report)}
}

function declined(report: Reporter): string[] {
  report.notice('Nothing was deleted.')
  return []
}

/**
 * Ids given: each is looked up, and one whose name does not mark it as temporary is refused —
 * a command named "temp delete" must not delete a production application by a pasted id — unless
 * --force is given, and then only after confirming. Ids already gone are left out.
 */
async function checkMadeHere(
  client: VonageApplications,
  {force, ids, yes}: DeleteSettings,
  report: Reporter,
): Promise<Targets> {
  const found = await report.progress('Reading the applications', () =>
    mapLimit(ids, 4, (id) => client.getApplication(id)),
  )
  const existing = found.filter((app): app is ApplicationSummary => app !== undefined)
  const foreign = existing.filter((app) => !app.name.startsWith(TEMP_PREFIX))
  if (foreign.length > 0) {
    const named = foreign.map((app) => `${app.id} (${JSON.stringify(app.name)})`).join(', ')
    if (!force) {
      throw new PluginError(
        'usage',
        `not deleting ${named}: its name does not start with ${JSON.stringify(TEMP_PREFIX)}, so app:temp did not make it; pass --force to delete it anyway`,
      )
    }

    const confirmed = await confirmOrRefuse(`Delete ${named}, which app:temp did not make?`, {
      refusal: `not deleting ${named}`,
      yes,
    })
    if (!confirmed) return {missing: [], targets: declined(report)}
  }

  return {missing: ids.filter((_id, index) => found[index] === undefined), targets: existing.map((app) => app.id)}
}
