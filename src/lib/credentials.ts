// Finding the account's credentials the way users of the existing CLIs already keep them. Order:
// flags > VONAGE_API_* > NEXMO_API_* > ./.vonagerc > ~/.vonage/config.json (Vonage CLI 3.x) >
// ./.nexmorc > ~/.nexmorc > @vonage/cli 1.x's config file. The Vonage CLI 3.x files may also hold an
// application id and its private key, which the linking calls prefer to the API key and secret.
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {PluginError, usageError} from './errors.js'
import {readOptionalTextFile} from './files.js'
import {type KeyText, looksLikePem, normalizePem, readNamedKeyFile} from './keys.js'

export interface Credentials {
  apiKey: string
  apiSecret: string
  /** Where they were found, for messages ("--api-key/--api-secret", "~/.nexmorc"); never the values. */
  source: string
}

/** An application id and its private key (read, not yet parsed), from a Vonage CLI 3.x file. */
export interface ApplicationKey {
  appId: string
  key: KeyText
  /** "./.vonagerc" or "~/.vonage/config.json". */
  source: string
}

/** What the first source that holds anything gives the linking calls: its application key if it has one. */
export type AccountAuth =
  {application: ApplicationKey; mode: 'application key'} | {credentials: Credentials; mode: 'api key'}

export interface CredentialSources {
  apiKey?: string
  apiSecret?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  home?: string
}

type Found = Credentials | undefined

/** A private-key setting not read yet: its value, and what a relative path is relative to. */
interface KeySetting {
  appId: string
  privateKey: string
  baseDir: string
  source: string
}

/** What one source holds; undefined when it holds nothing (absent, empty). */
interface Held {
  credentials?: Credentials
  application?: KeySetting
}

export async function resolveCredentials(sources: CredentialSources = {}): Promise<Credentials> {
  const found = await findCredentials(sources)
  if (!found) {
    throw new PluginError(
      'auth',
      'no Vonage API credentials found: pass --api-key and --api-secret, set VONAGE_API_KEY and VONAGE_API_SECRET, or run `vonage auth set`',
    )
  }

  return found
}

/**
 * The API key and secret from the first source that has them, or undefined when none has (a half
 * pair, or a broken file, met on the way is still an error). A file with only an application key
 * is passed over: what needs the API key (the Applications API, --temp-app) looks further.
 */
export async function findCredentials(sources: CredentialSources = {}): Promise<Credentials | undefined> {
  for (const source of inOrder(sources)) {
    const held = await source()
    if (held?.credentials) return held.credentials
  }

  return undefined
}

/**
 * How the linking calls can authenticate from the first source that holds anything: its
 * application id and private key when it has both (the key read and checked here), else its API key
 * and secret. Undefined when no source holds anything.
 */
export async function findAccountAuth(sources: CredentialSources = {}): Promise<AccountAuth | undefined> {
  for (const source of inOrder(sources)) {
    const held = await source()
    if (held?.application)
      return {application: await readApplicationKey(held.application, sources), mode: 'application key'}
    if (held?.credentials) return {credentials: held.credentials, mode: 'api key'}
  }

  return undefined
}

/** Each source in order, read only when asked: a broken file after the one that answers is never read. */
function inOrder(sources: CredentialSources): Array<() => Promise<Held | undefined>> {
  const env = sources.env ?? process.env
  const home = sources.home ?? homedir()
  const cwd = sources.cwd ?? process.cwd()
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config')
  const credentials = (found: Found) => Promise.resolve(found && {credentials: found})
  return [
    () => credentials(pair(sources.apiKey, sources.apiSecret, '--api-key', '--api-secret')),
    () => credentials(pair(env.VONAGE_API_KEY, env.VONAGE_API_SECRET, 'VONAGE_API_KEY', 'VONAGE_API_SECRET')),
    () => credentials(pair(env.NEXMO_API_KEY, env.NEXMO_API_SECRET, 'NEXMO_API_KEY', 'NEXMO_API_SECRET')),
    () => fromVonageCli3(join(cwd, '.vonagerc'), './.vonagerc'),
    () => fromVonageCli3(join(home, '.vonage', 'config.json'), '~/.vonage/config.json'),
    async () => credentials(await fromNexmorc(join(cwd, '.nexmorc'), './.nexmorc')),
    async () => credentials(await fromNexmorc(join(home, '.nexmorc'), '~/.nexmorc')),
    async () => credentials(await fromVonageConfig(join(configHome, '@vonage', 'cli', 'vonage.config.json'))),
  ]
}

/** The HTTP Basic Authorization header of the credentials (for requests only: never printed). */
export function basicAuthorization({apiKey, apiSecret}: Credentials): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`
}

/** Both halves from one source, or neither; one half alone is a mistake worth naming. */
function pair(key: string | undefined, secret: string | undefined, keyName: string, secretName: string): Found {
  const values = both(key, secret, keyName, secretName)
  if (!values) return undefined
  const [apiKey, apiSecret] = values
  return {apiKey, apiSecret, source: keyName === '--api-key' ? '--api-key/--api-secret' : `${keyName}/${secretName}`}
}

function both(
  first: string | undefined,
  second: string | undefined,
  firstName: string,
  secondName: string,
): [string, string] | undefined {
  const one = first?.trim()
  const other = second?.trim()
  if (!one && !other) return undefined
  if (!one) throw usageError(`${secondName} is set but ${firstName} is not; give both or neither`)
  if (!other) throw usageError(`${firstName} is set but ${secondName} is not; give both or neither`)
  return [one, other]
}

/**
 * nexmo-cli's INI file: `[credentials]` with `api_key` and `api_secret`. A file that is there but
 * is not that (binary, or text without either setting) is named as unreadable, not skipped: the
 * user meant it to be used. Its content is never repeated.
 */
async function fromNexmorc(path: string, label: string): Promise<Found> {
  const text = await readOptionalTextFile(path, 'nexmo-cli configuration')
  if (text === undefined || text.trim() === '') return undefined
  const credentials = await nexmorcCredentials(text)
  if (!credentials) {
    throw usageError(
      `${label} is unreadable: nexmo-cli keeps a [credentials] section with api_key and api_secret there; fix the file or remove it`,
    )
  }

  return pair(
    asString(credentials.api_key),
    asString(credentials.api_secret),
    `api_key in ${label}`,
    `api_secret in ${label}`,
  )
}

async function nexmorcCredentials(text: string): Promise<Record<string, unknown> | undefined> {
  // eslint-disable-next-line no-control-regex -- control characters mark a binary file, which ini would read as keys
  if (/[\u0000-\u0008\u000E-\u001F]/.test(text)) return undefined
  const {parse} = await import('ini')
  const credentials = parse(text).credentials as Record<string, unknown> | undefined
  if (typeof credentials !== 'object' || credentials === null) return undefined
  return credentials.api_key === undefined && credentials.api_secret === undefined ? undefined : credentials
}

/** @vonage/cli's JSON file: `{"apiKey": "...", "apiSecret": "..."}` (it writes empty strings when unset). */
async function fromVonageConfig(path: string): Promise<Found> {
  const text = await readOptionalTextFile(path, '@vonage/cli configuration')
  if (text === undefined || text.trim() === '') return undefined
  let config: Record<string, unknown> | null
  try {
    // Any JSON value: reading a property of a number, string or array below gives undefined, as for a missing key.
    config = JSON.parse(withoutBom(text)) as Record<string, unknown> | null
  } catch {
    // No cause: JSON.parse quotes the text around the mistake, and the file holds the API secret.
    throw usageError(`${path} is not valid JSON; fix it or run \`vonage config:set\` again`)
  }

  const label = '@vonage/cli config'
  return pair(asString(config?.apiKey), asString(config?.apiSecret), `apiKey in ${label}`, `apiSecret in ${label}`)
}

/**
 * Vonage CLI 3.x's JSON file (`vonage auth set` writes it, `--local` in the current folder):
 * `{"api-key", "api-secret", "app-id", "private-key"}`, any of the pairs alone. `private-key` holds
 * the PEM text (what `vonage auth set` stores) or, written by hand, a key file's path, relative to
 * the file's folder. Neither the content nor a value is ever repeated: the file holds secrets.
 */
async function fromVonageCli3(path: string, label: string): Promise<Held | undefined> {
  const text = await readOptionalTextFile(path, 'Vonage CLI configuration')
  if (text === undefined || text.trim() === '') return undefined
  let config: unknown
  try {
    config = JSON.parse(withoutBom(text))
  } catch {
    // No cause: JSON.parse quotes the text around the mistake, and the file holds secrets.
    throw usageError(`${label} is not valid JSON; fix it or run \`vonage auth set\` again`)
  }

  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw usageError(`${label} is not a JSON object; fix it or run \`vonage auth set\` again`)
  }

  const setting = (name: string) => {
    const value = (config as Record<string, unknown>)[name]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return value
    if (typeof value === 'number' && name !== 'private-key') return String(value)
    throw usageError(`${name} in ${label} is not a string; fix it or run \`vonage auth set\` again`)
  }

  const apiKey = both(setting('api-key'), setting('api-secret'), `api-key in ${label}`, `api-secret in ${label}`)
  const application = both(setting('app-id'), setting('private-key'), `app-id in ${label}`, `private-key in ${label}`)
  const held: Held = {
    application: application && {
      appId: application[0],
      baseDir: dirname(path),
      privateKey: application[1],
      source: label,
    },
    credentials: apiKey && {apiKey: apiKey[0], apiSecret: apiKey[1], source: label},
  }
  return held.application || held.credentials ? held : undefined
}

/** The private key a file names: its PEM text, or the key file at the path it gives. */
async function readApplicationKey(setting: KeySetting, sources: CredentialSources): Promise<ApplicationKey> {
  const name = `private-key in ${setting.source}`
  const {appId, privateKey, source} = setting
  if (looksLikePem(privateKey)) return {appId, key: {origin: name, text: normalizePem(privateKey)}, source}
  const path = privateKey.startsWith('~/')
    ? join(sources.home ?? homedir(), privateKey.slice(2))
    : resolve(setting.baseDir, privateKey)
  return {appId, key: await readNamedKeyFile(path, name), source}
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return undefined
}

/** The text without the byte-order mark some editors (Notepad) put first, which JSON.parse refuses. */
function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text
}
