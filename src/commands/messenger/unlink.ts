import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {settle, withCleanup} from '../../lib/cleanup.js'
import {checkPageId, type PublicAccount} from '../../lib/external-accounts.js'
import {linkAuthFlags, yesFlag} from '../../lib/flags.js'
import {connectAccounts, planLinkAuth} from '../../lib/link-auth.js'
import {findLinkedPage, unlinkApplication} from '../../lib/messenger.js'
import {pageLabel} from '../../lib/output.js'
import {confirmOrRefuse} from '../../lib/prompts.js'
import {checkApplicationId} from '../../lib/vonage.js'

export interface UnlinkResult {
  unlinked?: PublicAccount
  /** With --application: the account after the application was unlinked from it. */
  unlinked_application?: PublicAccount
  /** The person at the terminal said no. */
  declined?: true
}

export default class MessengerUnlink extends BaseCommand {
  static summary = 'Unlink a Facebook Page from your Vonage account (the manual flow\'s "Unsubscribe").'
  static description = `Asks for confirmation at a terminal (answering no changes nothing, exit 0); scripts pass --yes. The Page id goes to stdout. An unknown Page is a not-found error (exit 4).
With --application, only that application is unlinked from the Page, which stays linked (a Page takes one application: do this before linking another).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --page-id 104857412345678 --yes', description: 'From a script'},
    {
      command: '<%= config.bin %> <%= command.id %> --page-id 104857412345678 --application "$OLD_APP" --yes',
      description: 'Keep the Page linked, detach its application',
    },
  ]
  static flags = {
    ...linkAuthFlags,
    ...yesFlag,
    application: Flags.string({description: 'unlink only this application from the Page; the Page stays linked'}),
    'page-id': Flags.string({description: 'the Facebook Page id', required: true}),
  }

  async run(): Promise<UnlinkResult> {
    const {flags} = await this.parse(MessengerUnlink)
    checkPageId(flags['page-id'])
    if (flags.application) checkApplicationId(flags.application)
    const plan = await planLinkAuth(flags)
    const finished = await withCleanup(async (cleanup): Promise<UnlinkResult> => {
      const accounts = await this.progress('Preparing the linking calls', () => connectAccounts(flags, plan, cleanup))
      const linked = await findLinkedPage(accounts, flags['page-id'])
      const label = pageLabel({id: linked.external_id, name: linked.name})
      const what = flags.application ? `application ${flags.application} from ${label}` : label
      const question = flags.application
        ? `Unlink ${what}? Inbound messages stop reaching that application.`
        : `Unlink ${what} from Vonage? Messages to it stop until it is linked again.`
      const confirmed = await confirmOrRefuse(question, {refusal: `not unlinking ${what}`, yes: flags.yes})
      if (!confirmed) return {declined: true}
      cleanup.checkpoint()
      if (flags.application)
        return {
          unlinked_application: await this.progress(`Unlinking ${what}`, () =>
            unlinkApplication(accounts, linked, flags.application!),
          ),
        }
      await this.progress(`Unlinking ${label}`, () => accounts.delete(linked.external_id))
      return {unlinked: linked}
    })
    const result = finished.value
    const account = result.unlinked ?? result.unlinked_application
    if (!account) {
      this.notice('Nothing was unlinked.')
      return result
    }

    if (!this.jsonEnabled()) this.log(account.external_id)
    const done = result.unlinked
      ? `Unlinked ${pageLabel({id: account.external_id, name: account.name})}`
      : `Unlinked application ${flags.application} from ${pageLabel({id: account.external_id, name: account.name})}; the Page stays linked`
    this.notice(`${done}.`)
    return settle(finished, done)
  }
}
