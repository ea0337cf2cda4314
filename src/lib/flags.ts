// Flags several commands share, defined once and spread into each command's `flags`.
import {Flags} from '@oclif/core'

import {resolveCredentials} from './credentials.js'
import {baseUrl, DEFAULT_TIMEOUT_MS} from './http.js'
import {DEFAULT_API_HOST, VonageApplications} from './vonage.js'

const VONAGE = 'VONAGE'

/** Account credentials and where Vonage is: for commands that call the Applications API. */
export const vonageFlags = {
  'api-host': Flags.string({default: DEFAULT_API_HOST, description: 'Vonage API base URL', env: 'VONAGE_API_HOST', helpGroup: VONAGE}),
  'api-key': Flags.string({description: 'Vonage API key (default: VONAGE_API_KEY, NEXMO_API_KEY, .nexmorc or @vonage/cli config)', helpGroup: VONAGE}),
  'api-secret': Flags.string({description: 'Vonage API secret (prefer VONAGE_API_SECRET: flags end up in shell history)', helpGroup: VONAGE}),
  timeout: Flags.integer({default: DEFAULT_TIMEOUT_MS / 1000, description: 'seconds to wait for each answer', helpGroup: VONAGE, min: 1}),
}

export interface VonageFlagValues {
  'api-host': string
  'api-key'?: string
  'api-secret'?: string
  timeout: number
}

/** A Vonage client from the shared flags, with credentials from the resolver. */
export async function connectVonage(flags: VonageFlagValues): Promise<VonageApplications> {
  const apiHost = baseUrl(flags['api-host'], '--api-host (VONAGE_API_HOST)')
  const credentials = await resolveCredentials({apiKey: flags['api-key'], apiSecret: flags['api-secret']})
  return VonageApplications.connect({apiHost, credentials, timeoutMs: flags.timeout * 1000})
}

/** --yes: what a script passes instead of answering a confirmation. */
export const yesFlag = {yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required when stdin is not a terminal)'})}
