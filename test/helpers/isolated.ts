// One sandbox per case, so that many fault or signal cases can run at once without sharing state.
import {startSandbox} from '../../sandbox/server.js'
import {mapLimit} from '../../src/lib/concurrency.js'
import {SandboxClient, sandboxEnv} from './sandbox.js'

export interface Linked {
  client: SandboxClient
  env: Record<string, string>
  pageTokens: Record<string, string>
  jwt: string
  close(): Promise<void>
}

/** A sandbox with a Facebook user managing Pages 101 and 102, Page 101 already linked, and a JWT. */
export async function linkedSandbox(): Promise<Linked> {
  const sandbox = await startSandbox({port: 0})
  const client = new SandboxClient(sandbox)
  const {body} = await client.seedUser({
    pages: [
      {id: '101', name: 'Pizza'},
      {id: '102', name: 'Bikes'},
    ],
    user_token: 'USER',
  })
  const pageTokens = Object.fromEntries(
    body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
  )
  const app = await client.createApp('mine')
  const {bearer} = await import('./sandbox.js')
  const auth = bearer(app.privateKey, app.id)
  await client.request('POST', '/beta/chatapp-accounts/messenger', {
    auth,
    body: {access_token: pageTokens['101'], external_id: '101', name: 'Pizza'},
  })
  const {body: refreshed} = await client.seedUser({
    pages: [
      {id: '101', name: 'Pizza'},
      {id: '102', name: 'Bikes'},
    ],
    user_token: 'USER',
  })
  const fresh = Object.fromEntries(
    refreshed.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
  )
  const env = {...sandboxEnv(sandbox.url), FACEBOOK_USER_TOKEN: 'USER'}
  return {client, close: () => sandbox.close(), env, jwt: auth.slice('Bearer '.length), pageTokens: fresh}
}

/** Runs every case, a few at a time, and returns the failures as readable lines. */
export async function runCases<T>(
  cases: Array<[string, T]>,
  limit: number,
  check: (input: T) => Promise<void>,
): Promise<string[]> {
  const outcomes = await mapLimit(cases, limit, ([name, input]) =>
    check(input).then(
      () => undefined,
      (error: unknown) => `${name}: ${(error as Error).message}`,
    ),
  )
  return outcomes.filter((outcome): outcome is string => outcome !== undefined)
}
