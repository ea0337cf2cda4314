// What every command promises, whatever fault or signal hit it (#11): checked after each case of the
// fault and interruption matrices, from the sandbox's state before and after and what the CLI printed.
import {expect} from 'chai'

import type {Linked} from './isolated.js'
import type {RunResult} from './cli.js'

const TEMP_PREFIX = 'messenger-link-temp-'

interface State {
  applications: Array<{id: string; name: string}>
  accounts: Array<{external_id: string; access_token: string}>
  violations: unknown[]
}

/**
 * - no application the test did not create was deleted (only temporary ones may go);
 * - no temporary application is left, unless the command printed its id (app:temp's result) or
 *   the exact command that deletes it (a clean-up that failed);
 * - every Page linked before is still linked (with its old or its new token), but those the command
 *   was asked to unlink (`mayUnlink`; whether it says so truly is the caller's check);
 * - stdout, stderr and --json hold no secret: Page and user tokens, the JWT, the API secret, a key;
 * - no contract violation; at most one error line, and no stack trace.
 */
export function checkInvariants(
  sandbox: Linked,
  before: State,
  after: State,
  run: RunResult,
  {mayUnlink = []}: {mayUnlink?: string[]} = {},
): void {
  const names = (state: State, wanted: (name: string) => boolean) =>
    state.applications.filter((app) => wanted(app.name))
  const kept = names(after, () => true).map((app) => app.id)
  const lost = names(before, (name) => !name.startsWith(TEMP_PREFIX)).filter((app) => !kept.includes(app.id))
  expect(lost, 'applications the test did not create were deleted').to.deep.equal([])
  const earlier = new Set(before.applications.map((app) => app.id))
  const told = (id: string) => run.stdout.includes(id) || run.stderr.includes(`app:temp:delete ${id}`)
  const leftover = names(after, (name) => name.startsWith(TEMP_PREFIX)).filter(
    (app) => !earlier.has(app.id) && !told(app.id),
  )
  expect(
    leftover,
    'temporary application left behind, neither its id on stdout nor the command that deletes it',
  ).to.deep.equal([])
  const linked = new Set(after.accounts.map((account) => account.external_id))
  const lostLinks = before.accounts
    .map((account) => account.external_id)
    .filter((id) => !linked.has(id) && !mayUnlink.includes(id))
  expect(lostLinks, 'Pages that lost their link').to.deep.equal([])
  expect(after.violations, 'contract violations').to.deep.equal([])
  const printed = `${run.stdout}\n${run.stderr}`
  const secrets = [
    ...Object.values(sandbox.pageTokens),
    ...before.accounts.map((account) => account.access_token),
    sandbox.jwt,
    sandbox.env.VONAGE_API_SECRET,
    'PRIVATE KEY',
  ]
  for (const secret of secrets)
    expect(printed.includes(secret), `a secret was printed: ${secret.slice(0, 12)}…`).to.equal(false)
  expect(run.stderr.split('\n').filter((line) => line.startsWith('Error: ')).length, run.stderr).to.be.at.most(1)
  expect(run.stderr, 'a stack trace').not.to.match(/\n\s+at /)
}
