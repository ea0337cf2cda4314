import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {browserRelink} from '../../lib/browser-link.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {MAX_CONCURRENCY} from '../../lib/concurrency.js'
import {relinkFleet} from '../../lib/fleet.js'
import {
  browserFlags,
  browserSettings,
  linkAuthFlags,
  linkingSettings,
  pageFlags,
  pageSettings,
} from '../../lib/flags.js'
import {judgeRelink, relink, relinkLine, type RelinkReport} from '../../lib/linking.js'

export default class MessengerRelink extends BaseCommand {
  static summary =
    'Re-link a Page with a fresh Page token, keeping its name and application; the Page stays linked throughout.'
  static description = `The link expires (Facebook's data access lapses after 90 days); this replaces the stored Page token with one PATCH, confirmed from Vonage's answer. After an answer that may hide a success (a timeout, a reset, a 5xx) the link is read back, and the error says which token the Page has.
Where Vonage turns PATCH down, it says so in one warning and falls back to Unsubscribe + Subscribe: if a step after the unlink fails, the previous link is restored; if that fails too, the error gives the exact command that finishes the job.
Without a Page or user token, --browser --page-id ID leaves the renewal to a person on Vonage's linking page (Facebook Login there, Unsubscribe, then Subscribe), and waits (--wait) until the Page is linked with another token; its name (or --name) and application are then put back. A page that takes a JWT (path ending in /messenger) gets one, as messenger:link --browser does, and a fresh one if it lapses while waiting.
--all re-links every linked Page your user token manages, reading the linked accounts a page at a time: one PATCH per Page, paced to the rate each service allows (learnt from its first 429, whose Retry-After is waited out; never more than --concurrency requests at once); one line per Page on stdout ("PAGE_ID relinked", "PAGE_ID skipped: …" or "PAGE_ID failed: why"), and at a terminal a progress bar on stderr. --expiring-within DAYS re-links only the Pages whose link lapses within DAYS or is invalid already, so a scheduled run is cheap and a re-run does only what is left. Ctrl-C starts no new Page, lets those under way finish, and prints the summary (exit 130). Some failing is exit 8.`

  // oclif's generated usage line groups --name with the Page choice as if they excluded each other.
  static usage = [
    '<%= command.id %> (--page ID_OR_NAME | --page-id ID) [--name NAME] [FLAGS]',
    '<%= command.id %> --all [--expiring-within DAYS] [--concurrency N] [FLAGS]',
    '<%= command.id %> --browser --page-id ID [--name NAME] [--linking-page URL] [--wait TIME] [FLAGS]',
  ]

  static examples = [
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --page "Pizza Place"',
      description: 'Re-link one Page with the token your user token gives',
    },
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --all --expiring-within 30',
      description: 'The scheduled job: every linked Page you manage whose link lapses within 30 days',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --browser --page-id 104857412345678 --temp-app',
      description: "Renew one Page's link by hand on Vonage's linking page, the rest done here",
    },
  ]

  static flags = {
    ...linkAuthFlags,
    ...pageFlags,
    ...browserFlags,
    all: Flags.boolean({description: 'every linked Page the user token manages', exclusive: ['page', 'page-id']}),
    concurrency: Flags.integer({
      dependsOn: ['all'],
      description:
        'with --all: the most requests at once to each service [default: as many as it answers well, up to 32]',
      max: MAX_CONCURRENCY,
      min: 1,
    }),
    'expiring-within': Flags.integer({
      dependsOn: ['all'],
      description: 'with --all: only the Pages whose link lapses within DAYS days (or is invalid already)',
      helpValue: 'DAYS',
      max: 3650,
      min: 0,
    }),
    name: Flags.string({description: 'new account name [default: keep the current one]', exclusive: ['all']}),
  }

  async run(): Promise<RelinkReport> {
    const {flags} = await this.parse(MessengerRelink)
    const browser = browserSettings(flags, 'relink')
    const settings = {...linkingSettings(flags), bin: this.config.bin}
    const clients = new Clients(settings)
    const finished = browser
      ? await browserRelink(
          {...settings, ...browser, name: flags.name, pageId: flags['page-id']!},
          clients,
          this.reporter,
        )
      : flags.all
        ? await relinkFleet(
            {...settings, concurrency: flags.concurrency, expiringWithin: flags['expiring-within']},
            clients,
            this.reporter,
          )
        : await relink({...settings, name: flags.name, page: pageSettings(flags)}, clients, this.reporter)
    if (!flags.all && !this.jsonEnabled()) this.log(relinkLine(finished.value.results[0]))
    const {failure, summary} = judgeRelink(finished)
    if (flags.all) this.notice(`${summary}.`)
    if (failure) throw failure
    return settle(finished, summary)
  }
}
