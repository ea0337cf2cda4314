// The slice of Facebook's Graph API the linking and the status of a fleet need: the Pages a user
// manages (with their Page tokens), one Page's name, what debug_token says about a token (its kind,
// Page, expiry, scopes), and the apps subscribed to a Page's webhooks.
import {PluginError} from './errors.js'
import {HttpClient, type HttpAnswer, type HttpSettings, objectBody, retryAfterMs} from './http.js'

export const DEFAULT_GRAPH_HOST = 'https://graph.facebook.com'
export const DEFAULT_GRAPH_VERSION = 'v25.0'
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613])

export interface FacebookPage {
  id: string
  name: string
  access_token: string
}

export interface TokenInfo {
  /** "USER", "PAGE", … as debug_token says; absent when it does not say. */
  type?: string
  /** For a Page token: the id of the Page it belongs to. */
  profile_id?: string
  is_valid: boolean
  /** Seconds since 1970; 0 means never. */
  expires_at: number
  data_access_expires_at: number
}

/** All debug_token says about a token: what TokenInfo holds, and the permissions it carries. */
export interface TokenCheck extends TokenInfo {
  /** The permissions granted ("pages_messaging", …); empty when it does not say. */
  scopes: string[]
  /** Each permission with the ids it is limited to; without `target_ids` it applies to all. */
  granular_scopes: GranularScope[]
  /** Why the token is not valid, in Facebook's words (only when is_valid is false and it says). */
  error?: string
}

export interface GranularScope {
  scope: string
  target_ids?: string[]
}

/** An app subscribed to a Page's webhooks, and the fields it receives (Messenger needs "messages"). */
export interface SubscribedApp {
  id: string
  name?: string
  subscribed_fields: string[]
}

interface GraphError {
  code?: number
  error_subcode?: number
  message?: string
}

/** A Graph id or name as text: Graph sends ids as strings, sometimes as numbers; anything else is absent. */
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined)

/** The strings of a Graph list (scopes, fields), anything else left out. */
const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []

const graphError = (answer: HttpAnswer): GraphError | undefined =>
  (answer.body as {error?: GraphError} | undefined)?.error

export class Graph {
  private readonly http: HttpClient

  constructor(settings: Omit<HttpSettings, 'service'> & {version: string}) {
    if (!/^v\d+\.\d+$/.test(settings.version))
      throw new PluginError('usage', `--graph-version must look like v25.0, not "${settings.version}"`)
    this.http = new HttpClient({...settings, host: `${settings.host}/${settings.version}`, service: 'Facebook'})
  }

  /** Every Page the user manages, following `paging.next` until it is absent (a short page is not the end). */
  async listPages(userToken: string): Promise<FacebookPage[]> {
    const pages: FacebookPage[] = []
    for await (const batch of this.pageBatches(userToken)) pages.push(...batch)
    return pages
  }

  /**
   * The Pages the user manages, one answer of /me/accounts (up to 100) at a time as it arrives, so
   * that a fleet of thousands is never all held at once.
   */
  async *pageBatches(userToken: string): AsyncGenerator<FacebookPage[]> {
    let next: string | undefined = '/me/accounts'
    let query: Record<string, string> | undefined = {fields: 'id,name,access_token', limit: '100'}
    for (let count = 0; next !== undefined; count += 1) {
      if (count >= 1000) throw new PluginError('remote', 'Facebook sent a list of Pages that never ends; giving up')
      const answer = await this.request('GET', next, userToken, 'the user token', 'listing your Facebook Pages', query)
      const body = objectBody(answer, this.http.settings, 'listing your Facebook Pages')
      const pages: FacebookPage[] = []
      for (const page of (Array.isArray(body.data) ? body.data : []) as Array<Partial<FacebookPage>>) {
        if (typeof page.id === 'string' && typeof page.access_token === 'string')
          pages.push({access_token: page.access_token, id: page.id, name: page.name ?? page.id})
      }

      next = (body.paging as {next?: string} | undefined)?.next
      query = undefined
      yield pages
    }
  }

  /** What Facebook says about `token`, asked with `inspector` (a user token, or the token itself). */
  async debugToken(token: string, inspector: string, inspectorName: string): Promise<TokenCheck> {
    const action = 'checking the token with debug_token'
    const answer = await this.request('GET', '/debug_token', inspector, inspectorName, action, {input_token: token})
    const data = objectBody(answer, this.http.settings, action).data as Record<string, unknown> | undefined
    const granular = (Array.isArray(data?.granular_scopes) ? data.granular_scopes : []) as unknown[]
    const isValid = data?.is_valid === true
    const reason = (data?.error as {message?: unknown} | undefined)?.message
    return {
      data_access_expires_at: Number(data?.data_access_expires_at ?? 0),
      expires_at: Number(data?.expires_at ?? 0),
      granular_scopes: granular.flatMap((item) => {
        const {scope, target_ids: targets} = (item ?? {}) as {scope?: unknown; target_ids?: unknown}
        if (typeof scope !== 'string') return []
        return [Array.isArray(targets) ? {scope, target_ids: strings(targets)} : {scope}]
      }),
      is_valid: isValid,
      profile_id: text(data?.profile_id),
      scopes: strings(data?.scopes),
      type: text(data?.type),
      ...(!isValid && typeof reason === 'string' ? {error: reason} : {}),
    }
  }

  /**
   * The apps subscribed to the Page's webhooks, read with its Page token (which needs
   * pages_manage_metadata): Messenger reaches an app only if "messages" is among its fields.
   */
  async subscribedApps(pageId: string, pageToken: string): Promise<SubscribedApp[]> {
    const action = `reading the apps subscribed to Page ${pageId}`
    const path = `/${encodeURIComponent(pageId)}/subscribed_apps`
    const answer = await this.request('GET', path, pageToken, `the Page token of ${pageId}`, action)
    const body = objectBody(answer, this.http.settings, action)
    const apps = (Array.isArray(body.data) ? body.data : []) as Array<Record<string, unknown>>
    return apps.flatMap((app) => {
      const id = text(app?.id)
      if (id === undefined) return []
      return [
        {
          id,
          ...(typeof app.name === 'string' ? {name: app.name} : {}),
          subscribed_fields: strings(app.subscribed_fields),
        },
      ]
    })
  }

  /** One Page's name, read with a token allowed to read it (its Page token, or a user token that manages it). */
  async pageName(pageId: string, token: string, tokenName: string): Promise<string | undefined> {
    const action = `reading the name of Page ${pageId}`
    const answer = await this.request('GET', `/${encodeURIComponent(pageId)}`, token, tokenName, action, {
      fields: 'id,name',
    })
    const body = objectBody(answer, this.http.settings, action)
    return String(body.id) === pageId && typeof body.name === 'string' && body.name.trim() !== ''
      ? body.name
      : undefined
  }

  private request(
    method: string,
    path: string,
    token: string,
    tokenName: string,
    action: string,
    query?: Record<string, string>,
  ) {
    return this.http.request(method, path, {
      action,
      failure: (answer) => {
        const error = graphError(answer)
        if (error?.code === 190) {
          return new PluginError(
            'auth',
            `Facebook refused ${tokenName} (code 190: invalid or expired): ${error.message ?? 'no detail'}; get a fresh token (for example from the Graph API Explorer)`,
            {status: answer.status},
          )
        }

        // kept with its status and its Retry-After, a 429 is refused() as Vonage's is, and paced by the gate
        if (error?.code !== undefined && RATE_LIMIT_CODES.has(error.code)) {
          return new PluginError(
            'remote',
            `Facebook is rate-limiting ${action} (code ${error.code}): ${error.message ?? ''}; try again later`,
            {retry: {afterMs: retryAfterMs(answer.headers.get('retry-after'))}, status: answer.status},
          )
        }

        return undefined
      },
      headers: {authorization: `Bearer ${token}`},
      query,
    })
  }
}
