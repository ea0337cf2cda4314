import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {MAX_CONCURRENCY} from '../../lib/concurrency.js'
import {linkAuthFlags, linkingSettings, pageFlags, pageSettings} from '../../lib/flags.js'
import {judgeRelink, relink, relinkLine, type RelinkReport} from '../../lib/linking.js'

export default class MessengerRelink extends BaseCommand {
  static summary =
    'Re-link a Page with a fresh Page token, keeping its name and application; the Page stays linked throughout.'
  static description = `The link expires (Facebook's data access lapses after 90 days); this replaces the stored Page token with one PATCH, confirmed from Vonage's answer. After an answer that may hide a success (a timeout, a reset, a 5xx) the link is read back, and the error says which token the Page has.
Where Vonage turns PATCH down, it says so in one warning and falls back to Unsubscribe + Subscribe: if a step after the unlink fails, the previous link is restored; if that fails too, the error gives the exact command that finishes the job.
--all re-links every linked Page your user token manages (one list, then one PATCH per Page), as many at once as Vonage answers well: from 4, doubling while answers are healthy, halved on a 429 (waiting as long as it asks), never more than --concurrency; one line per Page on stdout ("PAGE_ID relinked" or "PAGE_ID failed: why"); some failing is exit 8.`

  // oclif's generated usage line groups --name with the Page choice as if they excluded each other.
  static usage = [
    '<%= command.id %> (--page ID_OR_NAME | --page-id ID) [--name NAME] [FLAGS]',
    '<%= command.id %> --all [--concurrency N] [FLAGS]',
  ]

  static examples = [
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --page "Pizza Place"',
      description: 'Re-link one Page with the token your user token gives',
    },
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --all',
      description: 'The scheduled job: every linked Page you manage',
    },
  ]

  static flags = {
    ...linkAuthFlags,
    ...pageFlags,
    all: Flags.boolean({description: 'every linked Page the user token manages', exclusive: ['page', 'page-id']}),
    concurrency: Flags.integer({
      description: 'with --all: the most requests at once [default: as many as Vonage answers well, from 4 up to 32]',
      max: MAX_CONCURRENCY,
      min: 1,
    }),
    name: Flags.string({description: 'new account name [default: keep the current one]', exclusive: ['all']}),
  }

  async run(): Promise<RelinkReport> {
    const {flags} = await this.parse(MessengerRelink)
    const {all, concurrency, name} = flags
    const settings = {
      ...linkingSettings(flags),
      all,
      bin: this.config.bin,
      concurrency,
      name,
      page: pageSettings(flags),
    }
    const finished = await relink(settings, new Clients(settings), this.reporter)
    if (!this.jsonEnabled()) for (const result of finished.value.results) this.log(relinkLine(result))
    const {failure, summary} = judgeRelink(finished)
    if (all) this.notice(`${summary}.`)
    if (failure) throw failure
    return settle(finished, summary)
  }
}
