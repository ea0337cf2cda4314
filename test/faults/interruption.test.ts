// SIGINT and SIGTERM at every step of auto mode and of a relink, sent while the sandbox holds that
// step's request: the command finishes the request, undoes what it started — the temporary
// application is deleted, the previous link is intact or restored — and exits 130 or 143.
// Every wait is for an event (the request is held, the CLI said it is finishing), never for time.
import {expect} from 'chai'

import {linkedSandbox, runCases, runCli} from '../helpers/isolated.js'
import {heldDuring} from '../helpers/sandbox.js'

interface Step {
  method: string
  path: string
  skip?: number
  /** Once this step has been sent, a relink is committed: the new link may stay. */
  committed?: boolean
}

const LINK_STEPS: Record<string, Step> = {
  'creating the temporary application': {method: 'POST', path: '/v2/applications'},
  'deleting the temporary application': {method: 'DELETE', path: '/v2/applications/'},
  'linking the Page': {method: 'POST', path: '/beta/chatapp-accounts/messenger'},
  'reading the link back': {method: 'GET', path: '/beta/chatapp-accounts/messenger/102'},
}

const RELINK_STEPS: Record<string, Step> = {
  'confirming the new link': {committed: true, method: 'GET', path: '/beta/chatapp-accounts/messenger/101', skip: 1},
  'creating the temporary application': {method: 'POST', path: '/v2/applications'},
  'deleting the temporary application': {committed: true, method: 'DELETE', path: '/v2/applications/'},
  'linking with the new token': {method: 'POST', path: '/beta/chatapp-accounts/messenger'},
  'reading the current link': {method: 'GET', path: '/beta/chatapp-accounts/messenger/101'},
  'unlinking': {method: 'DELETE', path: '/beta/chatapp-accounts/messenger/101'},
}

const SIGNALS: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]

async function interrupt(command: 'link' | 'relink', step: Step, signal: NodeJS.Signals, code: number): Promise<void> {
  const sandbox = await linkedSandbox()
  try {
    const before = (await sandbox.client.state()).accounts.find((account: {external_id: string}) => account.external_id === '101')
    await sandbox.client.hold({method: step.method, path: step.path, skip: step.skip ?? 0})
    const args = command === 'link' ? ['messenger:link', '--page-id', '102'] : ['messenger:relink', '--page', '101']
    const env = {...sandbox.env, FACEBOOK_PAGE_TOKEN: sandbox.pageTokens['102']}
    const running = runCli(args, env)
    // One signal, sent while the step's request is parked; it is let go once the CLI said it will
    // finish it. (Should a check fail first, closing the sandbox drops the request and the CLI ends.)
    const held = await heldDuring(sandbox.client, running)
    expect(held.method).to.equal(step.method)
    expect(held.path.startsWith(step.path), held.path).to.equal(true)
    running.child.kill(signal)
    await running.stderrMatches(/finishing the request under way/)
    await sandbox.client.release(held.id)
    const run = await running
    const after = await sandbox.client.state()
    expect(run.code, run.stderr).to.equal(code)
    expect(run.stderr).to.match(new RegExp(`^${signal}: finishing the request under way`, 'm'))
    expect(after.applications.map((app: {name: string}) => app.name), 'temporary application left').to.deep.equal(['mine'])
    expect(after.violations).to.deep.equal([])
    const account = after.accounts.find((candidate: {external_id: string}) => candidate.external_id === '101')
    if (command === 'relink') {
      expect(account, 'Page 101 lost its link').to.not.equal(undefined)
      expect(account.name).to.equal('Pizza')
      if (!step.committed) expect(account, 'the previous link').to.deep.equal(before)
      else expect([before.access_token, sandbox.pageTokens['101']]).to.include(account.access_token)
    } else {
      expect(account).to.deep.equal(before)
      const linked = after.accounts.find((candidate: {external_id: string}) => candidate.external_id === '102')
      if (linked) expect(linked.access_token, 'a link is complete or absent').to.equal(sandbox.pageTokens['102'])
    }
  } finally {
    await sandbox.close()
  }
}

describe('faults: SIGINT and SIGTERM at every step', function () {
  this.timeout(120_000)
  for (const [command, steps] of [['link', LINK_STEPS], ['relink', RELINK_STEPS]] as const) {
    it(`messenger:${command} in auto mode: ${Object.keys(steps).length} steps × 2 signals`, async () => {
      const cases = Object.entries(steps).flatMap(([name, step]) => SIGNALS.map(([signal, code]): [string, () => Promise<void>] => [`${signal} while ${name}`, () => interrupt(command, step, signal, code)]))
      const failures = await runCases(cases, 4, (run) => run())
      expect(failures, failures.join('\n')).to.deep.equal([])
    })
  }
})
