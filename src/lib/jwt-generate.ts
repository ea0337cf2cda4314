// jwt:generate's procedure, shared by the oclif command and the bundled fast path in bin/run.js.
import {existsSync} from 'node:fs'

import {buildClaims, type Claims, parseClaimArgs, splitKeyAndClaims} from './claims.js'
import {JWT_HEADER, signJwt} from './jwt.js'
import {parsePrivateKey, readKeyText} from './keys.js'

export interface GenerateFlags {
  acl?: string
  'app-id'?: string
  exp?: number
  force?: boolean
  jti?: string
  nbf?: number
  sub?: string
  ttl?: number
}

export interface GeneratedJwt {
  token: string
  header: typeof JWT_HEADER
  claims: Claims
}

/** `[PRIVATE_KEY] [NAME=VALUE...]` plus flags → a signed token. Claims are checked before the key is read. */
export async function generateToken(args: readonly string[], flags: GenerateFlags): Promise<GeneratedJwt> {
  const split = splitKeyAndClaims(args, (path) => existsSync(path))
  const claims = buildClaims({...flags, appId: flags['app-id'], claims: parseClaimArgs(split.claims)})
  const privateKey = parsePrivateKey(
    await readKeyText(split.key, {
      envName: 'VONAGE_PRIVATE_KEY',
      source: 'the PRIVATE_KEY argument',
      what: 'private key',
    }),
  )
  return {claims, header: JWT_HEADER, token: await signJwt(privateKey, claims)}
}
