// The temporary Messages application of the manual flow ("Delete Me Later"), made so that none is
// ever left behind: recognisable by name, deleted again whenever its key cannot be kept, and
// looked up by its unique name after a failure that may or may not have created it.
import {randomBytes} from 'node:crypto'

import {type Cleanup, mapLimit} from './cleanup.js'
import {messageOf, PluginError} from './errors.js'
import {checkCanWrite, writeSecretFile} from './files.js'
import {isAmbiguous} from './http.js'
import type {CreatedApplication, VonageApplications, WebhookUrls} from './vonage.js'

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
    {manual: 'app:temp:delete --all'},
  )
  let application: CreatedApplication
  try {
    application = await client.createMessagesApplication(name, urls)
  } catch (error) {
    byName()
    if (!mayHaveCreated(error)) throw error
    const later = `if an application named ${name} shows up later, app:temp:delete --all removes it`
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
  const kind =
    report.deleted.length + report.missing.length > 0
      ? 'partial'
      : firstError.error instanceof PluginError
        ? firstError.error.kind
        : 'internal'
  const first = report.failed[0]
  const failure = new PluginError(
    kind,
    `could not delete ${report.failed.length} of ${unique.length} application(s); first: ${first.id}: ${first.error}`,
    {result: {...report}},
  )
  return {...report, failure}
}
