// How the linking calls authenticate, in order of preference: a JWT the user gives; one signed
// here from --app-id and its private key; else what the first credentials source holds (see
// credentials.ts): a Vonage CLI 3.x file's app-id and private-key, or the API key and secret as HTTP Basic,
// which the External Accounts API takes on every operation: one request per write, nothing made
// that must be deleted, nothing left behind by Ctrl-C. Only when asked (--temp-app) is the manual
// flow's temporary application made, its key kept in memory and the application deleted however
// the command ends. The plan is made (and every local mistake refused) before any request is
// sent; tokens signed here are signed anew for every request.
import type {KeyObject} from 'node:crypto'

import type {VonageApplications} from './applications.js'
import {buildClaims} from './claims.js'
import type {Cleanup} from './cleanup.js'
import {
  basicAuthorization,
  type CredentialSources,
  type Credentials,
  findAccountAuth,
  findCredentials,
} from './credentials.js'
import {PluginError, usageError} from './errors.js'
import {decodeJwt, signJwt, timeClaimsProblem} from './jwt.js'
import {parsePrivateKey, readKeyText} from './keys.js'
import type {HttpSettings} from './http.js'
import {formatRelative} from './output.js'
import type {AuthSettings, VonageSettings} from './settings.js'
import {createTempApplication, DEFAULT_WEBHOOKS, tempApplicationName} from './temp-app.js'

/** A JWT must outlive the work by this much, or it is refused before any request. */
export const MIN_JWT_LIFETIME_LEFT = 60

/** How the linking calls will authenticate, decided (and checked) before any request is sent. */
export type LinkAuthPlan =
  | {mode: 'jwt'; authorization: string}
  | {mode: 'application key'; applicationId: string; key: KeyObject}
  | {mode: 'api key'; credentials: Credentials}
  | {mode: 'temporary application'; credentials: Credentials}

const API_CREDENTIALS =
  '--api-key/--api-secret, VONAGE_API_KEY/VONAGE_API_SECRET, NEXMO_API_KEY/NEXMO_API_SECRET, ./.vonagerc, ~/.vonage/config.json, .nexmorc or the @vonage/cli 1.x config'
const THE_THREE_WAYS = `give a JWT (--jwt or VONAGE_JWT), an application id with its private key (--app-id with --private-key or VONAGE_PRIVATE_KEY, or app-id and private-key in ./.vonagerc or ~/.vonage/config.json), or your API key and secret (${API_CREDENTIALS})`

/**
 * Everything that can be checked without the network: a JWT that is malformed or about to expire,
 * two ways given at once, an unreadable private key, no way at all.
 */
export async function planLinkAuth(
  {auth, vonage}: {auth: AuthSettings; vonage: VonageSettings},
  now: number,
  /** Where the credentials files and variables are looked for (tests); the process's own by default. */
  where: Omit<CredentialSources, 'apiKey' | 'apiSecret'> = {},
): Promise<LinkAuthPlan> {
  const ways = [
    auth.jwt !== undefined && 'a JWT (--jwt or VONAGE_JWT)',
    auth.appId !== undefined && '--app-id',
    auth.tempApp && '--temp-app',
  ].filter((way): way is string => typeof way === 'string')
  if (ways.length > 1)
    throw usageError(
      `give one way to authenticate the linking calls, not ${ways.length === 2 ? 'both ' : ''}${ways.join(' and ')}`,
    )
  if (auth.jwt !== undefined) return {authorization: `Bearer ${await checkUsableJwt(auth.jwt, now)}`, mode: 'jwt'}
  if (auth.appId !== undefined) {
    const key = await readKeyText(auth.privateKey, {
      envName: 'VONAGE_PRIVATE_KEY',
      source: '--private-key',
      what: 'private key',
    })
    return {applicationId: auth.appId, key: parsePrivateKey(key), mode: 'application key'}
  }

  const given = {...where, apiKey: vonage.apiKey, apiSecret: vonage.apiSecret}
  if (auth.tempApp) {
    const credentials = await findCredentials(given)
    if (!credentials)
      throw usageError(
        `--temp-app makes an application with your API key and secret, and none was found: ${API_CREDENTIALS}`,
      )
    return {credentials, mode: 'temporary application'}
  }

  // The first source that holds anything decides; a Vonage CLI 3.x file's application key wins over its API key.
  const found = await findAccountAuth(given)
  if (!found) throw usageError(`no way to authenticate the linking calls: ${THE_THREE_WAYS}`)
  if (found.mode === 'api key') return {credentials: found.credentials, mode: 'api key'}
  const {appId, key} = found.application
  return {applicationId: appId, key: parsePrivateKey(key), mode: 'application key'}
}

export type Authorize = NonNullable<HttpSettings['authorize']>

/**
 * How each request is authorized; with --temp-app, after making the temporary application with the
 * Applications client `applications` gives for the plan's credentials.
 */
export async function authorizer(
  plan: LinkAuthPlan,
  cleanup: Cleanup,
  applications: (credentials: Credentials) => Promise<VonageApplications>,
): Promise<Authorize> {
  if (plan.mode === 'jwt') return () => Promise.resolve(plan.authorization)
  if (plan.mode === 'application key') return signer(plan.applicationId, plan.key)
  if (plan.mode === 'api key') {
    const authorization = basicAuthorization(plan.credentials)
    return () => Promise.resolve(authorization)
  }

  // --temp-app: the manual flow's "Delete Me Later" application, deleted again this time.
  const client = await applications(plan.credentials)
  const {application} = await createTempApplication(client, tempApplicationName(), DEFAULT_WEBHOOKS, cleanup)
  return signer(
    application.id,
    parsePrivateKey({origin: 'the temporary application key', text: application.privateKey}),
  )
}

/**
 * Signs a fresh 15-minute JWT for every request, by the service's clock: no request, and no undo
 * run long after the first one, ever carries a token that has aged or was signed by a wrong clock.
 */
function signer(applicationId: string, key: KeyObject): Authorize {
  return async (clock) => `Bearer ${await signJwt(key, buildClaims({appId: applicationId, now: clock.now()}))}`
}

/** The token, trimmed, if it is a JWT that stays valid for at least another minute. */
export async function checkUsableJwt(token: string, now: number): Promise<string> {
  const trimmed = token.trim()
  const {claims} = await decodeJwt(trimmed).catch((error) => {
    const why = (error as Error).message.replace(/^that is not a JWT: /, '')
    throw usageError(`the JWT given (--jwt or VONAGE_JWT) is not a JWT: ${why}`, error)
  })
  const renew =
    'sign a new one with `jwt:generate KEY application_id=APP_ID`, or leave out --jwt to use your API key and secret'
  const problem = timeClaimsProblem(claims)
  if (problem) throw usageError(`the JWT given (--jwt or VONAGE_JWT) is not usable: ${problem}; ${renew}`)
  if (typeof claims.exp === 'number' && claims.exp - now < MIN_JWT_LIFETIME_LEFT) {
    const when =
      claims.exp <= now ? `expired ${formatRelative(claims.exp, now)}` : `expires ${formatRelative(claims.exp, now)}`
    throw new PluginError('auth', `the JWT given (--jwt or VONAGE_JWT) ${when}; ${renew}`)
  }

  if (typeof claims.application_id !== 'string')
    throw new PluginError('auth', `the JWT given has no application_id claim, so Vonage would refuse it; ${renew}`)
  return trimmed
}
