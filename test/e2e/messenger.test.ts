// The whole flow from the built binary against the sandbox, in non-TTY shell scripts (and one
// pseudo-terminal): link, list, relink, relink --all, unlink, and the faults that must not leave
// a Page half-linked or a temporary application behind.
import {expect} from 'chai'

import {cli, inTerminal, runCli, sh} from '../helpers/cli.js'
import {
  bearer,
  heldDuring,
  nowSeconds,
  type SandboxClient,
  sandboxEnv,
  signToken,
  useSandbox,
} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

interface State {
  accounts: Array<{external_id: string; access_token: string; name?: string; applications: string[]}>
  applications: Array<{id: string; name: string}>
  log: Array<{method: string; path: string; status: number}>
  requests: number
  violations: unknown[]
  faults: unknown[]
}

const PAGES = [
  {id: '101', name: 'Pizza Place'},
  {id: '102', name: 'Bike Shop'},
  {id: '103', name: 'Book Club'},
]

describe('e2e: messenger:link, list, relink, unlink against the sandbox', function () {
  this.timeout(60_000)
  const sandbox = useSandbox()
  let env: Record<string, string>
  let tokens: Record<string, string>

  const seed = async () => {
    const {body} = await sandbox.seedUser({pages: PAGES, user_token: 'USER-TOKEN'})
    tokens = Object.fromEntries(
      body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
    )
  }

  const state = () => sandbox.state() as Promise<State>
  const vonageRequests = async () => (await state()).log.filter((entry) => !entry.path.startsWith('/v25.0'))

  beforeEach(async () => {
    await seed()
    env = sandboxEnv(sandbox.url)
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') return
    const after = await state()
    expect(after.violations, 'contract violations').to.deep.equal([])
    expect(
      after.applications.filter((app) => app.name.startsWith('messenger-link-temp-')),
      'temporary applications left behind',
    ).to.deep.equal([])
  })

  // One HOME for the tests below that pass it (cli() makes a new one otherwise); tempDir removes it.
  let home: string
  before(() => {
    home = tempDir('e2e-home')
  })

  const link = (pageId: string, extra: string[] = [], more: Record<string, string> = {}) =>
    cli(['messenger:link', '--page-id', pageId, ...extra], {
      env: {...env, FACEBOOK_PAGE_TOKEN: tokens[pageId], ...more},
    })

  describe('messenger:link', () => {
    it('links with --page-id and a Page token from the environment, with the API key and secret: Page id on stdout, one request to Vonage', async () => {
      const {code, stderr, stdout} = await link('101')
      expect(code, stderr).to.equal(0)
      expect(stdout).to.equal('101\n')
      expect(stderr).to.equal('Linked Pizza Place (101).\n')
      const [account] = (await state()).accounts
      expect(account).to.deep.include({access_token: tokens['101'], external_id: '101'})
      const vonage = (await vonageRequests()).map(
        (entry) => `${entry.method} ${entry.path.replace(/[\da-f-]{36}/, 'ID')}`,
      )
      // Basic auth: no application to make; the 201 answer carries the account: no read-back
      expect(vonage).to.deep.equal(['POST /beta/chatapp-accounts/messenger'])
    })

    it('#11.low a Page linked by --page-id is named after the Page, read with its Page token; without that name when the read fails', async () => {
      const {code, stderr} = await link('101', [], {HOME: home})
      expect(code, stderr).to.equal(0)
      expect((await state()).accounts[0]).to.include({external_id: '101', name: 'Pizza Place'})
      const graph = (await state()).log
        .filter((entry) => entry.path.startsWith('/v25.0/'))
        .map((entry) => `${entry.method} ${entry.path}`)
      expect(graph).to.deep.equal(['GET /v25.0/101', 'GET /v25.0/debug_token'])
      await sandbox.fault({
        body: {error: {code: 100, message: 'Unsupported get request.', type: 'GraphMethodException'}},
        method: 'GET',
        path: '/v25.0/102',
        status: 400,
      })
      const unnamed = await link('102', [], {HOME: home})
      expect(unnamed.code, unnamed.stderr).to.equal(0)
      expect(unnamed.stderr).to.equal('Linked Page 102.\n')
      expect((await state()).accounts.find((account) => account.external_id === '102')).not.to.have.property('name')
    })

    it("#12 another Page's token, or a user token given as the Page token: exit 2 before any request to Vonage, naming no token", async () => {
      // Another Page's token cannot read this Page's name; the user token can.
      for (const [token, problem] of [
        [tokens['102'], 'Page 101 belongs to another Page (102)'],
        ['USER-TOKEN', 'Pizza Place (101) is a USER token, not a Page token'],
      ]) {
        const before = (await state()).log.length
        const {code, stderr, stdout} = await link('101', [], {FACEBOOK_PAGE_TOKEN: token, HOME: home})
        expect(code, stderr).to.equal(2)
        expect(stdout).to.equal('')
        expect(stderr).to.match(
          new RegExp(
            `^Error: Facebook says the token given as the Page token of ${problem.replace(/[()]/g, '\\$&')}; give that Page's own token`,
          ),
        )
        expect(stderr.split('\n')).to.have.length(2)
        expect(stderr).not.to.include(token)
        expect((await state()).log.slice(before).filter((entry) => !entry.path.startsWith('/v25.0'))).to.deep.equal([])
      }

      expect((await state()).accounts).to.deep.equal([])
    })

    it('#11.low --page with --page-id is refused when the flags are read, before any request', async () => {
      const {code, stderr} = await link('101', ['--page', 'Bike Shop'], {FACEBOOK_USER_TOKEN: 'USER-TOKEN', HOME: home})
      expect(code).to.equal(2)
      expect(stderr).to.match(/^Error: .*--page-id=101 cannot also be provided when using --page/)
      expect((await state()).requests).to.equal(0)
    })

    it('links with --page-token - (stdin) and --jwt', async () => {
      const app = await sandbox.createApp('mine')
      const jwt = bearer(app.privateKey, app.id).slice('Bearer '.length)
      const {code, stderr} = await sh(
        `printf '%s' "$TOKEN" | "$CLI" messenger:link --page-id 102 --page-token - --jwt "$MY_JWT"`,
        {env: {...env, MY_JWT: jwt, TOKEN: tokens['102']}},
      )
      expect(code, stderr).to.equal(0)
      expect(stderr).to.match(/Hint: --jwt on the command line is kept in shell history/)
      const linking = (await vonageRequests()).filter((entry) => entry.path.startsWith('/beta/'))
      expect(linking.map((entry) => entry.method)).to.deep.equal(['POST'])
      expect(
        (await vonageRequests()).filter((entry) => entry.path.startsWith('/v2/')).map((entry) => entry.method),
      ).to.deep.equal(['POST'])
    })

    it('links with --app-id and its private key, and links a Messages application too', async () => {
      const app = await sandbox.createApp('mine')
      const {code, stderr, stdout} = await link('101', ['--app-id', app.id, '--application', app.id], {
        VONAGE_PRIVATE_KEY: app.privateKey,
      })
      expect(code, stderr).to.equal(0)
      expect(stdout).to.equal('101\n')
      expect((await state()).accounts[0].applications).to.deep.equal([app.id])
    })

    it('links with --user-token and --page NAME, naming the account after the Page', async () => {
      const {code, stderr, stdout} = await cli(['messenger:link', '--page', 'bike shop', '--json'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code, stderr).to.equal(0)
      expect(JSON.parse(stdout)).to.deep.equal({
        account: {applications: [], external_id: '102', name: 'Bike Shop'},
        status: 'linked',
        warnings: [],
      })
      expect(stdout).not.to.include(tokens['102'])
    })

    it('in a pipe without --page, fails at once with the choices instead of waiting', async () => {
      const {code, stderr} = await cli(['messenger:link'], {env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'}})
      expect(code).to.equal(2)
      expect(stderr).to.equal(
        'Error: choose a Page with --page ID_OR_NAME; this user token manages Pizza Place (101), Bike Shop (102), Book Club (103)\n',
      )
    })

    it('at a terminal without --page, offers the Pages to pick with the arrow keys', async () => {
      const run = await inTerminal(
        ['messenger:link'],
        [
          ['Which Facebook Page?', '\u001B[B'],
          ['Bike Shop', '\r'],
        ],
        {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      )
      expect(run.code, run.out).to.equal(0)
      expect(run.out).to.include('Which Facebook Page?')
      expect((await state()).accounts.map((account) => account.external_id)).to.deep.equal(['102'])
    })

    it('says "already linked" for the same Page token (exit 0) and points to relink for another (exit 5)', async () => {
      await link('101')
      const again = await link('101')
      expect(again).to.deep.include({code: 0, stdout: '101\n'})
      expect(again.stderr).to.equal('Pizza Place (101) was already linked with this Page token; nothing changed.\n')
      await seed()
      const other = await link('101')
      expect(other.code).to.equal(5)
      expect(other.stderr).to.equal(
        'Error: Page 101 is already linked with another Page token; replace it with messenger:relink --page-id 101\n',
      )
    })

    it('refuses an expired JWT before sending anything', async () => {
      const app = await sandbox.createApp('mine')
      const expired = signToken(app.privateKey, {
        application_id: app.id,
        exp: nowSeconds() - 120,
        iat: nowSeconds() - 1020,
      })
      const before = (await state()).requests
      const {code, stderr} = await link('101', [], {VONAGE_JWT: expired})
      expect(code).to.equal(3)
      expect(stderr).to.match(
        /^Error: the JWT given \(--jwt or VONAGE_JWT\) expired 2 min( [12] s)? ago; sign a new one with `jwt:generate KEY application_id=APP_ID`/,
      ) // a second may tick
      const vonage = (await state()).log.slice(before).filter((entry) => !entry.path.startsWith('/v25.0'))
      expect(vonage).to.deep.equal([])
    })

    it('names the Page token when Facebook refuses it with code 190', async () => {
      const {code, stderr} = await link('101', [], {FACEBOOK_PAGE_TOKEN: 'EAA-made-up'})
      expect(code).to.equal(3)
      expect(stderr).to.equal(
        'Error: Facebook refused the Page token (code 190: invalid or expired): Invalid OAuth access token - the access_token used to inspect is not valid; get a fresh token (for example from the Graph API Explorer)\n',
      )
      expect((await state()).accounts).to.deep.equal([])
    })

    it('warns when the Page token expires within 14 days', async () => {
      const {body} = await sandbox.seedUser({
        pages: [{expires_at: nowSeconds() + 5 * 86_400 - 1800, id: '201', name: 'Soon'}],
        user_token: 'U2',
      })
      const {code, stderr} = await cli(['messenger:link', '--page-id', '201'], {
        env: {...env, FACEBOOK_PAGE_TOKEN: body.pages[0].access_token},
      })
      expect(code, stderr).to.equal(0)
      expect(stderr).to.match(
        /^Warning: the Page token of Soon \(201\) expires in 4 d 23 h \(.*\); re-link before then with messenger:relink\n/,
      )
    })
  })

  describe('messenger:list', () => {
    it('lists linked Pages with their application and days left, never a token', async () => {
      const app = await sandbox.createApp('mine')
      await link('101', ['--application', app.id])
      await link('102')
      const table = await cli(['messenger:list', '--user-token', 'USER-TOKEN'], {env})
      expect(table.code, table.stderr).to.equal(0)
      expect(table.stdout.split('\n')[0]).to.match(/^PAGE ID\s+NAME\s+APPLICATION\s+DAYS LEFT$/)
      expect(table.stdout).to.match(new RegExp(`101\\s+Pizza Place\\s+${app.id}`))
      expect(table.stdout).to.match(/\b(89|90)\b/)
      const json = JSON.parse(
        (await cli(['messenger:list', '--json'], {env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'}})).stdout,
      )
      expect(json.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101', '102'])
      expect(json.accounts[0]).to.include({token_valid: true})
      expect(JSON.stringify(json) + table.stdout + table.stderr).not.to.include(tokens['101'])
    })

    it('follows HAL paging past the first page', async () => {
      const many = Array.from({length: 120}, (_, index) => ({id: String(5000 + index), name: `P${index}`}))
      const {body} = await sandbox.seedUser({pages: many, user_token: 'MANY'})
      const app = await sandbox.createApp('mine')
      await Promise.all(
        body.pages.map((page: {id: string; access_token: string}) =>
          sandbox.request('POST', '/beta/chatapp-accounts/messenger', {
            auth: bearer(app.privateKey, app.id),
            body: {access_token: page.access_token, external_id: page.id},
          }),
        ),
      )
      const {code, stdout} = await cli(['messenger:list', '--json'], {env})
      expect(code).to.equal(0)
      expect(JSON.parse(stdout).accounts).to.have.length(120)
    })
  })

  describe('messenger:relink', () => {
    it('replaces the token, keeping the name and the application', async () => {
      const app = await sandbox.createApp('mine')
      await link('101', ['--name', 'Pizza', '--application', app.id])
      await seed()
      const {code, stderr, stdout} = await cli(['messenger:relink', '--page', '101'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code, stderr).to.equal(0)
      expect(stdout).to.equal('101 relinked\n')
      expect((await state()).accounts).to.deep.equal([
        {
          access_token: tokens['101'],
          api_key: 'sandbox-key',
          applications: [app.id],
          external_id: '101',
          name: 'Pizza',
          provider: 'messenger',
        },
      ])
    })

    it('--all re-links every linked Page the user manages, one line each, and leaves others alone', async () => {
      for (const page of PAGES) await link(page.id)
      const other = (await sandbox.seedUser({pages: [{id: '999', name: 'Not mine'}], user_token: 'OTHER'})).body
        .pages[0]
      await cli(['messenger:link', '--page-id', '999'], {env: {...env, FACEBOOK_PAGE_TOKEN: other.access_token}})
      await seed()
      const {code, stderr, stdout} = await cli(['messenger:relink', '--all'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code, stderr).to.equal(0)
      expect(stdout.trim().split('\n').sort()).to.deep.equal(['101 relinked', '102 relinked', '103 relinked'])
      expect(stderr).to.include('999 is linked but not among the Pages this user token manages; left alone')
      expect(stderr).to.include('3 of 3 linked Page(s) re-linked.')
      const accounts = (await state()).accounts
      for (const page of PAGES)
        expect(accounts.find((account) => account.external_id === page.id)?.access_token).to.equal(tokens[page.id])
      expect(accounts.find((account) => account.external_id === '999')?.access_token).to.equal(other.access_token)
    })

    it('without PATCH, restores the old account unchanged when the POST fails after the DELETE', async () => {
      const app = await sandbox.createApp('mine')
      await link('101', ['--name', 'Pizza', '--application', app.id])
      const before = (await state()).accounts
      await seed()
      await sandbox.settings({no_patch: true})
      await sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 500})
      const {code, stderr, stdout} = await cli(['messenger:relink', '--page', '101'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code).to.equal(6)
      expect(stdout).to.equal('')
      expect(stderr).to.match(
        /^Warning: Vonage turned down PATCH \(405\): .*\nError: re-linking Page 101 failed: Vonage failed while linking Page 101: 500 .*; the previous link was restored\n$/,
      )
      expect((await state()).accounts).to.deep.equal(before)
    })

    it('without PATCH, prints the exact command that finishes the job when the restore fails too', async () => {
      await link('101', ['--name', "Joe's Pizza"])
      await seed()
      await sandbox.settings({no_patch: true})
      await sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 503, times: 2})
      const {code, stderr} = await cli(['messenger:relink', '--page', '101'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code).to.equal(6)
      expect(stderr).to.include(`restoring the previous link failed too (Vonage failed while linking Page 101: 503`)
      expect(stderr).to.include(
        `finish by hand with: FACEBOOK_PAGE_TOKEN=<the new Page token> nexmo messenger:link --page-id 101 --name 'Joe'\\''s Pizza'`,
      )
      expect(stderr).not.to.include(tokens['101'])
    })

    it('reports a partial --all with its own exit code, each failed Page keeping its link', async () => {
      for (const page of PAGES) await link(page.id)
      const before = (await state()).accounts.find((account) => account.external_id === '102')
      await seed()
      await sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/102', status: 403, times: 1})
      const {code, stderr, stdout} = await cli(['messenger:relink', '--all', '--json'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code).to.equal(8)
      const report = JSON.parse(stdout)
      expect(
        report.results.map((result: {page: string; status: string}) => `${result.page} ${result.status}`).sort(),
      ).to.deep.equal(['101 relinked', '102 failed', '103 relinked'])
      expect(report.error).to.include({kind: 'partial'})
      expect(stderr).to.match(/Error: 1 of 3 Page\(s\) could not be re-linked/)
      expect((await state()).accounts.find((account) => account.external_id === '102')).to.deep.equal(before)
    })

    it('retries a read that meets a 429 with Retry-After, and succeeds (the fallback without PATCH reads the account)', async () => {
      await link('101')
      await seed()
      await sandbox.settings({no_patch: true})
      await sandbox.fault({
        method: 'GET',
        path: '/beta/chatapp-accounts/messenger/101',
        retry_after: 1,
        status: 429,
        times: 1,
      })
      const logged = (await state()).log.length
      const started = Date.now()
      const {code, stderr} = await cli(['messenger:relink', '--page', '101'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code, stderr).to.equal(0)
      expect(Date.now() - started).to.be.at.least(1000)
      const gets = (await state()).log
        .slice(logged)
        .filter((entry) => entry.method === 'GET' && entry.path.endsWith('/messenger/101'))
      expect(gets[0].status).to.equal(429)
      expect(gets[1].status).to.equal(200)
    })

    it('says a Page that is not linked cannot be re-linked (exit 4)', async () => {
      const {code, stderr} = await cli(['messenger:relink', '--page', '103'], {
        env: {...env, FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
      })
      expect(code).to.equal(4)
      expect(stderr).to.equal(
        'Error: Page 103 is not linked, so there is nothing to re-link; link it with messenger:link (if another re-link of it is running, it is unlinked only until that one finishes)\n',
      )
    })
  })

  describe('messenger:unlink', () => {
    it('needs --yes in a script, unlinks with it, and says not-found for an unknown Page', async () => {
      await link('101')
      const refused = await cli(['messenger:unlink', '--page-id', '101'], {env})
      expect(refused.code).to.equal(2)
      expect(refused.stderr).to.equal(
        'Error: not unlinking Pizza Place (101): standard input is not a terminal, so pass --yes to confirm\n',
      )
      expect((await state()).accounts).to.have.length(1)
      const done = await cli(['messenger:unlink', '--page-id', '101', '--yes'], {env})
      expect(done).to.deep.include({code: 0, stdout: '101\n'})
      expect((await state()).accounts).to.deep.equal([])
      const unknown = await cli(['messenger:unlink', '--page-id', '101', '--yes'], {env})
      expect(unknown.code).to.equal(4)
      expect(unknown.stderr).to.equal('Error: Page 101 is not linked; messenger:list shows the linked Pages\n')
    })

    it('refuses a Page id with path characters before any request', async () => {
      const {code, stderr} = await cli(['messenger:unlink', '--page-id', '../101', '--yes'], {env})
      expect(code).to.equal(2)
      expect(stderr).to.match(/is not a Facebook Page id/)
    })
  })

  describe('interruption', () => {
    /** Sends `signal` once, while the sandbox holds the request; lets it go once the CLI says it will finish it. */
    async function runUntilSandboxHolds(
      client: SandboxClient,
      args: string[],
      extraEnv: Record<string, string>,
      signal: NodeJS.Signals,
    ) {
      const running = runCli(args, {...env, ...extraEnv})
      const held = await heldDuring(client, running)
      running.child.kill(signal)
      await running.stderrMatches(/finishing the request under way/)
      await client.release(held.id)
      return running
    }

    it('#11.6 SIGINT during the link POST of --temp-app: the Page is linked and says so, the temporary application is deleted, exit 130', async () => {
      await sandbox.hold({method: 'POST', path: '/beta/chatapp-accounts/messenger'})
      const {code, stderr, stdout} = await runUntilSandboxHolds(
        sandbox,
        ['messenger:link', '--page-id', '101', '--temp-app'],
        {FACEBOOK_PAGE_TOKEN: tokens['101']},
        'SIGINT',
      )
      expect(code, stderr).to.equal(130)
      expect(stdout).to.equal('101\n')
      expect(stderr).to.match(/SIGINT: finishing the request under way, then undoing what was started/)
      expect(stderr).to.match(
        /Error: SIGINT arrived after the work was done, so nothing was undone: Pizza Place \(101\) is linked\n$/,
      )
      expect((await state()).accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal([
        '101',
      ])
      expect((await state()).applications).to.deep.equal([])
    })

    it("SIGTERM during a relink's unlink (without PATCH): the previous link is restored, exit 143", async () => {
      await link('101', ['--name', 'Pizza'])
      const before = (await state()).accounts
      await seed()
      await sandbox.settings({no_patch: true})
      await sandbox.hold({method: 'DELETE', path: '/beta/chatapp-accounts/messenger/101'})
      const {code, stderr} = await runUntilSandboxHolds(
        sandbox,
        ['messenger:relink', '--page', '101'],
        {FACEBOOK_USER_TOKEN: 'USER-TOKEN'},
        'SIGTERM',
      )
      expect(code, stderr).to.equal(143)
      expect((await state()).accounts).to.deep.equal(before)
      expect((await state()).applications).to.deep.equal([])
    })
  })
})
