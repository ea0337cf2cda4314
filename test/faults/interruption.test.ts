// SIGINT and SIGTERM at every step of link, relink (its PATCH, and its DELETE + POST fallback where
// PATCH is turned down), unlink and app:temp, with the API key and secret or --temp-app, sent while
// the sandbox holds that step's request: the command finishes the request, undoes what it started —
// the temporary application is deleted, the previous link is intact or restored — and exits 130 or 143.
// Every wait is for an event (the request is held, the CLI said it is finishing), never for time.
import {expect} from 'chai'

import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {checkInvariants} from '../helpers/invariants.js'
import {runCli} from '../helpers/cli.js'
import {linkedSandbox, runCases} from '../helpers/isolated.js'
import {heldDuring} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

interface Step {
  method: string
  path: string
  skip?: number
  /** Once this step has been sent, a relink is committed: the new link may stay. */
  committed?: boolean
  /** Hold the request after it took effect (its answer not yet sent): the ambiguous case. */
  when?: 'before' | 'after'
  /** Flags added to the command: --temp-app for the steps of the temporary application. */
  flags?: string[]
  /** Turn PATCH off in the sandbox (405): the relink's DELETE + POST fallback. */
  noPatch?: boolean
}

const TEMP_APP = {flags: ['--temp-app']}

const LINK_STEPS: Record<string, Step> = {
  'creating the temporary application': {method: 'POST', path: '/v2/applications', ...TEMP_APP},
  'deleting the temporary application': {method: 'DELETE', path: '/v2/applications/', ...TEMP_APP},
  'linking the Page with --temp-app': {method: 'POST', path: '/beta/chatapp-accounts/messenger', ...TEMP_APP},
  'linking the Page': {method: 'POST', path: '/beta/chatapp-accounts/messenger'},
  'linking the Page, held after it took effect': {
    method: 'POST',
    path: '/beta/chatapp-accounts/messenger',
    when: 'after',
  },
}

const RELINK_STEPS: Record<string, Step> = {
  'creating the temporary application': {method: 'POST', path: '/v2/applications', ...TEMP_APP},
  'deleting the temporary application': {committed: true, method: 'DELETE', path: '/v2/applications/', ...TEMP_APP},
  // once the PATCH is sent, the relink is done; the Page is linked throughout
  'updating the token (PATCH)': {committed: true, method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101'},
  'updating the token (PATCH), held after it took effect': {
    committed: true,
    method: 'PATCH',
    path: '/beta/chatapp-accounts/messenger/101',
    when: 'after',
  },
  'without PATCH, reading the current link': {
    method: 'GET',
    noPatch: true,
    path: '/beta/chatapp-accounts/messenger/101',
  },
  'without PATCH, unlinking': {method: 'DELETE', noPatch: true, path: '/beta/chatapp-accounts/messenger/101'},
  // the answer to the POST confirms the new link: once it is sent, the relink is done
  'without PATCH, linking with the new token': {
    committed: true,
    method: 'POST',
    noPatch: true,
    path: '/beta/chatapp-accounts/messenger',
  },
}

/** #11.3: app:temp, its create held before and after it takes effect (the ambiguous case). */
const APP_TEMP_STEPS: Record<string, Step> = {
  'creating the application': {method: 'POST', path: '/v2/applications'},
  'creating the application, held after Vonage made it': {method: 'POST', path: '/v2/applications', when: 'after'},
}

/** #11.6: unlink, its DELETE held before and after it takes effect. */
const UNLINK_STEPS: Record<string, Step> = {
  'creating the temporary application': {method: 'POST', path: '/v2/applications', ...TEMP_APP},
  'reading the link': {method: 'GET', path: '/beta/chatapp-accounts/messenger/101'},
  unlinking: {method: 'DELETE', path: '/beta/chatapp-accounts/messenger/101'},
  'unlinking, held after it took effect': {
    method: 'DELETE',
    path: '/beta/chatapp-accounts/messenger/101',
    when: 'after',
  },
}

const SIGNALS: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]

type Command = 'link' | 'relink' | 'app:temp' | 'unlink'

const ARGS: Record<Command, (keyfile: string) => string[]> = {
  'app:temp': (keyfile) => ['app:temp', '--keyfile', keyfile],
  link: () => ['messenger:link', '--page-id', '102'],
  relink: () => ['messenger:relink', '--page', '101'],
  unlink: () => ['messenger:unlink', '--page-id', '101', '--yes'],
}

async function interrupt(command: Command, step: Step, signal: NodeJS.Signals, code: number): Promise<void> {
  const sandbox = await linkedSandbox()
  try {
    const before = await sandbox.client.state()
    const previous = before.accounts.find((account: {external_id: string}) => account.external_id === '101')
    if (step.noPatch) await sandbox.client.settings({no_patch: true})
    await sandbox.client.hold({method: step.method, path: step.path, skip: step.skip ?? 0, when: step.when ?? 'before'})
    const keyfile = join(tempDir('interrupt'), 'temp.key')
    const env = {...sandbox.env, FACEBOOK_PAGE_TOKEN: sandbox.pageTokens['102']}
    const running = runCli([...ARGS[command](keyfile), ...(step.flags ?? [])], env)
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
    checkInvariants(sandbox, before, after, run, {mayUnlink: command === 'unlink' ? ['101'] : []})
    // The message says what is true: the work was done (its result on stdout), or it was stopped and undone.
    const finished = run.stderr.includes(`Error: ${signal} arrived after the work was done, so nothing was undone`)
    if (!finished)
      expect(run.stderr, 'an interruption says what it undid').to.match(
        /^Error: (interrupted|terminated)(;| before anything was changed)/m,
      )
    const account = after.accounts.find((candidate: {external_id: string}) => candidate.external_id === '101')
    const linked102 = after.accounts.find((candidate: {external_id: string}) => candidate.external_id === '102')
    if (command === 'app:temp') {
      expect(
        after.applications.map((app: {name: string}) => app.name),
        'the temporary application',
      ).to.have.length(finished ? 2 : 1)
      expect(existsSync(keyfile), 'a key file exactly when the application is kept').to.equal(finished)
      expect(run.stdout, 'the id on stdout exactly when the application is kept').to.equal(
        finished ? `${after.applications[1].id}\n` : '',
      )
    } else if (command === 'relink') {
      expect(account, 'Page 101 lost its link').to.not.equal(undefined)
      expect(account.name).to.equal('Pizza')
      if (!step.committed) expect(account, 'the previous link').to.deep.equal(previous)
      else expect([previous.access_token, sandbox.pageTokens['101']]).to.include(account.access_token)
      expect(run.stdout).to.equal(finished ? '101 relinked\n' : '')
    } else if (command === 'unlink') {
      expect(account === undefined, 'unlinked exactly when it says so').to.equal(finished)
      expect(run.stdout).to.equal(finished ? '101\n' : '')
    } else {
      expect(account).to.deep.equal(previous)
      if (linked102) expect(linked102.access_token, 'a link is complete or absent').to.equal(sandbox.pageTokens['102'])
      expect(Boolean(linked102), 'linked exactly when it says so').to.equal(finished)
      expect(run.stdout).to.equal(finished ? '102\n' : '')
    }
  } finally {
    await sandbox.close()
  }
}

describe('faults: SIGINT and SIGTERM at every step', function () {
  this.timeout(120_000)
  const matrices: Array<[Command, Record<string, Step>, string]> = [
    ['link', LINK_STEPS, '#11.6 #11.7'],
    ['relink', RELINK_STEPS, '#11.7'],
    ['app:temp', APP_TEMP_STEPS, '#11.3'],
    ['unlink', UNLINK_STEPS, '#11.6'],
  ]
  for (const [command, steps, items] of matrices) {
    it(`${items} ${command}, with the API key and with --temp-app: ${Object.keys(steps).length} steps × 2 signals, every invariant after each`, async () => {
      const cases = Object.entries(steps).flatMap(([name, step]) =>
        SIGNALS.map(([signal, code]): [string, () => Promise<void>] => [
          `${signal} while ${name}`,
          () => interrupt(command, step, signal, code),
        ]),
      )
      const failures = await runCases(cases, 4, (run) => run())
      expect(failures, failures.join('\n')).to.deep.equal([])
    })
  }
})
