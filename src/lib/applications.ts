// The one place that talks to Vonage's Applications API. It uses the SDK's own
// @vonage/applications module rather than all of @vonage/server-sdk (same code, a fraction of the
// start-up cost), loaded only when a command needs it, and turns SDK failures into typed errors.
import type {Applications} from '@vonage/applications'
import {createRequire} from 'node:module'

import type {Credentials} from './credentials.js'
import {PluginError, showInput, usageError} from './errors.js'
import {
  errorFromNetwork,
  errorFromStatus,
  isAmbiguous,
  refused,
  type RetryPolicy,
  type ServiceContext,
  withRetries,
} from './http.js'

export const DEFAULT_API_HOST = 'https://api.nexmo.com'

export interface ApplicationSummary {
  id: string
  name: string
  /** Has the Messages capability (the only kind a Page can be linked to). */
  messages: boolean
}

export interface CreatedApplication extends ApplicationSummary {
  /** PEM; returned by Vonage only in the answer to the create call. */
  privateKey: string
}

export interface WebhookUrls {
  inboundUrl: string
  statusUrl: string
}

export interface VonageSettings {
  credentials: Credentials
  apiHost: string
  timeoutMs: number
  /** How reads and deletes are repeated; the same policy as every other idempotent call. */
  retry?: RetryPolicy
}

/** Application ids are UUIDs; anything with other characters would change the request's path. */
export function checkApplicationId(id: string): string {
  if (!/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(id)) {
    throw usageError(`${showInput(id)} is not an application id (a UUID such as 2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f)`)
  }

  return id
}

/**
 * The SDK logs whole requests and answers (the Authorization header, private keys) through the
 * `debug` package: keep its namespace out of DEBUG=*. Setting the variable is not enough — the
 * `debug` instance oclif already loaded has read it — so the SDK's own instance is re-enabled too.
 */
function silenceSdkDebug(): void {
  if (!process.env.DEBUG || process.env.DEBUG.includes('-vonage:')) return
  process.env.DEBUG += ',-vonage:*'
  try {
    const require = createRequire(import.meta.url)
    const debug = createRequire(require.resolve('@vonage/server-client'))('debug') as {
      disable(): string
      enable(namespaces: string): void
    }
    debug.enable(`${debug.disable()},-vonage:*`)
  } catch {
    // no separate debug instance to adjust: the variable above is what it will read
  }
}

export class VonageApplications {
  private constructor(
    private readonly sdk: Applications,
    private readonly context: ServiceContext,
    private readonly credentialsSource: string,
    private readonly retry: RetryPolicy,
  ) {}

  static async connect(settings: VonageSettings): Promise<VonageApplications> {
    silenceSdkDebug()
    const {Applications} = await import('@vonage/applications')
    const {apiKey, apiSecret, source} = settings.credentials
    // privateKey '': the SDK's Auth asks fs.existsSync(privateKey), which Node 24 warns about (DEP0187,
    // on stderr) when it is undefined; an empty string is a path that does not exist, and signs nothing
    const sdk = new Applications(
      {apiKey, apiSecret, privateKey: ''},
      {apiHost: settings.apiHost, timeout: settings.timeoutMs},
    )
    return new VonageApplications(
      sdk,
      {host: settings.apiHost, service: 'Vonage', timeoutMs: settings.timeoutMs},
      source,
      settings.retry ?? {},
    )
  }

  async createMessagesApplication(name: string, urls: WebhookUrls): Promise<CreatedApplication> {
    // a 429 refused the create before it was acted on: it is sent again, like any write (http.ts)
    const retryRefused = {...this.retry, retryIf: refused}
    const created = await withRetries(retryRefused, () =>
      this.call('creating the application', () =>
        this.sdk.createApplication({
          capabilities: {
            messages: {
              version: 'v1',
              webhooks: {
                inboundUrl: {address: urls.inboundUrl, httpMethod: 'POST'},
                statusUrl: {address: urls.statusUrl, httpMethod: 'POST'},
              },
            },
          },
          name,
        } as Parameters<Applications['createApplication']>[0]),
      ),
    )
    if (typeof created?.id !== 'string')
      throw new PluginError('remote', 'Vonage answered the create call without an application id')
    const privateKey = (created.keys as {privateKey?: string} | undefined)?.privateKey
    if (!privateKey)
      throw new PluginError(
        'remote',
        `Vonage created application ${created.id} but returned no private key; delete it with app:temp:delete ${created.id}`,
      )
    return {id: created.id, messages: true, name: created.name, privateKey}
  }

  /**
   * Every application of the account, page by page; the whole listing is read again if a page
   * fails. A page that is not a list (an HTML page with a 200) is a remote error, never "none".
   */
  async listApplications(): Promise<ApplicationSummary[]> {
    return this.idempotent('listing the applications', async () => {
      const all: ApplicationSummary[] = []
      for (let page = 1; ; page += 1) {
        const answer = (await this.sdk.getApplicationPage({page, pageSize: 100})) as {
          _embedded?: {applications?: unknown}
          _links?: {next?: unknown}
        }
        const items = answer?._embedded?.applications
        if (!Array.isArray(items))
          throw new PluginError(
            'remote',
            'Vonage answered the list of applications with something that is not a list of applications',
          )
        all.push(...items.map((item) => summary(item)))
        if (!answer._links?.next || items.length === 0) return all
        if (page >= 1000)
          throw new PluginError('remote', 'Vonage sent a list of applications whose pages never end; giving up')
      }
    })
  }

  /** The application, or undefined when there is none with this id. */
  async getApplication(id: string): Promise<ApplicationSummary | undefined> {
    checkApplicationId(id)
    try {
      return summary(await this.idempotent(`reading application ${id}`, () => this.sdk.getApplication(id)))
    } catch (error) {
      if (error instanceof PluginError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  /**
   * Deletes an application; one that is already gone is reported, not an error. A DELETE that
   * failed in a way that may hide a success (a 5xx, a timeout, a reset) is repeated, and if it still
   * fails the application is looked up: gone means deleted.
   */
  async deleteApplication(id: string): Promise<'deleted' | 'missing'> {
    checkApplicationId(id)
    let unsure = false
    try {
      const action = `deleting application ${id}`
      await withRetries(this.retry, () =>
        this.call(action, () => this.sdk.deleteApplication(id)).catch((error: unknown) => {
          unsure ||= isAmbiguous(error)
          throw error
        }),
      )
      return 'deleted'
    } catch (error) {
      // a 404 after an attempt that may have worked is that attempt's success
      if (error instanceof PluginError && error.kind === 'not-found') return unsure ? 'deleted' : 'missing'
      if (!isAmbiguous(error)) throw error
      const still = await this.getApplication(id).catch(() => 'unknown' as const)
      if (still === undefined) return 'deleted'
      throw error
    }
  }

  private idempotent<T>(action: string, work: () => Promise<T>): Promise<T> {
    return withRetries(this.retry, () => this.call(action, work))
  }

  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw await this.translate(error, action)
    }
  }

  private async translate(error: unknown, action: string): Promise<unknown> {
    const response = (error as {response?: {status?: number; text?: () => Promise<string>; headers?: Headers}}).response
    // The SDK's VetchError carries the fetch Response (its body unread); it does not set `name`.
    if (typeof response?.status === 'number') {
      const body = (await response.text?.().catch(() => '')) ?? ''
      const failure = errorFromStatus(
        response.status,
        body,
        this.context,
        action,
        response.headers?.get?.('retry-after'),
      )
      if (failure.kind !== 'auth') return failure
      return new PluginError(
        'auth',
        `${failure.message}; check the API key and secret (taken from ${this.credentialsSource})`,
        {cause: error, status: response.status},
      )
    }

    const name = (error as Error)?.name
    if (name === 'AbortError' || name === 'FetchError' || (error as {code?: string})?.code)
      return errorFromNetwork(error, this.context, action)
    return error
  }
}

/** What matters of an application; an answer without an id or a name is a remote error, not a crash. */
function summary(application: unknown): ApplicationSummary {
  const {capabilities, id, name} = (application ?? {}) as {
    id?: unknown
    name?: unknown
    capabilities?: {messages?: unknown}
  }
  if (typeof id !== 'string' || typeof name !== 'string')
    throw new PluginError('remote', 'Vonage answered with an application that has no id or no name')
  return {id, messages: Boolean(capabilities?.messages), name}
}
