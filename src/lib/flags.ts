// Flags several commands share, defined once and spread into each command's `flags`.
import {Flags} from '@oclif/core'

import {type Credentials, resolveCredentials} from './credentials.js'
import {DEFAULT_GRAPH_HOST, DEFAULT_GRAPH_VERSION, Graph} from './facebook.js'
import {baseUrl, DEFAULT_TIMEOUT_MS} from './http.js'
import {DEFAULT_API_HOST, VonageApplications} from './vonage.js'

const VONAGE = 'VONAGE'

/** Account credentials and where Vonage is: for commands that call the Applications API. */
export const vonageFlags = {
  'api-host': Flags.string({
    default: DEFAULT_API_HOST,
    description: 'Vonage API base URL',
    env: 'VONAGE_API_HOST',
    helpGroup: VONAGE,
  }),
  'api-key': Flags.string({
    description: 'Vonage API key (default: VONAGE_API_KEY, NEXMO_API_KEY, .nexmorc or @vonage/cli config)',
    helpGroup: VONAGE,
  }),
  'api-secret': Flags.string({
    description: 'Vonage API secret (prefer VONAGE_API_SECRET: flags end up in shell history)',
    helpGroup: VONAGE,
  }),
  timeout: Flags.integer({
    default: DEFAULT_TIMEOUT_MS / 1000,
    description: 'seconds to wait for each answer',
    helpGroup: VONAGE,
    max: 3600,
    min: 1,
  }),
}

export interface VonageFlagValues {
  'api-host': string
  'api-key'?: string
  'api-secret'?: string
  timeout: number
}

/** Where Vonage is and how long to wait for it, from the shared flags: every Vonage client uses this. */
export function vonageEndpoint(flags: Pick<VonageFlagValues, 'api-host' | 'timeout'>): {
  host: string
  timeoutMs: number
} {
  return {
    host: baseUrl(hostSetting(flags['api-host'], 'VONAGE_API_HOST', DEFAULT_API_HOST), '--api-host (VONAGE_API_HOST)'),
    timeoutMs: flags.timeout * 1000,
  }
}

/**
 * oclif reads an empty environment variable as unset and falls back to the default, which here is
 * production: an empty VONAGE_API_HOST (a CI secret that did not resolve) must be an error instead.
 */
function hostSetting(value: string, envName: string, fallback: string): string {
  return value === fallback && process.env[envName] !== undefined && process.env[envName]!.trim() === '' ? '' : value
}

/** A Vonage client from the shared flags, with the credentials given or else from the resolver. */
export async function connectVonage(flags: VonageFlagValues, credentials?: Credentials): Promise<VonageApplications> {
  const {host, timeoutMs} = vonageEndpoint(flags)
  return VonageApplications.connect({
    apiHost: host,
    credentials: credentials ?? (await resolveCredentials({apiKey: flags['api-key'], apiSecret: flags['api-secret']})),
    timeoutMs,
  })
}

/** --yes: what a script passes instead of answering a confirmation. */
export const yesFlag = {
  yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required when stdin is not a terminal)'}),
}

const AUTH = 'LINKING AUTH'
const FACEBOOK = 'FACEBOOK'

/** How the linking calls authenticate: --jwt, else --app-id and its key, else the API key and secret (or, asked, a temporary application). */
export const linkAuthFlags = {
  ...vonageFlags,
  'app-id': Flags.string({
    description: 'sign the JWT for the linking calls with this application (key: --private-key or VONAGE_PRIVATE_KEY)',
    helpGroup: AUTH,
  }),
  jwt: Flags.string({
    description:
      'JWT for the linking calls (prefer VONAGE_JWT); without it or --app-id, the API key and secret are used',
    env: 'VONAGE_JWT',
    helpGroup: AUTH,
  }),
  'private-key': Flags.string({
    dependsOn: ['app-id'],
    description: 'private key of --app-id: file, "-" or PEM',
    helpGroup: AUTH,
  }),
  'temp-app': Flags.boolean({
    description:
      'sign the linking calls with a temporary application made with your API key and secret, deleted again however the command ends (the manual flow\'s "Delete Me Later" app)',
    helpGroup: AUTH,
  }),
}

/** Where Facebook's Graph API is, and the user token that reads it. */
export const graphFlags = {
  'graph-host': Flags.string({
    default: DEFAULT_GRAPH_HOST,
    description: 'Graph API base URL',
    env: 'FACEBOOK_GRAPH_HOST',
    helpGroup: FACEBOOK,
  }),
  'graph-version': Flags.string({
    default: DEFAULT_GRAPH_VERSION,
    description: 'Graph API version',
    helpGroup: FACEBOOK,
  }),
  'user-token': Flags.string({
    description: 'Facebook user token, to list your Pages and their tokens (prefer FACEBOOK_USER_TOKEN)',
    env: 'FACEBOOK_USER_TOKEN',
    helpGroup: FACEBOOK,
  }),
}

/** Which Page: --page-id with its token, or --user-token with --page (or a prompt). */
export const pageFlags = {
  ...graphFlags,
  page: Flags.string({
    description:
      "with --user-token: the Page by id or name (case, spaces around and Unicode form ignored; an exact-case match wins). A value that is one Page's id and another's name is refused: say id:VALUE or name:VALUE. Without it: a list at a terminal",
    exclusive: ['page-id'], // one side is enough: oclif then names the pair once, not twice
    helpGroup: FACEBOOK,
  }),
  'page-id': Flags.string({
    description: 'the Facebook Page id (with its Page token; its name is looked up with that token)',
    helpGroup: FACEBOOK,
  }),
  'page-token': Flags.string({
    description: 'the Page token for --page-id; "-" reads it from stdin (prefer FACEBOOK_PAGE_TOKEN)',
    env: 'FACEBOOK_PAGE_TOKEN',
    helpGroup: FACEBOOK,
  }),
}

export function connectGraph(flags: {'graph-host': string; 'graph-version': string; timeout: number}): Graph {
  const host = baseUrl(
    hostSetting(flags['graph-host'], 'FACEBOOK_GRAPH_HOST', DEFAULT_GRAPH_HOST),
    '--graph-host (FACEBOOK_GRAPH_HOST)',
  )
  return new Graph({host, timeoutMs: flags.timeout * 1000, version: flags['graph-version']})
}
