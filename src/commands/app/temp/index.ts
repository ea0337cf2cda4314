import {Errors, Flags} from '@oclif/core'
import {resolve} from 'node:path'

import {BaseCommand} from '../../../lib/base-command.js'
import {settle, withCleanup} from '../../../lib/cleanup.js'
import {showInput} from '../../../lib/errors.js'
import {Clients} from '../../../lib/clients.js'
import {vonageFlags, vonageSettings} from '../../../lib/flags.js'
import {printable} from '../../../lib/printable.js'
import {
  type AppTempResult,
  createTempApplicationWithKey,
  DEFAULT_WEBHOOKS,
  TEMP_PREFIX,
  tempApplicationName,
} from '../../../lib/temp-app.js'

/**
 * A webhook flag: an http or https URL, refused while parsing (before any request) otherwise.
 * Vonage would store a file: or javascript: webhook and post nothing to it. A value with "@" is not
 * repeated in the message: it may carry a password.
 */
const webhookFlag = (description: string, fallback: string) =>
  Flags.url({
    default: new URL(fallback),
    description,
    // eslint-disable-next-line @typescript-eslint/require-await -- oclif's parse returns a Promise
    async parse(input) {
      const url = URL.canParse(input) ? new URL(input) : undefined
      if (url?.protocol === 'http:' || url?.protocol === 'https:') return url
      const shown = input.includes('@') ? 'that value (not repeated: it holds "@")' : showInput(input)
      throw new Errors.CLIError(`expected an http or https URL such as ${fallback}, not ${shown}`)
    },
  })

export default class AppTemp extends BaseCommand {
  static summary = 'Create a temporary Messages application and save its private key.'
  static description = `Step 1 of the manual flow. The application id goes to stdout; the private key is written to --keyfile with mode 0600 and never printed.
If the key cannot be written, the application is deleted again, so nothing is left behind. Its name starts with "${TEMP_PREFIX}", which app:temp:delete --all looks for.`

  static examples = [
    {
      command: 'APP="$(<%= config.bin %> <%= command.id %> --keyfile temp.key)"',
      description: "The manual flow's step 1",
    },
    {command: '<%= config.bin %> jwt:generate ./temp.key application_id=$APP', description: 'then step 2'},
    {
      command: '<%= config.bin %> <%= command.id %> --keyfile temp.key --force --json',
      description: 'Replace an old key file; JSON out',
    },
  ]

  static flags = {
    ...vonageFlags,
    force: Flags.boolean({description: 'replace --keyfile if it exists'}),
    'inbound-url': webhookFlag('inbound message webhook', DEFAULT_WEBHOOKS.inboundUrl),
    keyfile: Flags.string({
      default: './temp.key',
      description:
        'where to save the private key: a new file (with --force, a regular file to replace); never "-", a symbolic link, a device or a FIFO',
    }),
    name: Flags.string({
      description: `a label for the name, which is always ${TEMP_PREFIX}[NAME-]<date>-<time>-<random>: marked as temporary and unique`,
    }),
    'status-url': webhookFlag('message status webhook', DEFAULT_WEBHOOKS.statusUrl),
  }

  async run(): Promise<AppTempResult> {
    const {flags} = await this.parse(AppTemp)
    const client = await new Clients({vonage: vonageSettings(flags)}).applications()
    const name = tempApplicationName(flags.name)
    const urls = {inboundUrl: flags['inbound-url'].toString(), statusUrl: flags['status-url'].toString()}
    const finished = await withCleanup((cleanup) =>
      this.progress('Creating a temporary Messages application', () =>
        createTempApplicationWithKey(client, {force: flags.force, keyfile: flags.keyfile, name, urls}, cleanup),
      ),
    )
    const application = finished.value
    if (!this.jsonEnabled()) this.log(application.id)
    const done = `created ${application.name} (${application.id}); its private key is in ${flags.keyfile}`
    this.notice(
      `Created ${printable(application.name)}; its private key is in ${flags.keyfile}. Delete it when done: ${this.config.bin} app:temp:delete ${application.id}`,
    )
    return settle(
      {...finished, value: {id: application.id, keyfile: resolve(flags.keyfile), name: application.name}},
      done,
    )
  }
}
