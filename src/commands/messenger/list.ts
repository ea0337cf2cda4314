import {BaseCommand} from '../../lib/base-command.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {graphFlags, linkAuthFlags, linkingSettings} from '../../lib/flags.js'
import {list, type ListedAccount, type ListReport} from '../../lib/linking.js'
import {formatTable} from '../../lib/output.js'

export default class MessengerList extends BaseCommand {
  static summary =
    'List the linked Facebook Pages, with their application and (given a user token) how long each link has left.'
  static description =
    "Access tokens are never shown. DAYS LEFT is the earlier of the Page token's expiry and the end of Facebook data access, as debug_token tells them."
  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'A table'},
    {command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --json', description: 'JSON, with expiry'},
  ]

  static flags = {...linkAuthFlags, ...graphFlags}

  async run(): Promise<ListReport> {
    const {flags} = await this.parse(MessengerList)
    const settings = linkingSettings(flags)
    const finished = await list(settings, new Clients(settings), this.reporter)
    const {accounts} = finished.value
    if (!this.jsonEnabled()) {
      const asked = Boolean(settings.graph.userToken)
      const rows = accounts.map((account) => [
        account.external_id,
        account.name ?? '',
        account.applications.join(',') || '-',
        daysLeft(account, asked),
      ])
      const table = formatTable(['PAGE ID', 'NAME', 'APPLICATION', 'DAYS LEFT'], rows)
      this.log(accounts.length === 0 ? 'No Facebook Page is linked.' : table)
    }

    return settle(finished, `${accounts.length} linked Page(s) listed`)
  }
}

function daysLeft(account: ListedAccount, asked: boolean): string {
  if (!asked) return '(needs --user-token)'
  if (account.token_valid === false) return 'expired'
  if (account.days_left === undefined) return account.token_valid ? 'no expiry' : 'unknown'
  return String(account.days_left)
}
