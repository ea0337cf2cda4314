// Every command that talks to a service, under every fault the sandbox can inject: one clear
// error line, the documented exit code, a bounded total time, and the sandbox's state exactly as
// before — or as after success, where the fault hits a request the command can do without.
// The commands run in this process (one at a time, each in a clean environment), so retries wait no
// real time; test/e2e runs the built binary under faults too.
import {expect} from 'chai'

import {instantRetries, runAlone} from '../helpers/in-process.js'
import {checkInvariants} from '../helpers/invariants.js'
import {linkedSandbox, runCases} from '../helpers/isolated.js'

interface Fault {
  fault: Record<string, unknown>
  code: number
  message: RegExp
  /**
   * --timeout for the case: 1 s where a timeout is the expected answer;
   * otherwise 5 s, far beyond any healthy answer.
   */
  timeout?: number
}

const VONAGE_FAULTS: Record<string, Fault> = {
  '401 (expired JWT)': {
    code: 3,
    fault: {body: {detail: 'Invalid Token: expired', title: 'Unauthorised'}, status: 401},
    message: /refused .*401/,
  },
  '429 with Retry-After': {code: 6, fault: {retry_after: 1, status: 429}, message: /rate-limiting .*429/},
  '429 without Retry-After': {code: 6, fault: {status: 429}, message: /rate-limiting .*429/},
  500: {code: 6, fault: {status: 500}, message: /failed while .*500/},
  502: {code: 6, fault: {status: 502}, message: /failed while .*502/},
  503: {code: 6, fault: {status: 503}, message: /failed while .*503/},
  'a connection reset': {code: 7, fault: {reset: true}, message: /was reset while/},
  'a non-JSON (HTML) error page': {
    code: 6,
    fault: {body: '<html><body><h1>502 Bad Gateway</h1></body></html>', status: 502},
    message: /failed while .*502; try again later/,
  },
  // held until the sandbox closes: the CLI's --timeout is the only clock involved
  'a timeout': {
    code: 7,
    fault: {hold: true, status: 504},
    message: /no answer from http:\/\/127\.0\.0\.1:\d+ within 1 s/,
    timeout: 1,
  },
}

/** How often one request is tried (withRetries' default). */
const ATTEMPTS = 4

const graphError = (code: number) => ({
  body: {
    error: {
      code,
      fbtrace_id: 'x',
      message: `Graph error ${code}`,
      type: code === 190 ? 'OAuthException' : 'GraphMethodException',
    },
  },
  status: 400,
})
const GRAPH_FAULTS: Record<string, Fault> = {
  'code 190': {code: 3, fault: graphError(190), message: /Facebook refused .*code 190/},
  'code 4 (rate limit)': {code: 6, fault: graphError(4), message: /rate-limiting .*code 4/},
  'code 17 (rate limit)': {code: 6, fault: graphError(17), message: /rate-limiting .*code 17/},
  'code 32 (rate limit)': {code: 6, fault: graphError(32), message: /rate-limiting .*code 32/},
  500: {code: 6, fault: {status: 500}, message: /Facebook failed while .*500/},
  'a timeout': {code: 7, fault: {hold: true, status: 504}, message: /no answer from .* within 1 s/, timeout: 1},
}

interface Scenario {
  name: string
  args: (env: {jwt: string; pageTokens: Record<string, string>}) => string[]
  extraEnv?: (env: {jwt: string; pageTokens: Record<string, string>}) => Record<string, string>
  method: string
  path: string
  faults: Record<string, Fault>
  /** The fault hits a request the command can do without (debug_token's warnings): it still succeeds. */
  optional?: (fault: Fault) => boolean
  /** Matching requests to let through first, and how many the fault then hits (default: POST 1, else 20). */
  skip?: number
  times?: (fault: Fault) => number
  /** Make a temporary application for the command to find first. */
  temporaryApp?: boolean
  /** Turn PATCH off in the sandbox (405), so that a relink takes its DELETE + POST fallback. */
  noPatch?: boolean
  /**
   * The fault hits the clean-up after the work was done (#11.2): the result is printed, the error
   * says exactly what was left and the command that removes it, exit 8.
   */
  cleanup?: boolean
}

type Env = {jwt: string; pageTokens: Record<string, string>}
const LINK_JWT = {extraEnv: (env: Env) => ({FACEBOOK_PAGE_TOKEN: env.pageTokens['102'], VONAGE_JWT: env.jwt})}
const PAGE_TOKEN = {extraEnv: (env: Env) => ({FACEBOOK_PAGE_TOKEN: env.pageTokens['102']})}
const JWT = {extraEnv: (env: Env) => ({VONAGE_JWT: env.jwt})}
const ACCOUNT = '/beta/chatapp-accounts/messenger/101'
const SCENARIOS: Scenario[] = [
  {
    args: () => ['app:temp', '--keyfile', 'k.key'],
    faults: VONAGE_FAULTS,
    method: 'POST',
    name: 'app:temp (create)',
    path: '/v2/applications',
  },
  {
    args: () => ['messenger:link', '--page-id', '102'],
    faults: VONAGE_FAULTS,
    method: 'POST',
    name: 'messenger:link (link)',
    path: '/beta/chatapp-accounts/messenger',
    ...LINK_JWT,
  },
  {
    args: () => ['messenger:link', '--page-id', '102'],
    faults: VONAGE_FAULTS,
    method: 'POST',
    name: 'messenger:link with the API key and secret (Basic)',
    path: '/beta/chatapp-accounts/messenger',
    ...PAGE_TOKEN,
  },
  {
    args: () => ['messenger:link', '--page-id', '102', '--temp-app'],
    faults: VONAGE_FAULTS,
    method: 'POST',
    name: 'messenger:link --temp-app (creating the temporary application)',
    path: '/v2/applications',
    ...PAGE_TOKEN,
  },
  {
    args: () => ['messenger:list'],
    faults: VONAGE_FAULTS,
    method: 'GET',
    name: 'messenger:list',
    path: '/beta/chatapp-accounts',
    ...JWT,
  },
  {
    args: () => ['messenger:unlink', '--page-id', '101', '--yes'],
    faults: VONAGE_FAULTS,
    method: 'DELETE',
    name: 'messenger:unlink (delete)',
    path: ACCOUNT,
    ...JWT,
  },
  {
    args: () => ['messenger:relink', '--page', '101'],
    faults: VONAGE_FAULTS,
    method: 'PATCH',
    name: 'messenger:relink (PATCH)',
    path: ACCOUNT,
    ...JWT,
  },
  {
    args: () => ['messenger:relink', '--page', '101'],
    faults: VONAGE_FAULTS,
    method: 'PATCH',
    name: 'messenger:relink with the API key and secret (PATCH, Basic)',
    path: ACCOUNT,
  },
  {
    args: () => ['messenger:relink', '--page', '101'],
    faults: VONAGE_FAULTS,
    method: 'GET',
    name: 'messenger:relink without PATCH, reading the account',
    noPatch: true,
    path: ACCOUNT,
    ...JWT,
  },
  {
    args: () => ['messenger:relink', '--page', '101'],
    faults: VONAGE_FAULTS,
    method: 'DELETE',
    name: 'messenger:relink without PATCH, after the read (unlink)',
    noPatch: true,
    path: ACCOUNT,
    ...JWT,
  },
  {
    args: () => ['messenger:relink', '--page', '101'],
    faults: VONAGE_FAULTS,
    method: 'POST',
    name: 'messenger:relink without PATCH, after the delete (link again)',
    noPatch: true,
    path: '/beta/chatapp-accounts/messenger',
    ...JWT,
  },
  {
    args: () => ['app:temp:delete', 'APP_ID'],
    faults: VONAGE_FAULTS,
    method: 'DELETE',
    name: 'app:temp:delete',
    path: '/v2/applications/',
  },
  {
    args: () => ['app:temp:delete', 'APP_ID'],
    faults: VONAGE_FAULTS,
    method: 'GET',
    name: 'app:temp:delete (looking the application up)',
    path: '/v2/applications/',
  },
  {
    args: () => ['app:temp:delete', '--all', '--yes'],
    faults: VONAGE_FAULTS,
    method: 'GET',
    name: 'app:temp:delete --all (listing)',
    path: '/v2/applications',
    temporaryApp: true,
  },
  {
    args: () => ['messenger:link', '--page-id', '102', '--temp-app'],
    cleanup: true,
    faults: VONAGE_FAULTS,
    method: 'DELETE',
    name: 'messenger:link --temp-app (deleting the temporary application)',
    path: '/v2/applications/',
    ...PAGE_TOKEN,
  },
  {
    args: () => ['messenger:link', '--page-id', '102'],
    faults: GRAPH_FAULTS,
    method: 'GET',
    name: 'messenger:link, Graph debug_token',
    optional: (fault) => fault.code !== 3,
    path: '/v25.0/debug_token',
    ...LINK_JWT,
  },
  {
    args: () => ['messenger:relink', '--all'],
    faults: GRAPH_FAULTS,
    method: 'GET',
    name: 'messenger:relink --all, Graph /me/accounts',
    path: '/v25.0/me/accounts',
    ...JWT,
  },
]

describe('faults: every command under every injected fault', function () {
  this.timeout(240_000)
  instantRetries()
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${Object.keys(scenario.faults).length} faults`, async () => {
      // One case at a time: the cases share this process's event loop, and a sandbox being set up
      // (an RSA key made) beside a running case could hold its healthy answers past the 1 s --timeout.
      const failures = await runCases(Object.entries(scenario.faults), 1, async (fault) => {
        const sandbox = await linkedSandbox()
        try {
          // app:temp:delete only deletes what app:temp made: give it a temporary application to delete
          if (scenario.temporaryApp || scenario.args(sandbox).includes('APP_ID'))
            await sandbox.client.createApp('messenger-link-temp-matrix')
          if (scenario.noPatch) await sandbox.client.settings({no_patch: true})
          const before = await sandbox.client.state()
          // A request that may be retried (GET, DELETE) meets the fault every time; a POST or PATCH
          // only once (a 429, retried for any request, as often as one request is tried), so that what
          // the command does next (read back, restore) can be seen to work.
          const writes = ['PATCH', 'POST'].includes(scenario.method)
          const times = scenario.times?.(fault) ?? (writes ? (fault.fault.status === 429 ? ATTEMPTS : 1) : 20)
          await sandbox.client.fault({
            method: scenario.method,
            path: scenario.path,
            skip: scenario.skip ?? 0,
            times,
            ...fault.fault,
          })
          const appId = before.applications.at(-1).id
          const args = scenario.args(sandbox).map((arg) => (arg === 'APP_ID' ? appId : arg))
          const run = await runAlone([...args, '--timeout', String(fault.timeout ?? 5)], {
            ...sandbox.env,
            ...scenario.extraEnv?.(sandbox),
          })
          const after = await sandbox.client.state()
          expect(run.ms, 'total time').to.be.below(20_000)
          checkInvariants(sandbox, before, after, run, {
            mayUnlink: scenario.args(sandbox)[0] === 'messenger:unlink' ? ['101'] : [],
          })
          if (scenario.cleanup) {
            expect(run.code, run.stderr).to.equal(8)
            expect(run.stdout).to.equal('102\n')
            expect(run.stderr).to.match(
              /^Error: Bikes \(102\) is linked; but could not delete temporary application [\da-f-]{36}: .*; run: app:temp:delete [\da-f-]{36}\n$/m,
            )
            expect(after.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal([
              '101',
              '102',
            ])
            return
          }

          expect(
            after.applications.map((app: {name: string}) => app.name),
            'applications',
          ).to.deep.equal(before.applications.map((app: {name: string}) => app.name))
          if (scenario.optional?.(fault)) {
            expect(run.code, run.stderr).to.equal(0)
            return
          }

          expect(run.code, run.stderr).to.equal(fault.code)
          const errors = run.stderr.split('\n').filter((line) => line.startsWith('Error: '))
          expect(errors, run.stderr).to.have.length(1)
          expect(errors[0]).to.match(fault.message)
          expect(run.stderr).not.to.match(/\n\s+at /)
          expect(after.accounts, 'linked accounts').to.deep.equal(before.accounts)
        } finally {
          await sandbox.close()
        }
      })
      expect(failures, failures.join('\n')).to.deep.equal([])
    })
  }
})
