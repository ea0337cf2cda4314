// jwt:generate without oclif: its flags, its procedure (arguments + flags → a signed JWT) and how
// the token is printed. The oclif command (src/commands/jwt/generate.ts) and the bundled fast path
// (src/fast/index.ts) are both thin shells around this module, so they cannot drift apart.
import {existsSync} from 'node:fs'

import {buildClaims, type Claims, DEFAULT_TTL, MAX_TTL, parseClaimArgs, splitKeyAndClaims} from './claims.js'
import {usageError} from './errors.js'
import type {FlagSpecs, FlagValues} from './flag-spec.js'
import {JWT_HEADER, signJwt} from './jwt.js'
import {parsePrivateKey, readKeyText} from './keys.js'

/**
 * jwt:generate's flags (besides --json), the one list both paths parse by. No defaults, env or
 * ranges: `--ttl` must stay unset unless given (buildClaims refuses it together with an exp claim,
 * and checks its range with its own words), and the claims' flags have nothing to fall back on.
 */
export const JWT_GENERATE_FLAGS = {
  acl: {description: 'acl claim, as JSON', kind: 'string'},
  'app-id': {description: 'application_id claim: the Vonage application the key belongs to', kind: 'string'},
  exp: {description: 'exp claim: expiry in seconds since 1970 (instead of --ttl)', kind: 'integer'},
  force: {
    description: `sign even when the lifetime is over ${MAX_TTL} s or the token would be born expired`,
    kind: 'boolean',
  },
  jti: {description: 'jti claim (default: a random UUID)', kind: 'string'},
  nbf: {description: 'nbf claim: not valid before, in seconds since 1970', kind: 'integer'},
  'private-key': {
    description: 'the private key (file, "-" or PEM) instead of the PRIVATE_KEY argument, as `vonage jwt create`',
    kind: 'string',
  },
  sub: {description: 'sub claim: the user the token is for', kind: 'string'},
  ttl: {description: `lifetime in seconds [default: ${DEFAULT_TTL}]`, kind: 'integer'},
} as const satisfies FlagSpecs

export type GenerateFlags = FlagValues<typeof JWT_GENERATE_FLAGS>

/** jwt:generate's result, and its --json output (plus `warnings`). */
export interface GeneratedJwt {
  token: string
  header: typeof JWT_HEADER
  claims: Claims
}

/** `[PRIVATE_KEY] [NAME=VALUE...]` plus flags → a signed token. Claims are checked before the key is read. */
export async function generateToken(args: readonly string[], flags: GenerateFlags): Promise<GeneratedJwt> {
  const keyFlag = flags['private-key']
  const split = keyFlag === undefined ? splitKeyAndClaims(args, (path) => existsSync(path)) : claimsOnly(args)
  const claims = buildClaims({...flags, appId: flags['app-id'], claims: parseClaimArgs(split.claims)})
  if (keyFlag?.trim() === '') throw usageError('--private-key is empty; give a key file, "-" or the PEM text')
  const privateKey = parsePrivateKey(
    await readKeyText(keyFlag ?? split.key, {
      envName: 'VONAGE_PRIVATE_KEY',
      source: keyFlag === undefined ? 'the PRIVATE_KEY argument' : '--private-key',
      what: 'private key',
    }),
  )
  return {claims, header: JWT_HEADER, token: await signJwt(privateKey, claims)}
}

/**
 * With --private-key every argument is a claim; a first one that would otherwise be read as the
 * key (not NAME=VALUE) is the key given twice. Its value is not repeated: it may be the key itself.
 */
function claimsOnly(args: readonly string[]): {key?: string; claims: string[]} {
  if (splitKeyAndClaims(args, () => false).key !== undefined) {
    throw usageError('the private key is given twice, as the PRIVATE_KEY argument and as --private-key; give one')
  }

  return {claims: [...args]}
}

/** What jwt:generate prints without --json: the token and a newline, nothing else (for JWT="$(…)"). */
export function tokenLine(jwt: GeneratedJwt): string {
  return `${jwt.token}\n`
}
