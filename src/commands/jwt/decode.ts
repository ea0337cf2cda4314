import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {PluginError, usageError} from '../../lib/errors.js'
import {readStdin} from '../../lib/files.js'
import {inspectJwt, invalidReason, type JwtReport} from '../../lib/jwt.js'
import {parsePublicKey, readKeyText} from '../../lib/keys.js'
import {formatJwtReport} from '../../lib/output.js'
import {systemClock} from '../../lib/settings.js'

export default class JwtDecode extends BaseCommand {
  static summary = 'Show what a JWT says, whether it has expired, and whether its signature is valid.'
  static description = `Times are shown in UTC and relative to now. With --public-key (or --private-key, whose public half is used) the RS256 signature is checked.
Exits with 0 when the token is usable now, and with 9 when it is expired, not yet valid or wrongly signed.
Also answers to jwt:validate, the name today's Vonage CLI (3.x) gives it.`

  static aliases = ['jwt:validate']

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> "$JWT"', description: 'Read the claims and the expiry'},
    {
      command: '<%= config.bin %> <%= command.id %> "$JWT" --private-key ./temp.key',
      description: 'Also check the signature',
    },
    {
      command:
        '<%= config.bin %> jwt:generate ./temp.key application_id=ID | <%= config.bin %> <%= command.id %> - --json',
      description: 'From standard input, as JSON',
    },
  ]

  static args = {
    // Standard input is read only for "-", never for a missing argument (oclif's default).
    token: Args.string({description: 'the JWT, or "-" to read it from standard input', ignoreStdin: true}),
  }

  static flags = {
    'private-key': Flags.string({
      description: 'check the signature with the public half of this private key (file, "-" or PEM)',
      exclusive: ['public-key'],
    }),
    'public-key': Flags.string({
      description: 'check the signature with this RSA public key (file, "-" or PEM)',
      exclusive: ['private-key'],
    }),
  }

  async run(): Promise<JwtReport> {
    const {args, flags} = await this.parse(JwtDecode)
    if (args.token === undefined)
      throw usageError('no JWT given: pass the token, or "-" to read it from standard input')
    const keyFlag = flags['public-key'] ?? flags['private-key']
    if (keyFlag === '-' && args.token === '-') {
      throw usageError('the token and the key cannot both come from standard input; give one as a file or argument')
    }

    const token = args.token === '-' ? await readStdin('JWT') : args.token
    const [what, source] =
      flags['public-key'] === undefined ? ['private key', '--private-key'] : ['public key', '--public-key']
    const keyText = keyFlag === undefined ? undefined : await readKeyText(keyFlag, {source, what})
    const now = systemClock()
    const report = await inspectJwt(token, keyText && parsePublicKey(keyText), now)
    if (!this.jsonEnabled()) this.log(formatJwtReport(report, now, keyText?.origin))
    if (!report.valid)
      throw new PluginError('invalid', `invalid token: ${invalidReason(report)}`, {result: {...report}})

    return report
  }
}
