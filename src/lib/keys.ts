// Loading the RSA keys Vonage JWTs are signed and verified with, from wherever users keep them:
// a file, standard input, the PEM text itself (with literal "\n"s from .env files), or an env var.
import {createPrivateKey, createPublicKey, type KeyObject} from 'node:crypto'

import {PluginError, usageError} from './errors.js'
import {errorCode, readStdin, readTextFile} from './files.js'
import {looksSecret} from './secrets.js'

const MAX_KEY_BYTES = 64 * 1024
const PEM_BEGIN = '-----BEGIN'

export interface KeyText {
  text: string
  /** Where the key came from, for messages; never the key itself. */
  origin: string
}

/**
 * Reads key text from `value` (a path, "-" for stdin, or PEM text) or, when absent, from the
 * environment variable `envName` (a path or PEM text). `source` names where `value` came from
 * ("--private-key"), for messages that must not repeat a value that may be the key itself.
 */
export async function readKeyText(
  value: string | undefined,
  {
    env = process.env,
    envName,
    source,
    what,
  }: {env?: NodeJS.ProcessEnv; envName?: string; source?: string; what: string},
): Promise<KeyText> {
  const key = await readRawKey(value, {env, envName, source: source ?? `the ${what} given`, what})
  return {origin: key.origin, text: normalizePem(key.text)}
}

async function readRawKey(
  value: string | undefined,
  {env, envName, source, what}: {env: NodeJS.ProcessEnv; envName?: string; source: string; what: string},
): Promise<KeyText> {
  if (value === undefined || value === '') {
    const fromEnv = envName ? env[envName]?.trim() : undefined
    if (!fromEnv) {
      const envHint = envName ? `, or set ${envName}` : ''
      throw usageError(`no ${what} given: pass a file path, "-" to read it from standard input${envHint}`)
    }

    if (looksLikePem(fromEnv)) return {origin: envName!, text: fromEnv}
    return readKeyFile(fromEnv, {fromEnv: true, source: envName!, what})
  }

  if (value === '-') return {origin: 'standard input', text: await readStdin(what, MAX_KEY_BYTES)}
  if (looksLikePem(value)) return {origin: `the ${what} text given`, text: value}
  return readKeyFile(value, {fromEnv: false, source, what})
}

/**
 * A value that is not PEM text is a path. One that looks like a key or token is never repeated:
 * when no file is there, it was most likely key text missing its PEM lines, and the message says so.
 */
async function readKeyFile(
  path: string,
  {fromEnv, source, what}: {fromEnv: boolean; source: string; what: string},
): Promise<KeyText> {
  if (!looksSecret(path)) {
    return {
      origin: fromEnv ? `${source} (${path})` : path,
      text: await readTextFile(path, what, {maxBytes: MAX_KEY_BYTES, orStdin: !fromEnv}),
    }
  }

  const label = `the file named by ${source}`
  try {
    return {origin: label, text: await readTextFile(path, what, {label, maxBytes: MAX_KEY_BYTES, orStdin: !fromEnv})}
  } catch (error) {
    if (!NOT_A_PATH.has(errorCode((error as PluginError).cause) ?? '')) throw error
    // An RSA key's body is over 1,000 base64 characters; literal "\n"s come from .env files.
    const hint =
      path.length > 200 && /^[\d+/=A-Za-z\s\\]+$/.test(path)
        ? ` (it looks like ${what} text without its "-----BEGIN" and "-----END" lines)`
        : ''
    throw usageError(
      `${source} is neither PEM ${what} text nor the path of a readable file${hint}`,
      (error as PluginError).cause,
    )
  }
}

/**
 * The key file at `path`, named by a setting (`source`: "private-key in ./.vonagerc"): the same
 * checks as a key file given on the command line, with messages that say which setting named it.
 */
export async function readNamedKeyFile(path: string, source: string): Promise<KeyText> {
  const label = `the file named by ${source}`
  try {
    const text = await readTextFile(path, 'private key', {label, maxBytes: MAX_KEY_BYTES})
    return {origin: looksSecret(path) ? label : `${path} (${source})`, text: normalizePem(text)}
  } catch (error) {
    if (error instanceof PluginError && error.kind === 'usage')
      throw usageError(`${source}: ${error.message}`, error.cause)
    throw error
  }
}

/** fs codes that mean "this string is no usable path" rather than "that file cannot be read". */
const NOT_A_PATH = new Set(['ENOENT', 'ENAMETOOLONG', 'ENOTDIR', 'EINVAL', 'ERR_INVALID_ARG_VALUE'])

export function looksLikePem(value: string): boolean {
  return value.includes(PEM_BEGIN)
}

/** Undoes what .env files and CI secret stores do to PEM text: quotes, literal \n, CRLF. */
export function normalizePem(value: string): string {
  let text = value.trim()
  if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"))) {
    text = text.slice(1, -1)
  }

  return `${text.replaceAll('\\r\\n', '\n').replaceAll('\\n', '\n').replaceAll('\r\n', '\n').trim()}\n`
}

/** Parses an RSA private key (PKCS#8 or PKCS#1 PEM) or explains exactly why it cannot. */
export function parsePrivateKey({text, origin}: KeyText): KeyObject {
  const problem = describeWrongKey(text)
  if (problem) throw usageError(`${origin} ${problem}`)
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) {
    throw usageError(`${origin} is not a PEM private key; expected an RSA private key ("-----BEGIN PRIVATE KEY-----")`)
  }

  return parseRsaPem(createPrivateKey, 'private', {origin, text})
}

/** Parses a public key, or derives it from a private key, for signature checks. */
export function parsePublicKey({text, origin}: KeyText): KeyObject {
  if (/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) return createPublicKey(parsePrivateKey({origin, text}))
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    const problem = describeWrongKey(text, {publicWanted: true})
    throw usageError(`${origin} ${problem ?? 'is not a PEM public key; expected "-----BEGIN PUBLIC KEY-----"'}`)
  }

  return parseRsaPem(createPublicKey, 'public', {origin, text})
}

/** Parses PEM text that passed the header checks, and insists on RSA of a usable size. */
function parseRsaPem(
  create: typeof createPrivateKey | typeof createPublicKey,
  kind: string,
  {origin, text}: KeyText,
): KeyObject {
  let key: KeyObject
  try {
    key = create({format: 'pem', key: text})
  } catch (error) {
    throw usageError(`${origin} looks like a PEM ${kind} key but cannot be parsed; is it complete?`, error)
  }

  if (key.asymmetricKeyType !== 'rsa') {
    const type = (key.asymmetricKeyType ?? 'unknown').toUpperCase()
    throw usageError(`${origin} is an ${type} key; Vonage JWTs are RS256 and need an RSA key`)
  }

  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < 2048) throw usageError(`${origin} is a ${bits}-bit RSA key; RS256 needs at least 2048 bits`)
  return key
}

/** Recognises the usual wrong files by their PEM header, before any parsing. */
function describeWrongKey(text: string, {publicWanted = false} = {}): string | undefined {
  if (text.trim() === '') return 'is empty; expected a PEM key ("-----BEGIN ...-----")'
  // eslint-disable-next-line no-control-regex -- control characters are exactly what marks binary data
  if (/[\u0000-\u0008\u000E-\u001F]/.test(text)) {
    return 'is binary data, not a PEM key; expected text starting with "-----BEGIN PRIVATE KEY-----"'
  }

  if (!publicWanted && /-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    return "is a public key; signing needs the application's private key (the file app:temp or the dashboard saved)"
  }

  if (text.includes('-----BEGIN CERTIFICATE-----')) return 'is a certificate, not a key'
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || text.includes('Proc-Type: 4,ENCRYPTED')) {
    return 'is encrypted with a passphrase; decrypt it first: openssl pkey -in KEY -out plain.key'
  }

  if (text.includes('-----BEGIN EC PRIVATE KEY-----')) return 'is an EC key; Vonage JWTs are RS256 and need an RSA key'
  if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    return 'is an OpenSSH key; Vonage needs an RSA key in PEM ("-----BEGIN PRIVATE KEY-----")'
  }

  return undefined
}
