// The one place the clients of the outside services are built, from settings: the Applications API
// (through the SDK), the External Accounts API (authenticated as the linking plan says) and the
// Graph API. The sandbox replaces production by these settings alone. Also carries the clock.
import {VonageApplications} from './applications.js'
import type {Cleanup} from './cleanup.js'
import type {AdaptiveGate} from './concurrency.js'
import {type Credentials, resolveCredentials} from './credentials.js'
import {ExternalAccounts} from './external-accounts.js'
import {Graph} from './facebook.js'
import {baseUrl, type RequestGate, ServiceClock} from './http.js'
import {type Authorize, authorizer, type LinkAuthPlan} from './link-auth.js'
import {type Clock, type GraphSettings, systemClock, type VonageSettings} from './settings.js'

/** How the External Accounts requests are authorized, and the clock they are signed by. */
export interface Signing {
  authorize: Authorize
  clock: ServiceClock
}

export class Clients {
  private graphClient?: Graph

  constructor(
    private readonly settings: {vonage: VonageSettings; graph?: GraphSettings},
    readonly now: Clock = systemClock,
  ) {}

  /** The Applications client, with the credentials given or else those the resolver finds. */
  async applications(credentials?: Credentials): Promise<VonageApplications> {
    const {apiKey, apiSecret, host, timeoutMs} = this.settings.vonage
    return VonageApplications.connect({
      apiHost: host,
      credentials: credentials ?? (await resolveCredentials({apiKey, apiSecret})),
      timeoutMs,
    })
  }

  /**
   * The External Accounts client, authenticated as planned (with --temp-app, after making the
   * application); how it authorizes each request and the service's clock as its answers show it
   * (a JWT to show, and when it lapses: messenger:link --browser).
   */
  async accounts(
    plan: LinkAuthPlan,
    cleanup: Cleanup,
    gate?: AdaptiveGate,
  ): Promise<{accounts: ExternalAccounts} & Signing> {
    const {host, timeoutMs} = this.settings.vonage
    const authorize = await authorizer(plan, cleanup, (credentials) => this.applications(credentials))
    const clock = new ServiceClock(this.now)
    return {accounts: new ExternalAccounts({authorize, clock, gate, host, timeoutMs}), authorize, clock}
  }

  get graph(): Graph {
    this.graphClient ??= this.graphWith()
    return this.graphClient
  }

  /**
   * A Graph client of its own whose requests go through `gate`: for fleet commands, a gate apart
   * from Vonage's, as Facebook limits its rate apart from Vonage.
   */
  graphWith(gate?: RequestGate): Graph {
    if (!this.settings.graph) throw new Error('this command has no Graph API settings')
    const {host, timeoutMs, version} = this.settings.graph
    return new Graph({gate, host: baseUrl(host, '--graph-host (FACEBOOK_GRAPH_HOST)'), timeoutMs, version})
  }
}
