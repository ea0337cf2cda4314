// jwt:decode without oclif: its flags, its procedure (a token and maybe a key → a report, the human
// text printed before a failure) and the failure of an unusable token. The oclif command
// (src/commands/jwt/decode.ts) and the bundled fast path (src/fast) are both thin shells around
// this module, so they cannot drift apart.
import {PluginError, usageError} from './errors.js'
import {readStdin} from './files.js'
import type {FlagSpecs, FlagValues} from './flag-spec.js'
import {inspectJwt, invalidReason, type JwtReport} from './jwt.js'
import {parsePublicKey, readKeyText} from './keys.js'
import {formatJwtReport} from './output.js'
import {systemClock} from './settings.js'

export const JWT_DECODE_FLAGS = {
  'private-key': {
    description: 'check the signature with the public half of this private key (file, "-" or PEM)',
    exclusive: ['public-key'],
    kind: 'string',
  },
  'public-key': {
    description: 'check the signature with this RSA public key (file, "-" or PEM)',
    exclusive: ['private-key'],
    kind: 'string',
  },
} as const satisfies FlagSpecs

export type DecodeFlags = FlagValues<typeof JWT_DECODE_FLAGS>

/** The report, and its text for people (printed, without --json, before an invalid token fails). */
export async function decodeToken(
  token: string | undefined,
  flags: DecodeFlags,
): Promise<{report: JwtReport; text: string}> {
  if (token === undefined) throw usageError('no JWT given: pass the token, or "-" to read it from standard input')
  const keyFlag = flags['public-key'] ?? flags['private-key']
  if (keyFlag === '-' && token === '-') {
    throw usageError('the token and the key cannot both come from standard input; give one as a file or argument')
  }

  const jwt = token === '-' ? await readStdin('JWT') : token
  const [what, source] =
    flags['public-key'] === undefined ? ['private key', '--private-key'] : ['public key', '--public-key']
  const keyText = keyFlag === undefined ? undefined : await readKeyText(keyFlag, {source, what})
  const now = systemClock()
  const report = await inspectJwt(jwt, keyText && parsePublicKey(keyText), now)
  return {report, text: formatJwtReport(report, now, keyText?.origin)}
}

/** An expired, not yet valid or wrongly signed token fails with exit 9, its report as the --json result. */
export function checkUsable(report: JwtReport): JwtReport {
  if (!report.valid) throw new PluginError('invalid', `invalid token: ${invalidReason(report)}`, {result: {...report}})
  return report
}
