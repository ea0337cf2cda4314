// A fleet from the built binary: relink --all and status over many Pages, under the sandbox's rate
// limit, with the progress bar in a pseudo-terminal, and SIGINT in the middle of the run.
import {expect} from 'chai'

import {cli, inTerminal, sh} from '../helpers/cli.js'
import {nowSeconds, sandboxEnv, useSandbox} from '../helpers/sandbox.js'

interface Account {
  external_id: string
  access_token: string
  applications: string[]
}

const USER = 'FLEET-USER'
const DAY = 86_400

describe('e2e: a fleet of Pages', function () {
  this.timeout(120_000)
  const sandbox = useSandbox()
  let env: Record<string, string>

  /**
   * `count` Pages from 1000 linked at Vonage; `meanwhile` changes their stored tokens; then (unless
   * `login` is false) the user logs in again and Facebook hands out fresh Page tokens.
   */
  async function fleet(
    count: number,
    meanwhile: () => Promise<unknown> = async () => {},
    login = true,
  ): Promise<Account[]> {
    const app = await sandbox.createApp('fleet')
    const linked = await sandbox.seedFleet({link: {application: app.id}, page_count: count, user_token: USER})
    expect(linked.status).to.equal(201)
    await meanwhile()
    const before = (await sandbox.state()).accounts as Account[]
    if (login) expect((await sandbox.seedFleet({page_count: count, user_token: USER})).status).to.equal(201)
    return before
  }

  const control = async (pageId: string, change: Record<string, unknown>) =>
    expect((await sandbox.pageControl(pageId, change)).status).to.equal(200)

  const accounts = async () => (await sandbox.state()).accounts as Account[]

  beforeEach(() => {
    env = {...sandboxEnv(sandbox.url), FACEBOOK_USER_TOKEN: USER}
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') return
    await sandbox.verify()
  })

  it('relink --all under a rate limit: every Page re-linked, the 429s waited out, nothing failed', async () => {
    // a limit low enough that even a busy machine's CLI meets it (at 50/s, one at load 10 did not)
    const before = await fleet(60)
    await sandbox.rateLimit(10)
    const {code, stderr, stdout} = await cli(['messenger:relink', '--all'], {env})
    expect(code, stderr).to.equal(0)
    expect(stdout.split('\n').filter(Boolean)).to.have.length(60)
    expect(stdout).not.to.match(/failed/)
    expect(stderr).to.include('60 of 60 linked Page(s) re-linked.')
    const after = await accounts()
    expect(after.every((account, index) => account.access_token !== before[index].access_token)).to.equal(true)
    const stats = await sandbox.stats()
    expect(stats.rate_limited.vonage, 'the limit was met, so the pacing was tested').to.be.greaterThan(0)
  })

  it('SIGINT mid-fleet: no new Page is started, the one under way finishes, the summary is printed, exit 130', async () => {
    const before = await fleet(200)
    await sandbox.hold({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/1010'})
    const run = cli(['messenger:relink', '--all', '--json'], {env})
    await sandbox.waitForHeld()
    run.child.kill('SIGINT')
    await run.stderrMatches(/SIGINT: finishing the request under way/)
    await sandbox.release()
    const {code, stdout} = await run
    expect(code).to.equal(130)
    const report = JSON.parse(stdout)
    expect(report.error.kind).to.equal('interrupted')
    expect(report.error.message).to.match(/^SIGINT stopped the run: \d+ of \d+ linked Page\(s\) re-linked/)
    const relinked = new Set(
      (report.results as Array<{page: string; status: string}>)
        .filter((result) => result.status === 'relinked')
        .map((result) => result.page),
    )
    expect(relinked.has('1010'), 'the held request was under way: it finished').to.equal(true)
    expect(relinked.size).to.be.lessThan(200)
    // nothing half-done: each Page is linked, with its fresh token exactly when it was reported re-linked
    const after = await accounts()
    expect(after).to.have.length(200)
    for (const [index, account] of after.entries()) {
      const fresh = account.access_token !== before[index].access_token
      expect(fresh, account.external_id).to.equal(relinked.has(account.external_id))
      expect(account.applications).to.deep.equal(before[index].applications)
    }
  })

  it('status, SIGINT mid-fleet: the Pages fully checked so far are reported (none half-checked), exit 130', async () => {
    await fleet(200)
    await sandbox.hold({method: 'GET', path: '/v25.0/debug_token', skip: 150})
    const run = cli(['messenger:status', '--json'], {env})
    await sandbox.waitForHeld()
    run.child.kill('SIGINT')
    await run.stderrMatches(/SIGINT: /)
    await sandbox.release()
    const {code, stdout} = await run
    expect(code).to.equal(130)
    const report = JSON.parse(stdout)
    expect(report.incomplete).to.equal(true)
    expect(report.pages.length, 'the Pages checked before the signal').to.be.within(1, 199)
    expect(report.error.message).to.match(/^SIGINT stopped the checks: \d+ Page\(s\): \d+ ok, 0 warn, 0 fail so far/)
    expect(report.pages.every((row: {verdict: string}) => row.verdict === 'ok')).to.equal(true)
  })

  it('relink --all --expiring-within: only the Pages that lapse within the days (or are invalid) are written; a re-run has nothing to do', async () => {
    const before = await fleet(20, async () => {
      await control('1003', {expires_at: nowSeconds() + 5 * DAY})
      await control('1007', {invalidate_tokens: true})
    })
    const first = await cli(['messenger:relink', '--all', '--expiring-within', '30'], {env})
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stdout).to.match(/^1003 relinked$/m)
    expect(first.stdout).to.match(/^1007 relinked$/m)
    expect(first.stdout).to.match(/^1000 skipped: (89|90) day\(s\) left$/m)
    expect(first.stderr).to.include('2 of 20 linked Page(s) re-linked, 18 skipped (their links last longer).')
    const changed = (await accounts())
      .filter((account, index) => account.access_token !== before[index].access_token)
      .map((account) => account.external_id)
    expect(changed).to.deep.equal(['1003', '1007'])
    const stats = await sandbox.stats()
    const again = await cli(['messenger:relink', '--all', '--expiring-within', '30', '--json'], {env})
    expect(again.code, again.stderr).to.equal(0)
    const results = JSON.parse(again.stdout).results as Array<{status: string}>
    expect(results.map((result) => result.status)).to.deep.equal(Array.from({length: 20}, () => 'skipped'))
    const writes = (await sandbox.stats()).requests.vonage - stats.requests.vonage
    expect(writes, 'one list request, no write').to.equal(1)
  })

  it('--expiring-within: a Page for which Facebook still hands out the lapsing token fails, saying to log in again', async () => {
    await fleet(3, () => control('1001', {expires_at: nowSeconds() + 5 * DAY}), false)
    const {code, stderr, stdout} = await cli(['messenger:relink', '--all', '--expiring-within', '30'], {env})
    expect(code, 'partial: the skipped Pages are fine').to.equal(8)
    expect(stdout).to.match(
      /^1001 failed: Facebook gives the same Page token, which lapses in [45] day\(s\), so re-linking changes nothing: log in to Facebook again/m,
    )
    expect(stderr).to.include('0 of 3 linked Page(s) re-linked, 2 skipped (their links last longer), 1 failed.')
  })

  describe('where Vonage has no PATCH (re-link = unlink + link)', () => {
    beforeEach(() => sandbox.settings({no_patch: true}))

    it('a Page whose application was deleted is linked again without it, never left unlinked', async () => {
      await fleet(3)
      const app = (await accounts())[0].applications[0]
      const basicAuth = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`
      expect((await sandbox.request('DELETE', `/v2/applications/${app}`, {auth: basicAuth})).status).to.equal(204)
      const {code, stdout} = await cli(['messenger:relink', '--all'], {env})
      expect(stdout.split('\n').filter(Boolean)).to.have.length(3)
      expect(stdout).to.match(
        /^1000 failed: .*; the previous link of Page 1000 was restored without application [\w-]+, which Vonage refused \(.+\): link one with messenger:link --page 1000 --application <APPLICATION_ID>$/m,
      )
      expect(code, "the kind of Vonage's refusal (its 403 names the application as not found)").to.equal(4)
      const after = await accounts()
      expect(after.map((account) => account.external_id).sort()).to.deep.equal(['1000', '1001', '1002'])
      expect(after.every((account) => account.applications.length === 0)).to.equal(true)
    })

    it('once a Page has lost its link, no further Page is started (the others keep theirs)', async () => {
      await fleet(30)
      await sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 500, times: 1000})
      const {code, stdout} = await cli(['messenger:relink', '--all', '--json'], {env})
      expect(code).to.equal(6)
      const report = JSON.parse(stdout)
      expect(report.halted).to.match(/^Page \d+ lost its link, so no further Page was started$/)
      expect(report.error.message).to.include('lost its link, so no further Page was started')
      const lost = (report.results as Array<{page: string; previous_link_kept?: boolean}>).filter(
        (result) => result.previous_link_kept === false,
      )
      const linked = (await accounts()).length
      expect(lost.length, 'at most the few relinks under way at once').to.be.within(1, 4)
      expect(30 - linked, 'the report names every Page that lost its link').to.equal(lost.length)
      await sandbox.request('DELETE', '/_sandbox/faults')
    })

    it('SIGINT while a Page is unlinked: it is linked again (its restore is not held back), exit 130', async () => {
      await fleet(10)
      await sandbox.hold({method: 'POST', path: '/beta/chatapp-accounts/messenger'})
      const run = cli(['messenger:relink', '--all'], {env})
      await sandbox.waitForHeld()
      run.child.kill('SIGINT')
      await run.stderrMatches(/SIGINT: finishing the request under way/)
      await sandbox.release()
      const {code, stderr} = await run
      expect(code, stderr).to.equal(130)
      expect(stderr).not.to.match(/could not restore/)
      expect((await accounts()).map((account) => account.external_id).sort()).to.deep.equal(
        Array.from({length: 10}, (_, index) => String(1000 + index)),
      )
    })
  })

  it('a full disk on stdout: one line, the run goes to its end, exit 12 (not 0)', async () => {
    await fleet(20)
    const {code, stderr} = await sh('"$CLI" messenger:relink --all > /dev/full', {env})
    expect(code).to.equal(12)
    expect(stderr).to.match(/^Error: could not write the output \(ENOSPC\): what this command printed is incomplete$/m)
    expect(stderr).not.to.match(/\n\s+at /)
    expect(stderr).to.include('20 of 20 linked Page(s) re-linked.')
  })

  it("the progress bar in a terminal: done, failed, total, rate and ETA on the screen; only the failed Page's line", async () => {
    await fleet(40)
    await sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/1005', status: 400, times: 1})
    const {code, out} = await inTerminal(['messenger:relink', '--all'], [], env)
    expect(code, out).to.equal(8)
    expect(out).to.match(/Re-linking \[[^\]]*\] \d+\/40 done, [01] failed \| [\d.]+\/s \| ETA \d+s/)
    // the line goes to stdout on a line the bar's line was cleared from
    expect(out).to.include('\r\u001B[2K1005 failed: ')
    expect(out, 'the re-linked Pages are counted by the bar, not listed').not.to.match(/^10\d\d relinked/m)
    expect(out).to.include('39 of 40 linked Page(s) re-linked, 1 failed.')
  })
})
