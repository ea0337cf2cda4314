import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {graphFlags, linkAuthFlags, linkingSettings} from '../../lib/flags.js'
import {formatStatus, judgeStatus, status, type StatusReport} from '../../lib/health.js'
import {WARN_WITHIN_DAYS} from '../../lib/pages.js'

export default class MessengerStatus extends BaseCommand {
  static summary = 'Check the health of every linked Page: a row per Page, a column per check, and a verdict.'
  static description = `At Vonage: the Page is linked, an application is linked to it, and that application exists with the Messages capability (this needs your API key and secret). At Facebook, with a user token: you still manage the Page, the stored Page token is valid, the days the link has left (the earlier of the token's expiry and the end of data access), the permissions Messenger needs (pages_messaging, pages_manage_metadata, pages_show_list) are granted for this Page, and an app is subscribed to its messages. Without a user token those columns say "unknown".
Each Page's verdict is ok, warn (its link lapses within --warn-days, or a check could not be made: a service failing, no user token, no API key and secret) or fail, with the reasons and the command that fixes each. Exit 0 when all are ok, 10 when some warn and none fails, 11 when some fail: a scheduled job can alert on it. Tokens are never shown.`

  static examples = [
    {command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %>', description: 'Every linked Page'},
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --json > status.json || echo "exit $?"',
      description: 'For a scheduled job: every check, as JSON',
    },
  ]

  static flags = {
    ...linkAuthFlags,
    ...graphFlags,
    'page-id': Flags.string({description: 'only this Page (repeat for more)', multiple: true}),
    'warn-days': Flags.integer({
      default: WARN_WITHIN_DAYS,
      description: 'a link with at most this many days left is a warn',
      max: 3650,
      min: 0,
    }),
  }

  async run(): Promise<StatusReport> {
    const {flags} = await this.parse(MessengerStatus)
    const settings = {
      ...linkingSettings(flags),
      bin: this.config.bin,
      pageIds: flags['page-id'] ?? [],
      warnDays: flags['warn-days'],
    }
    const finished = await status(settings, new Clients(settings), this.reporter)
    const text = this.jsonEnabled() ? '' : formatStatus(finished.value)
    if (text) this.log(text)
    const {failure, summary} = judgeStatus(finished)
    if (failure) throw failure
    this.notice(`${summary}.`)
    return settle(finished, summary)
  }
}
