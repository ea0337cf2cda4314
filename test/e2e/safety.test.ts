// Regressions of the safety issue (#11) that need a whole command against the sandbox: each case
// names its item. The fault and interruption matrices (test/faults) cover the same promises
// across every step; these pin the exact behaviour a user reported.
import {expect} from 'chai'

import {inTerminal, runCli} from '../helpers/cli.js'
import {type Linked, linkedSandbox} from '../helpers/isolated.js'
import {heldDuring} from '../helpers/sandbox.js'

describe('e2e: safety (#11)', function () {
  this.timeout(60_000)
  let sandbox: Linked
  beforeEach(async () => {
    sandbox = await linkedSandbox()
  })
  afterEach(() => sandbox.close())

  const accounts = async () =>
    (await sandbox.client.state()).accounts as Array<{
      external_id: string
      access_token: string
      applications: string[]
    }>
  /** The sandbox's request log after the first `count` entries (the setup's). */
  const requestsSince = async (count: number) => ((await sandbox.client.state()).log as unknown[]).slice(count)
  const appNames = async () =>
    ((await sandbox.client.state()).applications as Array<{name: string}>).map((app) => app.name)

  it('#11.11 relink --all with a user token that manages none of the linked Pages is an error, not "0 of 0"', async () => {
    await sandbox.client.seedUser({pages: [{id: '555', name: 'Someone else'}], user_token: 'OTHER'})
    const run = await runCli(['messenger:relink', '--all'], {...sandbox.env, FACEBOOK_USER_TOKEN: 'OTHER'})
    expect(run.code, run.stderr).to.equal(4)
    expect(run.stdout).to.equal('')
    expect(run.stderr).to.match(/^Warning: 101 is linked but not among the Pages this user token manages; left alone$/m)
    expect(run.stderr).to.match(
      /^Error: none of the 1 linked Page\(s\) is among the Pages this user token manages, so nothing was re-linked and their links will lapse/m,
    )
  })

  it('#11.11 relink --all with nothing linked at all is still a success', async () => {
    await sandbox.client.request('DELETE', '/beta/chatapp-accounts/messenger/101', {auth: `Bearer ${sandbox.jwt}`})
    const run = await runCli(['messenger:relink', '--all'], sandbox.env)
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.match(/0 of 0 linked Page\(s\) re-linked/)
  })

  it('#11.hostile.4 relink --all (without PATCH) never says a Page kept its link when the restore failed too', async () => {
    await sandbox.client.settings({no_patch: true})
    await sandbox.client.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 400, times: 2})
    const run = await runCli(['messenger:relink', '--all', '--json'], sandbox.env)
    expect(run.code, run.stderr).to.equal(6)
    const report = JSON.parse(run.stdout)
    expect(report.results[0]).to.include({page: '101', previous_link_kept: false, status: 'failed'})
    expect(report.error.message).to.equal(
      '1 of 1 Page(s) could not be re-linked; 101 lost its link: finish by hand as each line says',
    )
    expect(await accounts()).to.deep.equal([])
    await sandbox.client.verify()
  })

  it('#11.12 a missing or non-Messages --application is not-found (exit 4), and nothing is left linked to it', async () => {
    const voice = await sandbox.client.createApp('voice only', {voice: {webhooks: {}}})
    for (const application of ['3f1c2b4a-0000-4000-8000-000000000000', voice.id]) {
      const run = await runCli(['messenger:link', '--page', '102', '--application', application], sandbox.env)
      expect(run.code, run.stderr).to.equal(4)
      expect(run.stderr).to.match(
        new RegExp(
          `^Error: Vonage refused application ${application}: it does not exist in this account or is not a Messages application`,
          'm',
        ),
      )
    }

    expect((await accounts()).map((account) => account.external_id)).to.deep.equal(['101'])
    expect(await appNames()).to.deep.equal(['mine', 'voice only'])
  })

  it('#11.12 an API host with a password is refused without repeating it; a huge --timeout is refused at parse time', async () => {
    const start = await requestsSince(0).then((log) => log.length)
    const host = await runCli(['messenger:list', '--api-host', 'http://user:S3CR3T@127.0.0.1:9'], sandbox.env)
    expect(host.code).to.equal(2)
    expect(host.stderr).to.equal(
      'Error: --api-host (VONAGE_API_HOST) must not carry a user name or password; give the credentials with --api-key and --api-secret (or the environment)\n',
    )
    const json = await runCli(['messenger:list', '--json'], {
      ...sandbox.env,
      VONAGE_API_HOST: 'http://user:S3CR3T@127.0.0.1:9',
    })
    expect(json.code).to.equal(2)
    expect(`${json.stdout}${json.stderr}`).not.to.include('S3CR3T')
    const timeout = await runCli(['messenger:list', '--timeout', '2147484'], sandbox.env)
    expect(timeout.code).to.equal(2)
    expect(timeout.stderr).not.to.include('TimeoutOverflowWarning')
    expect(timeout.stderr).to.match(/^Error: Parsing --timeout Expected an integer less than or equal to 3600/)
    expect(await requestsSince(start), 'requests sent').to.deep.equal([])
  })

  it('#11.16 a warning reaches stderr and the --json output', async () => {
    const soon = Math.floor(Date.now() / 1000) + 2 * 86_400
    const {body} = await sandbox.client.seedUser({
      pages: [{expires_at: soon, id: '102', name: 'Bikes'}],
      user_token: 'USER',
    })
    const run = await runCli(['messenger:link', '--page', '102', '--json'], sandbox.env)
    expect(run.code, run.stderr).to.equal(0)
    const result = JSON.parse(run.stdout)
    expect(result.warnings).to.have.length(1)
    expect(result.warnings[0]).to.match(/^the Page token of Bikes \(102\) expires in /)
    expect(run.stderr).to.include(`Warning: ${result.warnings[0]}`)
    expect(run.stdout).not.to.include(body.pages[0].access_token)
  })

  it('#11.17 an empty VONAGE_API_HOST or FACEBOOK_GRAPH_HOST is an error, never production', async () => {
    const start = await requestsSince(0).then((log) => log.length)
    const api = await runCli(['messenger:list'], {...sandbox.env, VONAGE_API_HOST: ''})
    expect(api.code).to.equal(2)
    expect(api.stderr).to.equal(
      'Error: --api-host (VONAGE_API_HOST) is empty; give a URL such as https://api.nexmo.com, or unset it to use the default\n',
    )
    const graph = await runCli(['messenger:link', '--page', '102'], {...sandbox.env, FACEBOOK_GRAPH_HOST: ' '})
    expect(graph.code).to.equal(2)
    expect(graph.stderr).to.match(/^Error: --graph-host \(FACEBOOK_GRAPH_HOST\) is empty/)
    expect(await requestsSince(start), 'requests sent').to.deep.equal([])
  })

  it('#11.18 the application conflict names a command that exists, and that command keeps the Page linked', async () => {
    const first = await sandbox.client.createApp('first')
    const second = await sandbox.client.createApp('second')
    expect((await runCli(['messenger:link', '--page', '102', '--application', first.id], sandbox.env)).code).to.equal(0)
    const conflict = await runCli(['messenger:link', '--page', '102', '--application', second.id], sandbox.env)
    expect(conflict.code).to.equal(5)
    const command = `messenger:unlink --page-id 102 --application ${first.id}`
    expect(conflict.stderr).to.include(command)
    const unlink = await runCli([...command.split(' '), '--yes'], sandbox.env)
    expect(unlink.code, unlink.stderr).to.equal(0)
    expect(unlink.stdout).to.equal('102\n')
    expect(unlink.stderr).to.include(`Unlinked application ${first.id} from Bikes (102); the Page stays linked.`)
    expect((await accounts()).find((account) => account.external_id === '102')?.applications).to.deep.equal([])
    const again = await runCli(['messenger:link', '--page', '102', '--application', second.id], sandbox.env)
    expect(again.code, again.stderr).to.equal(0)
    expect((await accounts()).find((account) => account.external_id === '102')?.applications).to.deep.equal([second.id])
    const notThere = await runCli(
      ['messenger:unlink', '--page-id', '102', '--application', first.id, '--yes'],
      sandbox.env,
    )
    expect(notThere.code).to.equal(4)
    expect(notThere.stderr).to.equal(
      `Error: application ${first.id} is not linked to Page 102 (it has ${second.id}); nothing changed\n`,
    )
    expect((await sandbox.client.state()).violations).to.deep.equal([])
  })

  it('#11.low answering no at a terminal changes nothing and is not an error (exit 0)', async () => {
    const unlink = await inTerminal(
      ['messenger:unlink', '--page-id', '101'],
      [['Unlink Pizza (101) from Vonage?', 'n\r']],
      sandbox.env,
    )
    expect(unlink.code, unlink.out).to.equal(0)
    expect(unlink.out).to.include('Nothing was unlinked.')
    expect(unlink.out).not.to.include('Error:')
    expect((await accounts()).map((account) => account.external_id)).to.deep.equal(['101'])
    const production = await sandbox.client.createApp('PRODUCTION shop bot')
    const keep = await inTerminal(
      ['app:temp:delete', production.id, '--force'],
      [['did not make?', 'n\r']],
      sandbox.env,
    )
    expect(keep.code, keep.out).to.equal(0)
    expect(keep.out).to.include('Nothing was deleted.')
    const confirmed = await inTerminal(
      ['app:temp:delete', production.id, '--force'],
      [['did not make?', 'y\r']],
      sandbox.env,
    )
    expect(confirmed.code, confirmed.out).to.equal(0)
    expect(await appNames()).to.deep.equal(['mine'])
  })

  describe('while the sandbox holds a request', () => {
    /**
     * relink --page 101 --temp-app without PATCH, whose unlink takes effect and then waits
     * while Vonage's clock jumps 16 minutes.
     */
    async function relinkAcrossClockJump() {
      await sandbox.client.settings({no_patch: true})
      await sandbox.client.hold({method: 'DELETE', path: '/beta/chatapp-accounts/messenger/101', when: 'after'})
      const running = runCli(['messenger:relink', '--page', '101', '--temp-app'], sandbox.env)
      const held = await heldDuring(sandbox.client, running)
      await sandbox.client.clock(960)
      await sandbox.client.release(held.id)
      return running
    }

    it('#11.7 a relink whose service clock jumps 16 min mid-way signs for the new time and never leaves the Page unlinked', async () => {
      const run = await relinkAcrossClockJump()
      expect(run.code, run.stderr).to.equal(0)
      expect(run.stdout).to.equal('101 relinked\n')
      const account = (await accounts()).find((candidate) => candidate.external_id === '101')
      expect(account?.access_token, 'linked with the new token').to.equal(sandbox.pageTokens['101'])
      await sandbox.client.verify()
    })

    it('#11.7 when the re-link itself fails after the clock jumped, the restore is signed fresh and succeeds', async () => {
      const previous = (await accounts()).find((candidate) => candidate.external_id === '101')
      await sandbox.client.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 500})
      const run = await relinkAcrossClockJump()
      expect(run.code, run.stderr).to.equal(6)
      expect(run.stderr).to.match(/; the previous link was restored\n$/)
      expect((await accounts()).find((candidate) => candidate.external_id === '101')).to.deep.equal(previous)
      await sandbox.client.verify()
    })

    it('#11.13 a second Ctrl-C quits at once and prints the exact command that deletes the temporary application', async () => {
      await sandbox.client.hold({method: 'POST', path: '/beta/chatapp-accounts/messenger'})
      const running = runCli(['messenger:link', '--page', '102', '--temp-app'], sandbox.env)
      const held = await heldDuring(sandbox.client, running)
      running.child.kill('SIGINT')
      await running.stderrMatches(/finishing the request under way/)
      running.child.kill('SIGINT')
      const run = await running
      await sandbox.client.release(held.id)
      expect(run.code).to.equal(130)
      const temporary = ((await sandbox.client.state()).applications as Array<{id: string; name: string}>).find((app) =>
        app.name.startsWith('messenger-link-temp-'),
      )
      expect(temporary, 'the second signal leaves the temporary application').to.not.equal(undefined)
      expect(run.stderr).to.include(
        `SIGINT again: quitting at once; the request under way may or may not take effect; left to undo by hand: delete temporary application ${temporary!.id} (run: app:temp:delete ${temporary!.id})`,
      )
    })

    it('#11.hostile.3 a second Ctrl-C during the undo still names what is left: the restore and the temporary application', async () => {
      await sandbox.client.settings({no_patch: true})
      await sandbox.client.hold({method: 'DELETE', path: '/beta/chatapp-accounts/messenger/101'})
      await sandbox.client.hold({method: 'POST', path: '/beta/chatapp-accounts/messenger'})
      const running = runCli(['messenger:relink', '--page', '101', '--temp-app'], sandbox.env)
      const unlinking = await heldDuring(sandbox.client, running)
      running.child.kill('SIGINT')
      await running.stderrMatches(/finishing the request under way/)
      await sandbox.client.release(unlinking.id)
      const restoring = await heldDuring(sandbox.client, running)
      expect(restoring.method, 'the restore re-creates the previous link').to.equal('POST')
      running.child.kill('SIGINT')
      const run = await running
      await sandbox.client.release(restoring.id)
      expect(run.code).to.equal(130)
      expect(run.stderr).to.match(
        /SIGINT again: quitting at once; the request under way may or may not take effect; left to undo by hand: restore the previous link of Page 101 \(run: FACEBOOK_PAGE_TOKEN=<the new Page token> nexmo messenger:link --page-id 101 --name 'Pizza'\); delete temporary application [\da-f-]{36} \(run: app:temp:delete [\da-f-]{36}\)\n/,
      )
    })

    it('#11.19 without PATCH, a second relink of the same Page while the first is under way refuses clearly, and the first one finishes', async () => {
      await sandbox.client.settings({no_patch: true})
      await sandbox.client.hold({method: 'POST', path: '/beta/chatapp-accounts/messenger'})
      const first = runCli(['messenger:relink', '--page', '101'], sandbox.env)
      const held = await heldDuring(sandbox.client, first)
      const second = await runCli(['messenger:relink', '--page', '101'], sandbox.env)
      expect(second.code, second.stderr).to.equal(4)
      expect(second.stderr).to.match(
        /^Error: Page 101 is not linked, so there is nothing to re-link; .*if another re-link of it is running, it is unlinked only until that one finishes/m,
      )
      await sandbox.client.release(held.id)
      const done = await first
      expect(done.code, done.stderr).to.equal(0)
      expect((await accounts()).find((candidate) => candidate.external_id === '101')?.access_token).to.equal(
        sandbox.pageTokens['101'],
      )
      expect(await appNames()).to.deep.equal(['mine'])
    })
  })
})
