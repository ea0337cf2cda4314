// Turning `name=value` arguments and flags into the claims of a Vonage JWT, with the checks that
// keep users away from the known pitfalls: millisecond times, missing exp, over-long lifetimes.
import {randomUUID} from 'node:crypto'

import {showInput, showJson, usageError} from './errors.js'
import {looksSecret} from './secrets.js'
import {systemClock} from './settings.js'

/** Vonage's documented default and maximum token lifetimes, in seconds. */
export const DEFAULT_TTL = 900
export const MAX_TTL = 24 * 60 * 60

/** Claims whose values are JSON (numbers, objects) rather than plain strings, as in nexmo-cli. */
const JSON_CLAIMS = new Set(['acl', 'exp', 'iat', 'nbf'])
const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const
/** Seconds since 1970 stay below this until the year 5138; milliseconds are above it already. */
const LARGEST_PLAUSIBLE_SECONDS = 1e11

export type Claims = Record<string, unknown>

export interface ClaimOptions {
  /** Claims from `name=value` arguments. */
  claims?: Claims
  appId?: string
  sub?: string
  acl?: string
  jti?: string
  ttl?: number
  exp?: number
  nbf?: number
  /** Sign what would otherwise be refused (lifetime over 24 h, or not after iat). */
  force?: boolean
  /** Seconds since 1970; the clock, for tests. */
  now?: number
}

export function parseClaimArgs(args: readonly string[]): Claims {
  const claims: Claims = {}
  for (const arg of args) {
    const match = /^([A-Za-z_][\w.:-]*)=(.*)$/s.exec(arg)
    if (!match) throw usageError(`claim ${showInput(arg)} is not name=value (for example application_id=YOUR_APP_ID)`)
    const [, name, raw] = match
    if (name === '__proto__') throw usageError('claim __proto__ is not allowed: it is no claim, and not safe to set')
    if (Object.hasOwn(claims, name)) throw usageError(`claim ${name} is given twice`)
    claims[name] = JSON_CLAIMS.has(name) ? parseJsonValue(name, raw) : raw
  }

  return claims
}

/** The final claims in a stable order: application_id, iat, jti, exp, nbf, sub, acl, the rest. */
export function buildClaims(options: ClaimOptions): Claims {
  const given = {...options.claims}
  const fromFlags: Claims = {
    acl: options.acl === undefined ? undefined : parseJsonValue('acl', options.acl, '--acl'),
    application_id: options.appId,
    exp: options.exp,
    jti: options.jti,
    nbf: options.nbf,
    sub: options.sub,
  }
  for (const [name, value] of Object.entries(fromFlags)) {
    if (value === undefined) continue
    if (Object.hasOwn(given, name) && JSON.stringify(given[name]) !== JSON.stringify(value)) {
      throw usageError(`${name} is given twice with different values (as --${flagName(name)} and as ${name}=…)`)
    }

    given[name] = value
  }

  const applicationId = given.application_id
  if (typeof applicationId !== 'string' || applicationId.trim() === '') {
    throw usageError('application_id is required: pass application_id=YOUR_APP_ID or --app-id YOUR_APP_ID')
  }

  if (options.ttl !== undefined && given.exp !== undefined)
    throw usageError('give either --ttl or exp (--exp or exp=…), not both: --ttl sets exp to iat + ttl')
  const ttl = options.ttl ?? DEFAULT_TTL
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw usageError(`--ttl must be a whole number of seconds above 0, not ${ttl}`)
  // the lifetime first: a huge --ttl is too long, whatever exp it would make
  checkLifetime(0, ttl, options.force ?? false)

  const {exp: givenExp, iat: givenIat, jti: givenJti, ...rest} = given
  const iat = givenIat ?? options.now ?? systemClock()
  checkTime('iat', iat)
  const claims: Claims = {...rest, exp: givenExp ?? (iat as number) + ttl, iat, jti: givenJti ?? randomUUID()}

  for (const name of TIME_CLAIMS) checkTime(name, claims[name])
  if (typeof claims.jti !== 'string' || claims.jti === '') throw usageError('jti must be a non-empty string')
  if (
    claims.acl !== undefined &&
    (typeof claims.acl !== 'object' || claims.acl === null || Array.isArray(claims.acl))
  ) {
    throw usageError('acl must be a JSON object, for example {"paths":{"/*/users/**":{}}}')
  }

  checkLifetime(claims.iat as number, claims.exp as number, options.force ?? false)
  return orderClaims(claims)
}

function checkTime(name: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw usageError(`${name} must be a whole number of seconds since 1970, not ${showJson(value)}`)
  }

  if (value > LARGEST_PLAUSIBLE_SECONDS) {
    throw usageError(
      `${name}=${value} looks like milliseconds; JWT times are seconds since 1970 (${Math.floor(value / 1000)}?)`,
    )
  }
}

function checkLifetime(iat: number, exp: number, force: boolean): void {
  if (force) return
  const lifetime = exp - iat
  if (lifetime <= 0)
    throw usageError(
      `exp (${exp}) is not after iat (${iat}): the token would be expired when signed; use --force to sign it anyway`,
    )
  if (lifetime > MAX_TTL) {
    throw usageError(
      `a lifetime of ${lifetime} s is over Vonage's 24 h maximum (${MAX_TTL} s), so Vonage would refuse the token; use --force to sign it anyway`,
    )
  }
}

function parseJsonValue(name: string, raw: string, label = `claim ${name}`): unknown {
  try {
    return JSON.parse(raw)
  } catch (error) {
    // JSON.parse's message quotes the text; with DEBUG the cause is shown, so not for a secret-like one.
    const cause = looksSecret(raw) ? undefined : error
    throw usageError(
      `${label} is not valid JSON (${showInput(raw)}); for example ${name === 'acl' ? `'{"paths":{"/*/users/**":{}}}'` : '1767225600'}`,
      cause,
    )
  }
}

const ORDER = ['application_id', 'iat', 'jti', 'exp', 'nbf', 'sub', 'acl']

function orderClaims(claims: Claims): Claims {
  const names = [
    ...ORDER.filter((name) => name in claims),
    ...Object.keys(claims).filter((name) => !ORDER.includes(name)),
  ]
  return Object.fromEntries(names.filter((name) => claims[name] !== undefined).map((name) => [name, claims[name]]))
}

function flagName(claim: string): string {
  return claim === 'application_id' ? 'app-id' : claim
}

/**
 * `jwt:generate [PRIVATE_KEY] [NAME=VALUE...]`: the key may be left out when VONAGE_PRIVATE_KEY
 * is set, so a first argument that reads as a claim and is not an existing file is a claim.
 */
export function splitKeyAndClaims(
  args: readonly string[],
  isFile: (path: string) => boolean,
): {key?: string; claims: string[]} {
  const [first, ...rest] = args
  if (first === undefined) return {claims: []}
  if (/^[A-Za-z_][\w.:-]*=/.test(first) && !isFile(first)) return {claims: [...args]}
  return {claims: rest, key: first}
}
