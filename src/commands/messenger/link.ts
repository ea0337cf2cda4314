import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {browserLink} from '../../lib/browser-link.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {
  browserFlags,
  browserSettings,
  linkAuthFlags,
  linkingSettings,
  pageFlags,
  pageSettings,
} from '../../lib/flags.js'
import {link, type LinkResult} from '../../lib/linking.js'

export default class MessengerLink extends BaseCommand {
  static summary = 'Link a Facebook Page to your Vonage account: the manual flow\'s "Subscribe", in one command.'
  static description = `The Page id goes to stdout. The link is read back to confirm it. A Page already linked with the same Page token is reported and left alone (exit 0); with another token, use messenger:relink.
Authentication: --jwt (or VONAGE_JWT), else --app-id with its private key, else your API key and secret (one request, nothing to clean up); --temp-app makes a temporary application to sign with instead, and deletes it again.
Without a Page or user token, --browser leaves Facebook Login to a person on Vonage's linking page, and waits (--wait) until a Page that was not linked before (or --page-id) is: the Page id goes to stdout. With --page-id and --application, a Page linked already without an application just gets it (the run after a failed application link). A page that takes a JWT (path ending in /messenger, as the seed's static.nexmo.com/messenger) gets one made as above, on the clipboard where possible and on stderr; an API key and secret cannot sign one.`

  static examples = [
    {
      command: 'FACEBOOK_PAGE_TOKEN=... <%= config.bin %> <%= command.id %> --page-id 104857412345678',
      description: 'With a Page token and the API key and secret from the environment',
    },
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --page "Pizza Place" --application "$APP"',
      description: 'Pick the Page from your user token, and link a Messages application to it',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --jwt "$JWT" --page-id 104857412345678 --page-token - < page-token.txt',
      description: 'The manual flow: a JWT and a Page token',
    },
  ]

  static flags = {
    ...linkAuthFlags,
    ...pageFlags,
    ...browserFlags,
    application: Flags.string({description: 'also link this Messages application to the Page (a Page takes one)'}),
    name: Flags.string({description: 'account name at Vonage [default: the Page name, when known]'}),
  }

  async run(): Promise<LinkResult> {
    const {flags} = await this.parse(MessengerLink)
    const browser = browserSettings(flags)
    const settings = {
      ...linkingSettings(flags),
      application: flags.application,
      name: flags.name,
      page: pageSettings(flags),
    }
    const clients = new Clients(settings)
    const {finished, label} = browser
      ? await browserLink(
          {...settings, ...browser, bin: this.config.bin, pageId: flags['page-id']},
          clients,
          this.reporter,
        )
      : await link(settings, clients, this.reporter)
    if (!this.jsonEnabled()) this.log(finished.value.account.external_id)
    const linked = finished.value.status === 'linked'
    const already = browser ? ` with application ${flags.application}` : ' with this Page token'
    this.notice(linked ? `Linked ${label}.` : `${label} was already linked${already}; nothing changed.`)
    return settle(finished, `${label} is linked`)
  }
}
