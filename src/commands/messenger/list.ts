import {BaseCommand} from '../../lib/base-command.js'
import {settle, withCleanup} from '../../lib/cleanup.js'
import {connectGraph, graphFlags, linkAuthFlags} from '../../lib/flags.js'
import {connectAccounts, planLinkAuth} from '../../lib/link-auth.js'
import {listAccounts, type ListedAccount} from '../../lib/messenger.js'
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

  async run(): Promise<{accounts: ListedAccount[]}> {
    const {flags} = await this.parse(MessengerList)
    const userToken = flags['user-token']
    const now = Math.floor(Date.now() / 1000)
    const plan = await planLinkAuth(flags)
    const expiry = userToken ? {graph: connectGraph(flags), now, userToken} : undefined
    const finished = await withCleanup(async (cleanup) => ({
      accounts: await this.progress('Listing the linked Pages', async () =>
        listAccounts(await connectAccounts(flags, plan, cleanup), expiry),
      ),
    }))
    const {accounts} = finished.value
    if (!this.jsonEnabled()) {
      const rows = accounts.map((account) => [
        account.external_id,
        account.name ?? '',
        account.applications.join(',') || '-',
        daysLeft(account, Boolean(userToken)),
      ])
      this.log(
        accounts.length === 0
          ? 'No Facebook Page is linked.'
          : formatTable(['PAGE ID', 'NAME', 'APPLICATION', 'DAYS LEFT'], rows),
      )
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
