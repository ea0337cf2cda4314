// Finding the account's API key and secret the way users of both existing CLIs already keep them.
// Order: flags > VONAGE_API_* > NEXMO_API_* > ./.nexmorc > ~/.nexmorc > @vonage/cli's config file.
import {homedir} from 'node:os'
import {join} from 'node:path'

import {PluginError, usageError} from './errors.js'
import {readOptionalTextFile} from './files.js'

export interface Credentials {
  apiKey: string
  apiSecret: string
  /** Where they were found, for messages ("--api-key/--api-secret", "~/.nexmorc"); never the values. */
  source: string
}

export interface CredentialSources {
  apiKey?: string
  apiSecret?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  home?: string
}

type Found = Credentials | undefined

export async function resolveCredentials(sources: CredentialSources = {}): Promise<Credentials> {
  const found = await findCredentials(sources)
  if (!found) {
    throw new PluginError(
      'auth',
      'no Vonage API credentials found: pass --api-key and --api-secret, set VONAGE_API_KEY and VONAGE_API_SECRET, or run `vonage config:set`',
    )
  }

  return found
}

/** The credentials from the first source that has them, or undefined when none has (a half pair is still an error). */
export async function findCredentials(sources: CredentialSources = {}): Promise<Credentials | undefined> {
  const env = sources.env ?? process.env
  const home = sources.home ?? homedir()
  const cwd = sources.cwd ?? process.cwd()
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config')

  return (
    pair(sources.apiKey, sources.apiSecret, '--api-key', '--api-secret') ??
    pair(env.VONAGE_API_KEY, env.VONAGE_API_SECRET, 'VONAGE_API_KEY', 'VONAGE_API_SECRET') ??
    pair(env.NEXMO_API_KEY, env.NEXMO_API_SECRET, 'NEXMO_API_KEY', 'NEXMO_API_SECRET') ??
    (await fromNexmorc(join(cwd, '.nexmorc'), './.nexmorc')) ??
    (await fromNexmorc(join(home, '.nexmorc'), '~/.nexmorc')) ??
    (await fromVonageConfig(join(configHome, '@vonage', 'cli', 'vonage.config.json')))
  )
}

/** The HTTP Basic Authorization header of the credentials (for requests only: never printed). */
export function basicAuthorization({apiKey, apiSecret}: Credentials): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`
}

/** Both halves from one source, or neither; one half alone is a mistake worth naming. */
function pair(key: string | undefined, secret: string | undefined, keyName: string, secretName: string): Found {
  const apiKey = key?.trim()
  const apiSecret = secret?.trim()
  if (!apiKey && !apiSecret) return undefined
  if (!apiKey) throw usageError(`${secretName} is set but ${keyName} is not; give both or neither`)
  if (!apiSecret) throw usageError(`${keyName} is set but ${secretName} is not; give both or neither`)
  return {apiKey, apiSecret, source: keyName === '--api-key' ? '--api-key/--api-secret' : `${keyName}/${secretName}`}
}

/**
 * nexmo-cli's INI file: `[credentials]` with `api_key` and `api_secret`. A file that is there but
 * is not that (binary, or text without either setting) is named as unreadable, not skipped: the
 * user meant it to be used. Its content is never repeated.
 */
async function fromNexmorc(path: string, label: string): Promise<Found> {
  const text = await readOptionalTextFile(path, 'nexmo-cli settings')
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
  const text = await readOptionalTextFile(path, '@vonage/cli settings')
  if (text === undefined || text.trim() === '') return undefined
  let config: Record<string, unknown> | null
  try {
    // Any JSON value: reading a property of a number, string or array below gives undefined, as for a missing key.
    config = JSON.parse(text) as Record<string, unknown> | null
  } catch {
    // No cause: JSON.parse quotes the text around the mistake, and the file holds the API secret.
    throw usageError(`${path} is not valid JSON; fix it or run \`vonage config:set\` again`)
  }

  const label = '@vonage/cli config'
  return pair(asString(config?.apiKey), asString(config?.apiSecret), `apiKey in ${label}`, `apiSecret in ${label}`)
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return undefined
}
