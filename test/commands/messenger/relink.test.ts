import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {basic, heldDuring} from '../../helpers/sandbox.js'

describe('messenger:relink (in process)', () => {
  const context = useCommandSandbox()
  const accounts = async () =>
    (await context.sandbox.state()).accounts as Array<{external_id: string; access_token: string; name?: string}>
  const refreshTokens = () => context.reseed()

  /** The Vonage requests the sandbox logs from now on ("METHOD path status"), for counting. */
  const vonageRequestsFrom = async () => {
    const start = ((await context.sandbox.state()).log as unknown[]).length
    return async () =>
      ((await context.sandbox.state()).log as Array<{method: string; path: string; status: number}>)
        .slice(start)
        .filter((entry) => !entry.path.startsWith('/v25.0'))
        .map((entry) => `${entry.method} ${entry.path} ${entry.status}`)
  }

  beforeEach(async () => {
    await run(['messenger:link', '--page', '101', '--name', 'Pizza HQ'])
    await refreshTokens()
  })

  it('re-links one Page with one PATCH of its fresh token, keeping the account name', async () => {
    const requests = await vonageRequestsFrom()
    const {error, stderr, stdout} = await run(['messenger:relink', '--page', '101'])
    expect(error, stderr).to.equal(undefined)
    expect(stdout).to.equal('101 relinked\n')
    expect(await requests(), 'one request to Vonage, confirmed from its answer').to.deep.equal([
      'PATCH /beta/chatapp-accounts/messenger/101 200',
    ])
    expect(await accounts()).to.deep.equal([
      {...(await accounts())[0], access_token: context.tokens['101'], external_id: '101', name: 'Pizza HQ'},
    ])
  })

  it('--name changes the account name in the same PATCH', async () => {
    const requests = await vonageRequestsFrom()
    const {error, stderr} = await run(['messenger:relink', '--page', '101', '--name', 'Pizza Place'])
    expect(error, stderr).to.equal(undefined)
    expect(await requests()).to.have.length(1)
    expect((await accounts())[0]).to.include({access_token: context.tokens['101'], name: 'Pizza Place'})
  })

  it('--all re-links every linked Page the user manages with one list and one PATCH per Page, and says how many', async () => {
    await run(['messenger:link', '--page', '102'])
    await refreshTokens()
    const requests = await vonageRequestsFrom()
    const {error, stderr, stdout} = await run(['messenger:relink', '--all'])
    expect(error).to.equal(undefined)
    expect(stdout.split('\n').filter(Boolean).sort()).to.deep.equal(['101 relinked', '102 relinked'])
    expect(stderr).to.include('2 of 2 linked Page(s) re-linked.')
    expect((await requests()).sort()).to.deep.equal([
      'GET /beta/chatapp-accounts 200',
      'PATCH /beta/chatapp-accounts/messenger/101 200',
      'PATCH /beta/chatapp-accounts/messenger/102 200',
    ])
    expect((await accounts()).map((account) => account.access_token).sort()).to.deep.equal(
      [context.tokens['101'], context.tokens['102']].sort(),
    )
  })

  describe('#13.6 --all adapts how many requests are in flight', () => {
    const PAGES = Array.from({length: 12}, (_, index) => ({id: String(201 + index), name: `Shop ${index + 1}`}))
    beforeEach(async () => {
      await context.sandbox.seedUser({pages: PAGES, user_token: 'USER'})
      for (const page of PAGES) await run(['messenger:link', '--page', page.id])
    })

    it('4 at first, then 8 once those answered well (slow start)', async () => {
      await context.sandbox.hold({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/', times: 12})
      const relink = run(['messenger:relink', '--all'])
      expect(await context.sandbox.waitForHeldCount(4), 'the first round').to.have.length(4)
      await context.sandbox.release()
      expect(await context.sandbox.waitForHeldCount(8), 'the second round, twice as wide').to.have.length(8)
      await context.sandbox.release()
      const {error, stdout} = await relink
      expect(error).to.equal(undefined)
      expect(stdout.split('\n').filter(Boolean)).to.have.length(12)
    })

    it('#13.hostile.1 Ctrl-C: no request starts after it; the Pages done are reported, the rest keep their link (exit 130)', async () => {
      await context.sandbox.hold({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/', times: 4})
      const requests = await vonageRequestsFrom()
      const relink = run(['messenger:relink', '--all'])
      await context.sandbox.waitForHeldCount(4)
      process.emit('SIGINT', 'SIGINT')
      await context.sandbox.release()
      const {error, stderr, stdout} = await relink
      expect(error?.oclif?.exit, stderr).to.equal(130)
      const lines = stdout.split('\n').filter(Boolean)
      expect(lines.filter((line) => line.endsWith(' relinked'))).to.have.length(4)
      expect(lines.filter((line) => line.endsWith(' stopped: not re-linked'))).to.have.length(8)
      expect(stderr).to.match(
        /^Error: SIGINT stopped the run: 4 of 12 linked Page\(s\) re-linked, 8 stopped; the Pages not re-linked keep their previous link\n$/m,
      )
      expect(
        (await requests()).filter((request) => request.startsWith('PATCH')),
        'no PATCH after the signal',
      ).to.have.length(4)
    })

    it('#13.hostile.2 a Retry-After longer than a minute fails that Page at once and holds up no other', async () => {
      await context.sandbox.fault({
        method: 'PATCH',
        path: '/beta/chatapp-accounts/messenger/205',
        retry_after: 3600,
        status: 429,
      })
      const {error, stdout} = await run(['messenger:relink', '--all'])
      expect(error?.oclif?.exit).to.equal(8)
      expect(stdout).to.match(/^205 failed: .*asks to wait 1 h/m)
      expect(stdout.split('\n').filter((line) => line.endsWith(' relinked'))).to.have.length(11)
      expect(context.waits, 'nobody waited the hour').not.to.include(3_600_000)
    })

    it('429s are waited out and sent again: every Page re-linked, exit 0', async () => {
      await context.sandbox.fault({
        method: 'PATCH',
        path: '/beta/chatapp-accounts/messenger/',
        retry_after: 1,
        status: 429,
        times: 6,
      })
      const requests = await vonageRequestsFrom()
      const {error, stderr, stdout} = await run(['messenger:relink', '--all'])
      expect(error, stderr).to.equal(undefined)
      expect(stdout.split('\n').filter(Boolean).sort()).to.deep.equal(PAGES.map((page) => `${page.id} relinked`))
      const patches = (await requests()).filter((request) => request.startsWith('PATCH'))
      expect(patches.filter((request) => request.endsWith(' 429'))).to.have.length(6)
      expect(patches.filter((request) => request.endsWith(' 200'))).to.have.length(12)
    })
  })

  it('the Page stays linked while its PATCH is under way', async () => {
    const before = (await accounts())[0]
    await context.sandbox.hold({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101'})
    const running = run(['messenger:relink', '--page', '101'])
    const held = await heldDuring(
      context.sandbox,
      running.then(({error, stderr}) => ({code: error ? 1 : 0, stderr})),
    )
    const {body, status} = await context.sandbox.request('GET', '/beta/chatapp-accounts/messenger/101', {auth: basic()})
    expect(status).to.equal(200)
    expect(body).to.include({access_token: before.access_token, external_id: '101'})
    await context.sandbox.release(held.id)
    const {error, stdout} = await running
    expect(error).to.equal(undefined)
    expect(stdout).to.equal('101 relinked\n')
  })

  describe('a PATCH whose answer is lost is read back, and the error says what is true', () => {
    it('#13.hostile.5 unanswered, old token read back: says the request may yet take effect (exit 7)', async () => {
      await context.sandbox.hold({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101'})
      const {error, stderr} = await run(['messenger:relink', '--page', '101', '--timeout', '1'])
      expect(error?.oclif?.exit).to.equal(7)
      expect(stderr).to.match(
        /Page 101 was still linked with its previous token when read back, but the unanswered request may yet take effect: run messenger:relink again\n$/,
      )
      await context.sandbox.release()
    })

    it('taken effect (a 500 after the change): relinked, exit 0', async () => {
      await context.sandbox.fault({
        method: 'PATCH',
        path: '/beta/chatapp-accounts/messenger/101',
        status: 500,
        when: 'after',
      })
      const requests = await vonageRequestsFrom()
      const {error, stderr, stdout} = await run(['messenger:relink', '--page', '101'])
      expect(error, stderr).to.equal(undefined)
      expect(stdout).to.equal('101 relinked\n')
      expect(await requests()).to.deep.equal([
        'PATCH /beta/chatapp-accounts/messenger/101 500',
        'GET /beta/chatapp-accounts/messenger/101 200',
      ])
      expect((await accounts())[0].access_token).to.equal(context.tokens['101'])
    })

    it('not taken effect (a 503 before the change): still linked with the old token, exit 6', async () => {
      const before = await accounts()
      await context.sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101', status: 503})
      const {error, stderr, stdout} = await run(['messenger:relink', '--page', '101'])
      expect(error?.oclif?.exit).to.equal(6)
      expect(stdout).to.equal('')
      expect(stderr).to.match(
        /^Error: Vonage failed while re-linking Page 101: 503 .*; Page 101 is still linked with its previous token\n$/,
      )
      expect(await accounts()).to.deep.equal(before)
    })

    it('a refused PATCH (400) is not read back: the Page keeps its previous link, exit 6', async () => {
      const requests = await vonageRequestsFrom()
      await context.sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101', status: 400})
      const {error, stderr} = await run(['messenger:relink', '--page', '101'])
      expect(error?.oclif?.exit).to.equal(6)
      expect(stderr).to.match(
        /^Error: Vonage rejected re-linking Page 101: 400 .*; Page 101 keeps its previous link\n$/,
      )
      expect(await requests()).to.deep.equal(['PATCH /beta/chatapp-accounts/messenger/101 400'])
    })
  })

  describe('where Vonage turns PATCH down', () => {
    it('405 (the sandbox switch): falls back to DELETE + POST and says so in one warning', async () => {
      await context.sandbox.settings({no_patch: true})
      const requests = await vonageRequestsFrom()
      const {error, stderr, stdout} = await run(['messenger:relink', '--page', '101'])
      expect(error, stderr).to.equal(undefined)
      expect(stdout).to.equal('101 relinked\n')
      expect(stderr).to.equal(
        'Warning: Vonage turned down PATCH (405): re-linking by unlinking and linking again, the previous link restored if a step fails\n',
      )
      expect(await requests()).to.deep.equal([
        'PATCH /beta/chatapp-accounts/messenger/101 405',
        'GET /beta/chatapp-accounts/messenger/101 200',
        'DELETE /beta/chatapp-accounts/messenger/101 204',
        'POST /beta/chatapp-accounts/messenger 201',
      ])
      expect((await accounts())[0]).to.include({access_token: context.tokens['101'], name: 'Pizza HQ'})
    })

    it('--all: the warning once, and the Pages after the first go straight to the fallback', async () => {
      await run(['messenger:link', '--page', '102'])
      await refreshTokens()
      await context.sandbox.settings({no_patch: true})
      const requests = await vonageRequestsFrom()
      const {error, stderr} = await run(['messenger:relink', '--all', '--concurrency', '1'])
      expect(error, stderr).to.equal(undefined)
      expect(stderr.match(/turned down PATCH/g)).to.have.length(1)
      expect((await requests()).filter((request) => request.startsWith('PATCH'))).to.have.length(1)
      expect((await accounts()).map((account) => account.access_token).sort()).to.deep.equal(
        [context.tokens['101'], context.tokens['102']].sort(),
      )
    })

    it('404 for a Page that a GET finds linked: the route is missing, so the fallback', async () => {
      await context.sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101', status: 404})
      const {error, stderr} = await run(['messenger:relink', '--page', '101'])
      expect(error, stderr).to.equal(undefined)
      expect(stderr).to.include('Warning: Vonage turned down PATCH (404 for Page 101, which is linked)')
      expect((await accounts())[0].access_token).to.equal(context.tokens['101'])
    })

    it('a failed fallback restores the previous link (exit 6)', async () => {
      const before = await accounts()
      await context.sandbox.settings({no_patch: true})
      await context.sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 500})
      const {error, stderr} = await run(['messenger:relink', '--page', '101'])
      expect(error?.oclif?.exit).to.equal(6)
      expect(stderr).to.match(/; the previous link was restored\n$/)
      expect(await accounts()).to.deep.equal(before)
    })
  })

  it('a Page that is not linked is not-found (exit 4)', async () => {
    const {error} = await run(['messenger:relink', '--page', '102'])
    expect(error?.oclif?.exit).to.equal(4)
  })
})
