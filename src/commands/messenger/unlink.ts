import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {withCleanup} from '../../lib/cleanup.js'
import {usageError} from '../../lib/errors.js'
import {checkPageId, type PublicAccount} from '../../lib/external-accounts.js'
import {linkAuthFlags, yesFlag} from '../../lib/flags.js'
import {connectAccounts, planLinkAuth} from '../../lib/link-auth.js'
import {findLinkedPage} from '../../lib/messenger.js'
import {pageLabel} from '../../lib/output.js'
import {confirmOrRefuse} from '../../lib/prompts.js'

export default class MessengerUnlink extends BaseCommand {
  static summary = 'Unlink a Facebook Page from your Vonage account (the manual flow\'s "Unsubscribe").'
  static description = 'Asks for confirmation at a terminal; scripts pass --yes. The Page id goes to stdout. An unknown Page is a not-found error (exit 4).'
  static examples = [{command: '<%= config.bin %> <%= command.id %> --page-id 104857412345678 --yes', description: 'From a script'}]
  static flags = {
    ...linkAuthFlags,
    ...yesFlag,
    'page-id': Flags.string({description: 'the Facebook Page id', required: true}),
  }

  async run(): Promise<{unlinked: PublicAccount}> {
    const {flags} = await this.parse(MessengerUnlink)
    checkPageId(flags['page-id'])
    const plan = await planLinkAuth(flags)
    const account = await withCleanup(async (cleanup) => {
      const accounts = await this.progress('Preparing the linking calls', () => connectAccounts(flags, plan, cleanup))
      const linked = await findLinkedPage(accounts, flags['page-id'])
      const label = pageLabel({id: linked.external_id, name: linked.name})
      const confirmed = await confirmOrRefuse(`Unlink ${label} from Vonage? Messages to it stop until it is linked again.`, {refusal: `not unlinking ${label}`, yes: flags.yes})
      if (!confirmed) throw usageError('nothing unlinked')
      cleanup.checkpoint()
      await this.progress(`Unlinking ${label}`, () => accounts.delete(linked.external_id))
      return linked
    })
    if (!this.jsonEnabled()) this.log(account.external_id)
    this.notice(`Unlinked ${pageLabel({id: account.external_id, name: account.name})}.`)
    return {unlinked: account}
  }
}
