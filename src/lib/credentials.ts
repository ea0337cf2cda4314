// Finding the account's API key and secret the way users of both existing CLIs already keep them.
// Order: flags > VONAGE_API_* > NEXMO_API_* > ./.nexmorc > ~/.nexmorc > @vonage/cli's config file.
import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {PluginError, usageError} from './errors.js'

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
  const env = sources.env ?? process.env
  const home = sources.home ?? homedir()
  const cwd = sources.cwd ?? process.cwd()
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config')

  const found =
    pair(sources.apiKey, sources.apiSecret, '--api-key', '--api-secret') ??
    pair(env.VONAGE_API_KEY, env.VONAGE_API_SECRET, 'VONAGE_API_KEY', 'VONAGE_API_SECRET') ??
    pair(env.NEXMO_API_KEY, env.NEXMO_API_SECRET, 'NEXMO_API_KEY', 'NEXMO_API_SECRET') ??
    (await fromNexmorc(join(cwd, '.nexmorc'), './.nexmorc')) ??
    (await fromNexmorc(join(home, '.nexmorc'), '~/.nexmorc')) ??
    (await fromVonageConfig(join(configHome, '@vonage', 'cli', 'vonage.config.json')))

  if (!found) {
    throw new PluginError(
      'auth',
      'no Vonage API credentials found: pass --api-key and --api-secret, set VONAGE_API_KEY and VONAGE_API_SECRET, or run `vonage config:set`',
    )
  }

  return found
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

/** nexmo-cli's INI file: `[credentials]` with `api_key` and `api_secret`. */
async function fromNexmorc(path: string, label: string): Promise<Found> {
  const text = await readOptional(path)
  if (text === undefined) return undefined
  const {parse} = await import('ini')
  const credentials = (parse(text).credentials ?? {}) as Record<string, unknown>
  return pair(asString(credentials.api_key), asString(credentials.api_secret), `api_key in ${label}`, `api_secret in ${label}`)
}

/** @vonage/cli's JSON file: `{"apiKey": "...", "apiSecret": "..."}` (it writes empty strings when unset). */
async function fromVonageConfig(path: string): Promise<Found> {
  const text = await readOptional(path)
  if (text === undefined || text.trim() === '') return undefined
  let config: Record<string, unknown>
  try {
    config = JSON.parse(text)
  } catch (error) {
    throw usageError(`${path} is not valid JSON; fix it or run \`vonage config:set\` again`, error)
  }

  const label = '@vonage/cli config'
  return pair(asString(config?.apiKey), asString(config?.apiSecret), `apiKey in ${label}`, `apiSecret in ${label}`)
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw usageError(`cannot read ${path}: ${code ?? String(error)}`, error)
  }
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return undefined
}
