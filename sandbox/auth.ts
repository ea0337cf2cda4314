// How the sandbox checks credentials: HTTP Basic with the accepted key and secret, or a Bearer JWT
// verified as Vonage does: RS256 against the public key of an application it holds, application_id
// present, not expired, not yet valid, lifetime at most 24 h. Each failure throws its reason, which
// ends up in the 401 answer's `detail`.
import {createPublicKey} from 'node:crypto'
import {decodeJwt, errors as joseErrors, jwtVerify} from 'jose'

import type {SandboxState} from './state.js'

const MAX_LIFETIME = 24 * 60 * 60

function header(headers: Record<string, string | string[] | undefined>): string {
  const value = headers.authorization
  return Array.isArray(value) ? value[0] : (value ?? '')
}

export function checkBasic(state: SandboxState, headers: Record<string, string | string[] | undefined>): true {
  const match = /^Basic\s+(\S+)$/i.exec(header(headers))
  if (!match) throw new Error("Request header 'Authorization' missing")
  const [key, ...secret] = Buffer.from(match[1], 'base64').toString('utf8').split(':')
  if (key !== state.credentials.apiKey || secret.join(':') !== state.credentials.apiSecret)
    throw new Error('Invalid credentials')
  return true
}

export async function checkBearer(
  state: SandboxState,
  headers: Record<string, string | string[] | undefined>,
): Promise<true> {
  const match = /^Bearer\s+(\S+)$/i.exec(header(headers))
  if (!match) throw new Error("Request header 'Authorization' missing")
  const token = match[1]
  let claims: Record<string, unknown>
  try {
    claims = decodeJwt(token)
  } catch {
    throw new Error('Invalid Token: not a JWT')
  }

  if (typeof claims.application_id !== 'string') throw new Error('Invalid Token: no application_id claim')
  const application = state.applications.get(claims.application_id)
  if (!application) throw new Error('Invalid Token: unknown application_id')
  try {
    await jwtVerify(token, createPublicKey(application.keys.public_key), {
      algorithms: ['RS256'],
      currentDate: new Date(state.now() * 1000),
    })
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new Error('Invalid Token: expired', {cause: error})
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf')
      throw new Error('Invalid Token: not yet valid', {cause: error})
    throw new Error('Invalid Token: signature verification failed', {cause: error})
  }

  if (typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp - claims.iat > MAX_LIFETIME) {
    throw new Error('Invalid Token: lifetime longer than 24 hours')
  }

  return true
}
