import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {DEFAULT_TTL, MAX_TTL} from '../../lib/claims.js'
import {oclifFlags} from '../../lib/flags.js'
import {type GeneratedJwt, generateToken, JWT_GENERATE_FLAGS, tokenLine} from '../../lib/jwt-generate.js'

export default class JwtGenerate extends BaseCommand {
  static summary = "Sign a Vonage JWT with an application's private key."
  static description = `The token goes to stdout with a newline and nothing else, so JWT="$(<%= config.bin %> <%= command.id %> …)" works.
Claims are the NAME=VALUE arguments; exp, nbf, iat and acl are read as JSON, everything else as text. application_id is required.
The token is RS256 with iat, a random jti and exp = iat + ${DEFAULT_TTL} s unless --ttl or exp says otherwise; lifetimes over ${MAX_TTL} s (Vonage's maximum) need --force.
PRIVATE_KEY, the first argument, is a key file, "-" for standard input, or the PEM text (after --, as it starts with dashes); --private-key takes the same instead (then every argument is a claim), so \`vonage jwt create\`'s flags work unchanged. Without either, VONAGE_PRIVATE_KEY (a path or the PEM, literal \\n accepted) is used.`

  static usage = '<%= command.id %> [PRIVATE_KEY] [NAME=VALUE...] [FLAGS]'
  static examples = [
    {
      command: '<%= config.bin %> <%= command.id %> ./temp.key application_id=YOUR_APP_ID',
      description: "The manual flow's step 2",
    },
    {
      command: 'JWT="$(<%= config.bin %> <%= command.id %> ./temp.key --app-id "$APP" --ttl 3600)"',
      description: 'Keep a one-hour token in a variable',
    },
    {
      command: `<%= config.bin %> <%= command.id %> ./private.key application_id=YOUR_APP_ID sub=alice acl='{"paths":{"/*/users/**":{}}}'`,
      description: 'Client SDK token for a user',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --private-key ./private.key --app-id YOUR_APP_ID --ttl 3600 --sub alice',
      description: "`vonage jwt create`'s flags",
    },
    {
      command: 'VONAGE_PRIVATE_KEY="$(cat private.key)" <%= config.bin %> <%= command.id %> --app-id YOUR_APP_ID',
      description: 'Key from the environment',
    },
  ]

  // Claims follow the key, so the command takes any number of arguments (strict = false). oclif's
  // help would list that as "[PRIVATE_KEY...]" against the usage line, and cannot declare an
  // optional key before a variadic argument, so the arguments are explained in the description
  // alone. Standard input is read only for "-", never for a missing key (oclif's default), as on the
  // fast path.
  static strict = false
  static args = {
    private_key: Args.string({ignoreStdin: true}),
  }

  // Declared once, as plain data, in src/lib/jwt-generate.ts: the fast path parses by the same spec.
  static flags = oclifFlags(JWT_GENERATE_FLAGS)

  async run(): Promise<GeneratedJwt> {
    const {argv, flags} = await this.parse(JwtGenerate)
    const result = await generateToken(argv as string[], flags)
    if (!this.jsonEnabled()) process.stdout.write(tokenLine(result))
    return result
  }
}
