// Signing, decoding and checking Vonage JWTs (RS256) with jose. Only the jose sub-paths each
// function needs are imported, and only when called, so `jwt:generate` loads no verifier and
// `jwt:decode` no signer.
import type {KeyObject} from 'node:crypto'

import type {Claims} from './claims.js'
import {showJson, usageError} from './errors.js'

export const JWT_HEADER = {alg: 'RS256', typ: 'JWT'} as const

export interface DecodedJwt {
  header: Record<string, unknown>
  claims: Claims
}

export async function signJwt(privateKey: KeyObject, claims: Claims): Promise<string> {
  const {SignJWT} = await import('jose/jwt/sign')
  return new SignJWT(claims).setProtectedHeader(JWT_HEADER).sign(privateKey)
}

/** Reads header and claims without checking anything. */
export async function decodeJwt(token: string): Promise<DecodedJwt> {
  const [{decodeJwt: decodePayload}, {decodeProtectedHeader}] = await Promise.all([
    import('jose/jwt/decode'),
    import('jose/decode/protected_header'),
  ])
  const trimmed = token.trim()
  if (trimmed.split('.').length !== 3) {
    throw usageError('that is not a JWT: expected three base64url parts separated by dots (header.claims.signature)')
  }

  try {
    return {claims: decodePayload(trimmed), header: decodeProtectedHeader(trimmed)}
  } catch (error) {
    throw usageError('that is not a valid JWT: its header or claims are not base64url-encoded JSON objects', error)
  }
}

/** True when the token carries a valid RS256 signature by the key's private half. */
export async function hasValidSignature(token: string, publicKey: KeyObject): Promise<boolean> {
  const {compactVerify} = await import('jose/jws/compact/verify')
  try {
    await compactVerify(token.trim(), publicKey, {algorithms: ['RS256']})
    return true
  } catch {
    return false
  }
}

export type TimeStatus = 'valid' | 'expired' | 'not-yet-valid' | 'malformed'

/** What is wrong with the time claims, if anything: exp, nbf and iat are numbers (RFC 7519 NumericDate). */
export function timeClaimsProblem(claims: Claims): string | undefined {
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name]
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) continue
    return `its ${name} claim is ${showJson(value)}, not a number of seconds since 1970`
  }

  return undefined
}

/** Where `now` (seconds) falls between the token's nbf and exp; 'malformed' when those are not numbers. */
export function timeStatus(claims: Claims, now: number): TimeStatus {
  if (timeClaimsProblem(claims)) return 'malformed'
  if (typeof claims.exp === 'number' && claims.exp <= now) return 'expired'
  if (typeof claims.nbf === 'number' && claims.nbf > now) return 'not-yet-valid'
  return 'valid'
}

export type SignatureCheck = 'valid' | 'invalid' | 'not checked'

export interface JwtReport extends DecodedJwt {
  status: TimeStatus
  signature: SignatureCheck
  /** Usable now: within its times and not carrying a bad signature. */
  valid: boolean
}

/** Decodes a token and, when a public key is given, checks its signature. */
export async function inspectJwt(token: string, publicKey: KeyObject | undefined, now: number): Promise<JwtReport> {
  const decoded = await decodeJwt(token)
  let signature: SignatureCheck = 'not checked'
  if (publicKey) signature = (await hasValidSignature(token, publicKey)) ? 'valid' : 'invalid'
  const status = timeStatus(decoded.claims, now)
  return {...decoded, signature, status, valid: status === 'valid' && signature !== 'invalid'}
}

/** Why a report is not valid, in words: the signature, the time claims, or where now falls. */
export function invalidReason(report: JwtReport): string | undefined {
  if (report.valid) return undefined
  if (report.signature === 'invalid') return 'the signature does not match the key'
  return timeClaimsProblem(report.claims) ?? `the token is ${report.status.replaceAll('-', ' ')}`
}
