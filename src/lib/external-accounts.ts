// Vonage's External Accounts API (beta), the linking calls the hosted "Subscribe" page makes:
// link, read, update, unlink and list Messenger accounts, and link one Messages application to one.
import {PluginError, showInput, usageError} from './errors.js'
import {type HttpAnswer, HttpClient, type HttpSettings, objectBody} from './http.js'

const ROOT = '/beta/chatapp-accounts'

/** A linked Facebook Page as Vonage holds it. The access token stays inside the library. */
export interface MessengerAccount {
  external_id: string
  name?: string
  applications: string[]
  access_token: string
}

/** What may be shown or printed: the account without its token. */
export type PublicAccount = Omit<MessengerAccount, 'access_token'>

export function publicAccount({access_token: _token, ...account}: MessengerAccount): PublicAccount {
  return account
}

/** Facebook Page ids are numbers; anything else would change the request's path. */
export function checkPageId(id: string): string {
  if (!/^\d{1,32}$/.test(id))
    throw usageError(`${showInput(id)} is not a Facebook Page id (a number such as 104857412345678)`)
  return id
}

/** Answers to a PATCH that are not failures of the request, but say the service will not do it this way. */
const UPDATE_REFUSALS = [404, 405, 501] as const

export class ExternalAccounts {
  private readonly http: HttpClient

  /**
   * `settings.authorize` makes each request's Authorization header:
   * "Bearer <JWT>" (as the manual flow) or "Basic …".
   */
  constructor(private readonly settings: Omit<HttpSettings, 'service'>) {
    this.http = new HttpClient({...settings, service: 'Vonage'})
  }

  /**
   * The same client without the fleet's gate: for putting back what a signal interrupted, which
   * must go out even though the gate, once the signal arrived, lets no new request through.
   */
  ungated(): ExternalAccounts {
    return this.settings.gate ? new ExternalAccounts({...this.settings, gate: undefined}) : this
  }

  /** The account, or undefined when the Page is not linked. */
  async get(pageId: string): Promise<MessengerAccount | undefined> {
    const action = `reading the link of Page ${pageId}`
    const answer = await this.http.request('GET', `${ROOT}/messenger/${encodeURIComponent(checkPageId(pageId))}`, {
      accept: [404],
      action,
    })
    return answer.status === 404 ? undefined : toAccount(objectBody(answer, this.http.settings, action))
  }

  /** POST /messenger: "Subscribe". Not retried; callers read back after an ambiguous failure. */
  async create(account: {
    pageId: string
    token: string
    name?: string
    applications?: string[]
  }): Promise<MessengerAccount> {
    const action = `linking Page ${account.pageId}`
    const body = {
      access_token: account.token,
      external_id: checkPageId(account.pageId),
      ...(account.name === undefined ? {} : {name: account.name}),
      ...(account.applications?.length ? {applications: account.applications} : {}),
    }
    const answer = await this.http.request('POST', `${ROOT}/messenger`, {
      action,
      body,
      failure: applicationRefused(account.applications ?? []),
    })
    return toAccount(objectBody(answer, this.http.settings, action))
  }

  /**
   * PATCH: changes the token and/or the name of a linked Page, which stays linked
   * throughout. Not retried; callers read back after an ambiguous failure. `{status}` when the
   * service turns the request down without an error of ours: 404 (no such account, or no such
   * route), 405 or 501 (no PATCH here).
   */
  async update(
    pageId: string,
    changes: {token?: string; name?: string},
  ): Promise<{account: MessengerAccount} | {status: 404 | 405 | 501}> {
    const action = `re-linking Page ${pageId}`
    const body = {
      ...(changes.token === undefined ? {} : {access_token: changes.token}),
      ...(changes.name === undefined ? {} : {name: changes.name}),
    }
    const answer = await this.http.request('PATCH', `${ROOT}/messenger/${encodeURIComponent(checkPageId(pageId))}`, {
      accept: [...UPDATE_REFUSALS],
      action,
      body,
    })
    const refused = UPDATE_REFUSALS.find((status) => status === answer.status)
    if (refused !== undefined) return {status: refused}
    return {account: toAccount(objectBody(answer, this.http.settings, action))}
  }

  /** DELETE: "Unsubscribe". An account that is already gone is reported, not an error. */
  async delete(pageId: string): Promise<'deleted' | 'missing'> {
    const answer = await this.http.request('DELETE', `${ROOT}/messenger/${encodeURIComponent(checkPageId(pageId))}`, {
      accept: [404],
      action: `unlinking Page ${pageId}`,
    })
    return answer.status === 404 ? 'missing' : 'deleted'
  }

  async linkApplication(pageId: string, applicationId: string): Promise<MessengerAccount> {
    const action = `linking application ${applicationId} to Page ${pageId}`
    const path = `${ROOT}/messenger/${encodeURIComponent(checkPageId(pageId))}/applications`
    const answer = await this.http.request('POST', path, {
      action,
      body: {application: applicationId},
      failure: applicationRefused([applicationId]),
    })
    return toAccount(objectBody(answer, this.http.settings, action))
  }

  /** Detaches the application; the Page stays linked. 'not linked' when Vonage says it was not (409). */
  async unlinkApplication(pageId: string, applicationId: string): Promise<'unlinked' | 'not linked'> {
    const path = `${ROOT}/messenger/${encodeURIComponent(checkPageId(pageId))}/applications/${encodeURIComponent(applicationId)}`
    const answer = await this.http.request('DELETE', path, {
      accept: [409],
      action: `unlinking application ${applicationId} from Page ${pageId}`,
    })
    return answer.status === 409 ? 'not linked' : 'unlinked'
  }

  /** Every linked Messenger account, following the HAL `_links.next` chain to its end. */
  async list(): Promise<MessengerAccount[]> {
    const accounts: MessengerAccount[] = []
    for await (const batch of this.batches()) accounts.push(...batch)
    return accounts
  }

  /**
   * The linked Messenger accounts, one page of the list (up to 100) at a time as it arrives, so that
   * a fleet of thousands is never all held at once.
   */
  async *batches(): AsyncGenerator<MessengerAccount[]> {
    const seen = new Set<string>()
    let next: string | undefined = `${ROOT}?provider=messenger&page_size=100`
    while (next !== undefined) {
      if (seen.has(next) || seen.size >= 1000)
        throw new PluginError('remote', 'Vonage sent a list of accounts whose pages never end; giving up')
      seen.add(next)
      const action = 'listing the linked accounts'
      const page = objectBody(await this.http.request('GET', next, {action}), this.http.settings, action)
      const embedded = page._embedded
      const items = Array.isArray(embedded)
        ? embedded
        : ((embedded as {accounts?: unknown[]} | undefined)?.accounts ?? [])
      const accounts: MessengerAccount[] = []
      for (const item of items) {
        const account = toAccount(item as Record<string, unknown>)
        const {provider} = item as {provider?: string}
        if (provider === undefined || provider === 'messenger') accounts.push(account)
      }

      next = (page._links as {next?: {href?: string}} | undefined)?.next?.href || undefined
      yield accounts
    }
  }
}

/**
 * A 403 to a write that names an application means that application does not exist or is not a
 * Messages application (the spec's words): a not-found, not a problem with the credentials.
 */
function applicationRefused(applications: string[]): ((answer: HttpAnswer) => PluginError | undefined) | undefined {
  if (applications.length === 0) return undefined
  return (answer) =>
    answer.status === 403
      ? new PluginError(
          'not-found',
          `Vonage refused application ${applications.join(', ')}: it does not exist in this account or is not a Messages application (check it with the dashboard or the Applications API)`,
          {status: 403},
        )
      : undefined
}

function toAccount(body: Record<string, unknown>): MessengerAccount {
  if (typeof body.external_id !== 'string')
    throw new PluginError('remote', 'Vonage answered with an account that has no external_id')
  return {
    access_token: typeof body.access_token === 'string' ? body.access_token : '',
    applications: Array.isArray(body.applications)
      ? body.applications.filter((id): id is string => typeof id === 'string')
      : [],
    external_id: body.external_id,
    ...(typeof body.name === 'string' ? {name: body.name} : {}),
  }
}
