import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {authSettings, linkAuthFlags, vonageSettings, yesFlag} from '../../lib/flags.js'
import {unlink, type UnlinkResult} from '../../lib/linking.js'

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
    const settings = {
      application: flags.application,
      auth: authSettings(flags),
      pageId: flags['page-id'],
      vonage: vonageSettings(flags),
      yes: flags.yes,
    }
    const {done, finished} = await unlink(settings, new Clients(settings), this.reporter)
    const account = finished.value.unlinked ?? finished.value.unlinked_application
    if (!account || !done) {
      this.notice('Nothing was unlinked.')
      return finished.value
    }

    if (!this.jsonEnabled()) this.log(account.external_id)
    this.notice(`${done}.`)
    return settle(finished, done)
  }
}
