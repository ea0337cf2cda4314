import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {oclifFlags} from '../../lib/flags.js'
import {checkUsable, decodeToken, JWT_DECODE_FLAGS} from '../../lib/jwt-decode.js'
import type {JwtReport} from '../../lib/jwt.js'

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

  // Declared once, as plain data, in src/lib/jwt-decode.ts: the fast path parses by the same spec.
  static flags = oclifFlags(JWT_DECODE_FLAGS)

  async run(): Promise<JwtReport> {
    const {args, flags} = await this.parse(JwtDecode)
    const {report, text} = await decodeToken(args.token, flags)
    if (!this.jsonEnabled()) this.log(text)
    return checkUsable(report)
  }
}
