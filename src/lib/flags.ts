// Flags several commands share, defined once and spread into each command's `flags`, and the one
// place their parsed values become the typed settings the library takes (src/lib/settings.ts).
import {Flags, type Interfaces} from '@oclif/core'

import {DEFAULT_API_HOST} from './applications.js'
import {type BrowserSettings, DEFAULT_LINKING_PAGE, MAX_WAIT_SECONDS, parseWait} from './browser-link.js'
import {usageError} from './errors.js'
import {DEFAULT_GRAPH_HOST, DEFAULT_GRAPH_VERSION} from './facebook.js'
import {baseUrl, DEFAULT_TIMEOUT_MS} from './http.js'
import type {FlagSpec, FlagSpecs} from './flag-spec.js'
import type {AuthSettings, GraphSettings, LinkingSettings, PageSettings, VonageSettings} from './settings.js'

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
    description:
      'Vonage API key; else VONAGE_API_KEY, NEXMO_API_KEY, ./.vonagerc, ~/.vonage/config.json, ./.nexmorc, ~/.nexmorc, @vonage/cli 1.x config, in that order',
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

/**
 * oclif reads an empty environment variable as unset and falls back to the default, which here is
 * production: an empty VONAGE_API_HOST (a CI secret that did not resolve) must be an error instead.
 */
function hostSetting(value: string, envName: string, fallback: string): string {
  const set = process.env[envName]
  return value === fallback && set !== undefined && set.trim() === '' ? '' : value
}

/** --yes: what a script passes instead of answering a confirmation. */
export const yesFlag = {
  yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required when stdin is not a terminal)'}),
}

const AUTH = 'LINKING AUTH'
const FACEBOOK = 'FACEBOOK'

/**
 * How the linking calls authenticate: --jwt, else --app-id and its key, else the API key and
 * secret (or, asked, a temporary application).
 */
export const linkAuthFlags = {
  ...vonageFlags,
  'app-id': Flags.string({
    description: 'sign the JWT for the linking calls with this application (key: --private-key or VONAGE_PRIVATE_KEY)',
    helpGroup: AUTH,
  }),
  jwt: Flags.string({
    description:
      'JWT for the linking calls (prefer VONAGE_JWT); without it or --app-id, the first credentials source (see --api-key) is used: its app-id and private-key if a .vonagerc or ~/.vonage/config.json has them, else its API key and secret',
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

const BROWSER = 'BROWSER'

/** messenger:link --browser: a person links the Page on the linking page, the command waits. */
export const browserFlags = {
  browser: Flags.boolean({
    description: 'a person links the Page on the linking page (Facebook Login there); this waits for it',
    helpGroup: BROWSER,
  }),
  'linking-page': Flags.string({
    default: DEFAULT_LINKING_PAGE,
    description: 'with --browser: the page to open; one whose path ends in /messenger takes a JWT',
    helpGroup: BROWSER,
  }),
  open: Flags.boolean({
    allowNo: true,
    default: true,
    description: "with --browser: open the page in a browser (BROWSER, else the system's); --no-open prints its URL",
    helpGroup: BROWSER,
  }),
  wait: Flags.string({
    default: '10m',
    description: 'with --browser: how long to wait for the Page (90s, 10m, 1h)',
    helpGroup: BROWSER,
  }),
}

/**
 * --browser's settings, or undefined without --browser. Its flags without it, and with it the flags
 * that pick or name the Page (the linking page does that), are mistakes, never ignored. For relink
 * the Page is named by --page-id (the one to re-link) and --name is its new name.
 */
export function browserSettings(
  flags: Parsed<typeof browserFlags> & {
    all?: boolean
    page?: string
    'page-id'?: string
    'page-token'?: string
    'user-token'?: string
    name?: string
  },
  command: 'link' | 'relink' = 'link',
): BrowserSettings | undefined {
  if (!flags.browser) {
    const only = [
      flags['linking-page'] !== browserFlags['linking-page'].default && '--linking-page',
      !flags.open && '--no-open',
      flags.wait !== browserFlags.wait.default && '--wait',
    ].filter((name): name is string => typeof name === 'string')
    if (only.length > 0) throw usageError(`${only.join(', ')} ${only.length > 1 ? 'go' : 'goes'} with --browser`)
    return undefined
  }

  const refused =
    command === 'link'
      ? (['page', 'page-token', 'user-token', 'name'] as const)
      : (['all', 'page', 'page-token', 'user-token'] as const)
  // a token from the environment (FACEBOOK_USER_TOKEN kept for scheduled runs) is not a mistake: it goes unused
  const fromEnv: Record<string, string | undefined> = {
    'page-token': pageFlags['page-token'].env,
    'user-token': graphFlags['user-token'].env,
  }
  const given = refused.filter((name) => {
    const env = fromEnv[name]
    return flags[name] !== undefined && flags[name] !== false && !(env && flags[name] === process.env[env])
  })
  if (given.length > 0) {
    const why =
      command === 'link'
        ? 'the linking page picks the Page and names it'
        : 'give the Page to re-link with --page-id; the linking page gets its token'
    throw usageError(`--browser takes no --${given.join(', --')}: ${why}`)
  }

  if (command === 'relink' && flags['page-id'] === undefined)
    throw usageError(
      'messenger:relink --browser needs --page-id: the Page whose link a person renews on the linking page',
    )
  const waitSeconds = parseWait(flags.wait)
  if (waitSeconds === undefined || waitSeconds > MAX_WAIT_SECONDS)
    throw usageError(`--wait takes a time from 1s to 24h, such as 90s, 10m or 1h, not ${JSON.stringify(flags.wait)}`)
  return {linkingPage: baseUrl(flags['linking-page'], '--linking-page', {page: true}), open: flags.open, waitSeconds}
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

type Parsed<T> = Interfaces.InferredFlags<T>

/** Where Vonage is, how long to wait, and the API key and secret given on the command line. */
export function vonageSettings(flags: Parsed<typeof vonageFlags>): VonageSettings {
  return {
    apiKey: flags['api-key'],
    apiSecret: flags['api-secret'],
    host: baseUrl(hostSetting(flags['api-host'], 'VONAGE_API_HOST', DEFAULT_API_HOST), '--api-host (VONAGE_API_HOST)'),
    timeoutMs: flags.timeout * 1000,
  }
}

export function authSettings(flags: Parsed<typeof linkAuthFlags>): AuthSettings {
  return {appId: flags['app-id'], jwt: flags.jwt, privateKey: flags['private-key'], tempApp: flags['temp-app']}
}

export function graphSettings(flags: Parsed<typeof graphFlags & {timeout: typeof vonageFlags.timeout}>): GraphSettings {
  // checked when the Graph client is made (Clients.graph): a command that needs no Graph call
  // (messenger:list without a user token) does not fail on a Graph setting it never uses
  return {
    host: hostSetting(flags['graph-host'], 'FACEBOOK_GRAPH_HOST', DEFAULT_GRAPH_HOST),
    timeoutMs: flags.timeout * 1000,
    userToken: flags['user-token'],
    version: flags['graph-version'],
  }
}

/** The settings of a command with the linking and Graph flags. */
export function linkingSettings(flags: Parsed<typeof linkAuthFlags & typeof graphFlags>): LinkingSettings {
  return {auth: authSettings(flags), graph: graphSettings(flags), vonage: vonageSettings(flags)}
}

export function pageSettings(flags: Parsed<typeof pageFlags>): PageSettings {
  return {page: flags.page, pageId: flags['page-id'], pageToken: flags['page-token']}
}

// A plain flag spec (src/lib/flag-spec.ts) as oclif flags: the spec's only translation to oclif
// (for jwt:generate and jwt:decode, which also run without oclif).
// test/lib/flag-spec.test.ts checks that oclif then reads a command line as parseWithSpec does.

type SpecValue<F extends FlagSpec> = F extends {kind: 'integer'} ? number : string
type OclifFlag<F extends FlagSpec> = F extends {kind: 'boolean'}
  ? Interfaces.BooleanFlag<boolean>
  : Interfaces.OptionFlag<F extends {default: unknown} ? SpecValue<F> : SpecValue<F> | undefined>

/** oclif's Flags.* for a spec: name, kind, description, char, env, exclusive, default, min and max. */
export function oclifFlags<S extends FlagSpecs>(spec: S): {[K in keyof S]: OclifFlag<S[K]>} {
  return Object.fromEntries(Object.entries(spec).map(([name, flag]) => [name, oclifFlag(flag)])) as {
    [K in keyof S]: OclifFlag<S[K]>
  }
}

function oclifFlag(flag: FlagSpec) {
  const exclusive = flag.exclusive && [...flag.exclusive]
  if (flag.kind === 'boolean') {
    const {kind: _, ...options} = flag
    return Flags.boolean({...options, exclusive})
  }

  if (flag.kind === 'integer') {
    const {kind: _, ...options} = flag
    return Flags.integer({...options, exclusive})
  }

  const {kind: _, ...options} = flag
  return Flags.string({...options, exclusive})
}
