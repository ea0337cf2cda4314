// messenger:link --browser and messenger:relink --browser, the built binary beside a real browser:
// the CLI prints the JWT and the page's URL on stderr and waits; the test does what a person would
// on the sandbox's linking page (log in, pick the Page, paste the JWT, Subscribe — for relink
// Unsubscribe first); the CLI then prints the Page id on stdout. Also what ends a wait early: Ctrl-C,
// the --wait limit, a JWT that lapses while waiting, a page the API key cannot sign for.
// SCREENSHOTS=DIR keeps the screenshots of each step of the first test there (else they go to a
// temporary folder, removed); UPDATE_SCREENSHOT=1 copies its "subscribed" step to docs/.
import {expect} from 'chai'
import {copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Browser, BrowserContext} from 'playwright-core'

import {cli, type CliRun, ROOT} from '../helpers/cli.js'
import {nowSeconds, sandboxEnv, signToken, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'
import {launchBrowser, LinkingPagePerson, watchForTrouble} from './browser.js'

const JWT_LINE = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m
const OPEN_LINE = /Open (\S+) in your browser\./

describe('messenger:link and messenger:relink --browser with the linking page in a real browser', () => {
  const sandbox = useSandbox()
  let browser: Browser
  let context: BrowserContext | undefined

  before(async () => {
    browser = await launchBrowser()
  })
  afterEach(() => context?.close())
  after(() => browser?.close())

  /** Starts the CLI with --browser against the sandbox's page; `stderr()` is what it printed so far. */
  function start(
    command: 'link' | 'relink',
    extra: string[],
    env: Record<string, string> = {},
  ): CliRun & {stderr: () => string; jwts: () => string[]} {
    const run = cli(
      [`messenger:${command}`, '--browser', '--no-open', '--linking-page', `${sandbox.url}/messenger`, ...extra],
      {env: {...sandboxEnv(sandbox.url), ...env}},
    )
    let stderr = ''
    run.child.stderr?.on('data', (chunk) => (stderr += chunk))
    const jwts = () => [...stderr.matchAll(new RegExp(JWT_LINE.source, 'gm'))].map((match) => match[1])
    return Object.assign(run, {jwts, stderr: () => stderr})
  }

  /** A person on the page the CLI named, logged in as the seeded user. */
  async function person(run: {stderr: () => string}, userId: string, shots?: string) {
    context = await browser.newContext({viewport: {height: 820, width: 760}})
    const page = await context.newPage()
    const driver = new LinkingPagePerson(page, shots)
    const trouble = watchForTrouble(page)
    await driver.logIn(OPEN_LINE.exec(run.stderr())![1], userId)
    return {driver, trouble}
  }

  /** A Messages application and its key in a file, for --app-id. */
  async function application() {
    const app = await sandbox.createApp('My Messages app')
    const key = join(tempDir('browser-link'), 'app.key')
    writeFileSync(key, app.privateKey, {mode: 0o600})
    return {id: app.id, key, privateKey: app.privateKey}
  }

  const seedCafe = (more: Record<string, unknown> = {}) =>
    sandbox.seedUser({pages: [{id: '101', name: 'Corner Cafe'}], user_token: 'browser-user', ...more})

  it('link: prints the JWT and the URL on stderr, waits, and prints the Page the person subscribed on stdout', async () => {
    const user = await seedCafe()
    const app = await application()
    const shots = process.env.SCREENSHOTS ?? tempDir('browser-link-shots')
    mkdirSync(shots, {recursive: true})
    // a user token kept in the environment for scheduled runs is not a mistake with --browser
    const run = start('link', ['--app-id', app.id, '--private-key', app.key], {FACEBOOK_USER_TOKEN: 'kept-for-cron'})
    await run.stderrMatches(OPEN_LINE)
    expect(run.jwts(), run.stderr()).to.have.length(1)

    const {driver, trouble} = await person(run, user.body.user_id, shots)
    await driver.fillIn('101', run.jwts()[0])
    expect(await driver.press('Subscribe')).to.include({http: 201, status: 'ok'})
    const subscribed = await driver.shot('3-subscribed')

    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(0)
    expect(stdout).to.equal('101\n')
    expect(stderr).to.include('Paste this JWT into the linking page, then pick the Page and press Subscribe.')
    expect(stderr).to.include('Linked Page 101.') // the page sends no name
    const state = await sandbox.state()
    expect(state.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101'])
    expect(state.applications.map((each: {id: string}) => each.id)).to.deep.equal([app.id])
    expect(trouble).to.deep.equal([])
    for (const step of ['1-login', '2-filled-in', '3-subscribed'])
      expect(statSync(join(shots, `${step}.png`)).size, step).to.be.greaterThan(1000)
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(subscribed!, join(ROOT, 'docs', 'linking-page.png'))
    await sandbox.verify()
  })

  it('link: a JWT that lapses while waiting gets a fresh one, which the page takes (the lapsed one it refuses)', async () => {
    const user = await seedCafe()
    const run = start('link', ['--temp-app', '--wait', '1h'])
    await run.stderrMatches(OPEN_LINE)
    expect(run.stderr()).to.match(
      /press Subscribe; it lapses in (15 min|14 min \d+ s), before the wait ends \(a fresh one is printed then\)\. /,
    )
    // 16 minutes pass at Vonage: the CLI learns it from the next answer's Date header
    await sandbox.clock(16 * 60)
    await run.stderrMatches(
      /The JWT above lapsed 1 min( \d+ s)? ago: if the page has not taken it yet, paste this fresh one instead/,
    )
    await run.stderrMatches(new RegExp(`${JWT_LINE.source}[\\s\\S]*${JWT_LINE.source}`, 'm'))
    const [lapsed, fresh] = run.jwts()

    const {driver, trouble} = await person(run, user.body.user_id)
    await driver.fillIn('101', lapsed)
    expect(await driver.press('Subscribe')).to.include({http: 401, status: 'error'})
    await driver.fillIn('101', fresh)
    expect(await driver.press('Subscribe')).to.include({http: 201, status: 'ok'})

    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(0)
    expect(stdout).to.equal('101\n')
    const state = await sandbox.state()
    expect(state.applications).to.deep.equal([]) // the temporary application is deleted
    expect(trouble.filter((line) => !/status of 401/.test(line))).to.deep.equal([])
    await sandbox.verify()
  })

  it('link: a JWT given (--jwt) that lapses while waiting ends the wait: says so, exit 3', async () => {
    await seedCafe()
    const app = await application()
    const now = nowSeconds()
    const jwt = signToken(app.privateKey, {application_id: app.id, exp: now + 300, iat: now, jti: `g-${now}`})
    const run = start('link', ['--wait', '1h'], {VONAGE_JWT: jwt})
    await run.stderrMatches(OPEN_LINE)
    expect(run.stderr()).to.include('before the wait ends (a JWT given cannot be renewed, so the wait ends then). ')
    await sandbox.clock(6 * 60)
    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(3)
    expect(stdout).to.equal('')
    expect(stderr).to.match(
      /^Error: the JWT given \(--jwt or VONAGE_JWT\) lapsed while waiting, and a JWT given cannot be renewed; no new Page was linked while it lasted \(as last read\): the linked Pages are as they were\. With --app-id and its private key, or --temp-app, a fresh JWT is signed when one lapses$/m,
    )
    expect((await sandbox.state()).accounts).to.deep.equal([])
    await sandbox.verify()
  })

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGHUP', 143], // the terminal closed, an SSH session lost
  ] as const) {
    it(`link: ${signal} while waiting: the temporary application is deleted, nothing is linked, exit ${code}`, async () => {
      await seedCafe()
      const run = start('link', ['--temp-app'])
      await run.stderrMatches(OPEN_LINE)
      expect((await sandbox.state()).applications).to.have.length(1)
      run.child.kill(signal)
      const {code: exit, stderr, stdout} = await run
      expect(exit, stderr).to.equal(code)
      expect(stdout).to.equal('')
      expect(stderr).to.match(
        /^Error: (interrupted|terminated); no Page was linked on the linking page; temporary application \S+ deleted$/m,
      )
      const state = await sandbox.state()
      expect(state.applications).to.deep.equal([])
      expect(state.accounts).to.deep.equal([])
      await sandbox.verify()
    })
  }

  it('link: the --wait limit: one clear line, exit 13, the temporary application deleted', async () => {
    const {code, stderr, stdout} = await start('link', ['--temp-app', '--wait', '1s'])
    expect(code, stderr).to.equal(13)
    expect(stdout).to.equal('')
    expect(stderr).to.match(
      /^Error: no new Page was linked within the wait \(--wait\); the linked Pages are as they were$/m,
    )
    expect((await sandbox.state()).applications).to.deep.equal([])
    await sandbox.verify()
  })

  /** Page 101 linked earlier as "Corner Cafe" with an application; its token then renewed at Facebook. */
  async function linkedCafe() {
    const app = await application()
    const user = await seedCafe({link: {application: app.id}})
    const previousToken = user.body.pages[0].access_token as string
    await sandbox.pageControl('101', {invalidate_tokens: true})
    return {app, previousToken, userId: user.body.user_id as string}
  }

  it('relink: Unsubscribe + Subscribe on the page while it waits; name and application put back, "101 relinked"', async () => {
    const {app, previousToken, userId} = await linkedCafe()
    const run = start('relink', ['--page-id', '101', '--app-id', app.id, '--private-key', app.key])
    await run.stderrMatches(OPEN_LINE)
    expect(run.stderr()).to.include(
      'Paste this JWT into the linking page, then pick Page 101, press Unsubscribe, then Subscribe.',
    )

    const {driver, trouble} = await person(run, userId)
    await driver.fillIn('101', run.jwts()[0])
    expect(await driver.press('Unsubscribe')).to.include({http: 204, status: 'ok'})
    expect(await driver.press('Subscribe')).to.include({http: 201, status: 'ok'})

    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(0)
    expect(stdout).to.equal('101 relinked\n')
    expect(stderr).not.to.include('Warning')
    const [account] = (await sandbox.state()).accounts
    expect(account).to.include({external_id: '101', name: 'Corner Cafe'})
    expect(account.applications).to.deep.equal([app.id])
    expect(account.access_token).not.to.equal(previousToken)
    expect(stderr + stdout).not.to.include(account.access_token)
    expect(trouble).to.deep.equal([])
    await sandbox.verify()
  })

  it('relink: Ctrl-C after Unsubscribe says the Page is not linked now and how to link it; app deleted, exit 130', async () => {
    const {app, userId} = await linkedCafe()
    const run = start('relink', ['--page-id', '101', '--temp-app', '--json'])
    await run.stderrMatches(JWT_LINE)
    const url = `${sandbox.url}/messenger`
    const {driver} = await person({stderr: () => `Open ${url} in your browser.`}, userId)
    await driver.fillIn('101', run.jwts()[0])
    expect(await driver.press('Unsubscribe')).to.include({http: 204, status: 'ok'})
    run.child.kill('SIGINT')
    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(130)
    expect(JSON.parse(stdout).error.message).to.match(
      new RegExp(
        `^interrupted; Page 101 is not linked now \\(it was unsubscribed, and not subscribed again\\): link it with \\S+ messenger:link --browser --page-id 101 --application ${app.id}; temporary application \\S+ deleted$`,
      ),
    )
    const state = await sandbox.state()
    expect(state.accounts).to.deep.equal([])
    expect(state.applications.map((each: {id: string}) => each.id)).to.deep.equal([app.id])
    await sandbox.verify()
  })

  it('relink: the --wait limit says the Page keeps its previous link, exit 13', async () => {
    const {app, previousToken} = await linkedCafe()
    const {code, stderr, stdout} = await start('relink', [
      '--page-id',
      '101',
      '--app-id',
      app.id,
      '--private-key',
      app.key,
      '--wait',
      '1s',
    ])
    expect(code, stderr).to.equal(13)
    expect(stdout).to.equal('')
    expect(stderr).to.match(
      /^Error: Page 101 was not re-linked within the wait \(--wait\); Page 101 keeps its previous link$/m,
    )
    expect((await sandbox.state()).accounts[0].access_token).to.equal(previousToken)
  })

  it('relink --browser: a Page not linked is exit 4 before any wait; without --page-id, or with --all, exit 2', async () => {
    const app = await application()
    const auth = ['--app-id', app.id, '--private-key', app.key]
    const notLinked = await start('relink', ['--page-id', '101', ...auth])
    expect(notLinked.code, notLinked.stderr).to.equal(4)
    expect(notLinked.stderr).to.equal(
      'Error: Page 101 is not linked, so there is nothing to re-link; link it with messenger:link --browser --page-id 101\n',
    )
    for (const [args, line] of [
      [
        auth,
        'Error: messenger:relink --browser needs --page-id: the Page whose link a person renews on the linking page\n',
      ],
      [
        ['--all', ...auth],
        'Error: --browser takes no --all: give the Page to re-link with --page-id; the linking page gets its token\n',
      ],
    ] as const) {
      const {code, stderr} = await start('relink', [...args])
      expect(code, stderr).to.equal(2)
      expect(stderr).to.equal(line)
    }
  })

  it('opens the page with $BROWSER, and only prints the URL when that cannot run or fails', async () => {
    const folder = tempDir('browser-env')
    const opener = join(folder, 'opener.sh')
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$*" > "${join(folder, 'opened.txt')}"\n`, {mode: 0o700})
    const failing = join(folder, 'failing.sh') // as xdg-open with no browser to run
    writeFileSync(failing, '#!/bin/sh\nexit 3\n', {mode: 0o700})
    const url = `${sandbox.url}/messenger?from=cli&a=$&b=1` // a query is allowed, and "$&" is no replacement pattern
    for (const [browserCommand, said] of [
      [join(folder, 'no-such-browser'), `Open ${url} in your browser.`],
      [failing, `Open ${url} in your browser.`],
      // a list: the first that works; arguments, and %s for the URL
      [`${failing}:${opener} --new-window %s`, `Opened ${url} in your browser.`],
    ]) {
      const {code, stderr} = await cli(
        ['messenger:link', '--browser', '--temp-app', '--wait', '1s', '--linking-page', url],
        {env: {...sandboxEnv(sandbox.url), BROWSER: browserCommand}},
      )
      expect(code, stderr).to.equal(13)
      expect(stderr).to.include(said)
    }

    expect(readFileSync(join(folder, 'opened.txt'), 'utf8')).to.equal(`--new-window ${url}`)
    expect((await sandbox.state()).applications).to.deep.equal([])
  })

  it('the --browser flags without --browser are a mistake, not ignored: exit 2', async () => {
    const {code, stderr} = await cli(['messenger:link', '--page-id', '101', '--no-open', '--wait', '1m'], {
      env: sandboxEnv(sandbox.url),
    })
    expect(code).to.equal(2)
    expect(stderr).to.equal('Error: --no-open, --wait go with --browser\n')
  })

  it('a page that takes a JWT, with only an API key and secret: refused before anything is made, exit 2', async () => {
    const {code, stderr, stdout} = await start('link', [])
    expect(code).to.equal(2)
    expect(stdout).to.equal('')
    expect(stderr).to.match(/^Error: the linking page takes a JWT, which an API key and secret cannot sign/m)
    expect((await sandbox.state()).log).to.deep.equal([])
  })
})
