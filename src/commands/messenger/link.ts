import {Flags, type Interfaces} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {browserLink, DEFAULT_LINKING_PAGE, parseWait} from '../../lib/browser-link.js'
import {settle} from '../../lib/cleanup.js'
import {Clients} from '../../lib/clients.js'
import {usageError} from '../../lib/errors.js'
import {linkAuthFlags, linkingSettings, pageFlags, pageSettings} from '../../lib/flags.js'
import {baseUrl} from '../../lib/http.js'
import {link, type LinkResult} from '../../lib/linking.js'

const BROWSER = 'BROWSER'

export default class MessengerLink extends BaseCommand {
  static summary = 'Link a Facebook Page to your Vonage account: the manual flow\'s "Subscribe", in one command.'
  static description = `The Page id goes to stdout. The link is read back to confirm it. A Page already linked with the same Page token is reported and left alone (exit 0); with another token, use messenger:relink.
Authentication: --jwt (or VONAGE_JWT), else --app-id with its private key, else your API key and secret (one request, nothing to clean up); --temp-app makes a temporary application to sign with instead, and deletes it again.
Without a Page or user token, --browser leaves Facebook Login to a person on Vonage's linking page, and waits (--wait) until a Page that was not linked before (or --page-id) is: the Page id goes to stdout. A page that takes a JWT (path ending in /messenger, as the seed's static.nexmo.com/messenger) gets one made as above, on the clipboard where possible and on stderr; an API key and secret cannot sign one.`

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
    application: Flags.string({description: 'also link this Messages application to the Page (a Page takes one)'}),
    browser: Flags.boolean({
      description: 'a person links the Page on the linking page (Facebook Login there); this waits for it',
      helpGroup: BROWSER,
    }),
    'linking-page': Flags.string({
      default: DEFAULT_LINKING_PAGE,
      description: 'with --browser: the page to open; one whose path ends in /messenger takes a JWT',
      helpGroup: BROWSER,
    }),
    name: Flags.string({description: 'account name at Vonage [default: the Page name, when known]'}),
    open: Flags.boolean({
      allowNo: true,
      default: true,
      description: "with --browser: open the page in a browser (BROWSER, else the system's); --no-open prints its URL",
      helpGroup: BROWSER,
    }),
    wait: Flags.string({
      default: '10m',
      description: 'with --browser: how long to wait for the Page (90s, 10m, 1h)',
      helpGroup: BROWSER,
    }),
  }

  async run(): Promise<LinkResult> {
    const {flags} = await this.parse(MessengerLink)
    if (flags.browser) return this.browser(flags)
    const browserOnly = [
      flags['linking-page'] !== DEFAULT_LINKING_PAGE && '--linking-page',
      !flags.open && '--no-open',
      flags.wait !== '10m' && '--wait',
    ].filter((name): name is string => typeof name === 'string')
    if (browserOnly.length > 0)
      throw usageError(`${browserOnly.join(', ')} ${browserOnly.length > 1 ? 'go' : 'goes'} with --browser`)
    const settings = {
      ...linkingSettings(flags),
      application: flags.application,
      name: flags.name,
      page: pageSettings(flags),
    }
    const {finished, label} = await link(settings, new Clients(settings), this.reporter)
    if (!this.jsonEnabled()) this.log(finished.value.account.external_id)
    const linked = finished.value.status === 'linked'
    this.notice(linked ? `Linked ${label}.` : `${label} was already linked with this Page token; nothing changed.`)
    return settle(finished, `${label} is linked`)
  }

  /** --browser: the linking page does steps 3-4; this waits, then prints the Page id. */
  private async browser(flags: Interfaces.InferredFlags<typeof MessengerLink.flags>) {
    const given = (['page', 'page-token', 'user-token', 'name'] as const).filter((name) => flags[name] !== undefined)
    if (given.length > 0)
      throw usageError(`--browser takes no --${given.join(', --')}: the linking page picks the Page and names it`)
    const waitSeconds = parseWait(flags.wait)
    if (waitSeconds === undefined)
      throw usageError(`--wait takes a time such as 90s, 10m or 1h, not ${JSON.stringify(flags.wait)}`)
    const settings = {
      ...linkingSettings(flags),
      application: flags.application,
      linkingPage: baseUrl(flags['linking-page'], '--linking-page'),
      open: flags.open,
      pageId: flags['page-id'],
      waitSeconds,
    }
    const {finished, label} = await browserLink(settings, new Clients(settings), this.reporter)
    if (!this.jsonEnabled()) this.log(finished.value.account.external_id)
    this.notice(`Linked ${label}.`)
    return settle(finished, `${label} is linked`)
  }
}
