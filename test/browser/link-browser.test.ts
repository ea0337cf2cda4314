// messenger:link --browser, the built binary beside a real browser: the CLI prints the JWT and the
// page's URL on stderr and waits; the test does what a person would on the sandbox's linking page
// (log in, pick the Page, paste the JWT, Subscribe); the CLI then prints the Page id on stdout.
// Also what ends a wait early: Ctrl-C, the --wait limit, a page the API key cannot sign for.
import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Browser} from 'playwright-core'

import {cli, type CliRun} from '../helpers/cli.js'
import {sandboxEnv, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'
import {launchBrowser, watchForTrouble} from './browser.js'

describe('messenger:link --browser with the linking page in a real browser', () => {
  const sandbox = useSandbox()
  let browser: Browser

  before(async () => {
    browser = await launchBrowser()
  })
  after(() => browser?.close())

  /** Starts the CLI with --browser against the sandbox's page; `stderr()` is what it printed so far. */
  function start(...extra: string[]): CliRun & {stderr: () => string} {
    const run = cli(
      ['messenger:link', '--browser', '--no-open', '--linking-page', `${sandbox.url}/messenger`, ...extra],
      {env: sandboxEnv(sandbox.url)},
    )
    let stderr = ''
    run.child.stderr?.on('data', (chunk) => (stderr += chunk))
    return Object.assign(run, {stderr: () => stderr})
  }

  it('prints the JWT and the URL on stderr, waits, and prints the Page the person subscribed on stdout', async () => {
    const user = await sandbox.seedUser({pages: [{id: '101', name: 'Corner Cafe'}], user_token: 'browser-user'})
    const app = await sandbox.createApp('My Messages app')
    const key = join(tempDir('browser-link'), 'app.key')
    writeFileSync(key, app.privateKey, {mode: 0o600})
    const run = start('--app-id', app.id, '--private-key', key)
    await run.stderrMatches(/Open \S+ in your browser\./)
    const jwt = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(run.stderr())?.[1]
    const url = /Open (\S+) in your browser\./.exec(run.stderr())?.[1]
    expect(jwt, run.stderr()).to.be.a('string')

    const context = await browser.newContext()
    const page = await context.newPage()
    const trouble = watchForTrouble(page)
    await page.goto(url!)
    await page.getByRole('button', {name: 'Log in with Facebook'}).click()
    await page.locator(`#users button[data-user-id="${user.body.user_id}"]`).click()
    await page.locator('#page option[value="101"]').waitFor({state: 'attached'})
    await page.getByLabel('Facebook Page').selectOption('101')
    await page.getByLabel('JWT').fill(jwt!)
    await page.getByRole('button', {exact: true, name: 'Subscribe'}).click()
    await page.locator('#result[data-status="ok"]').waitFor()
    await context.close()

    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(0)
    expect(stdout).to.equal('101\n')
    expect(stderr).to.include('Paste this JWT into the linking page')
    expect(stderr).to.include('Linked Page 101.') // the page sends no name
    const state = await sandbox.state()
    expect(state.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101'])
    expect(state.applications.map((application: {id: string}) => application.id)).to.deep.equal([app.id])
    expect(trouble).to.deep.equal([])
    await sandbox.verify()
  })

  it('Ctrl-C while waiting: the temporary application is deleted, nothing is linked, exit 130', async () => {
    await sandbox.seedUser({pages: [{id: '101', name: 'Corner Cafe'}], user_token: 'browser-user'})
    const run = start('--temp-app')
    await run.stderrMatches(/Open \S+ in your browser\./)
    expect((await sandbox.state()).applications).to.have.length(1)
    run.child.kill('SIGINT')
    const {code, stderr, stdout} = await run
    expect(code, stderr).to.equal(130)
    expect(stdout).to.equal('')
    expect(stderr).to.match(/temporary application \S+ deleted/)
    const state = await sandbox.state()
    expect(state.applications).to.deep.equal([])
    expect(state.accounts).to.deep.equal([])
    await sandbox.verify()
  })

  it('the --wait limit: one clear line, exit 13, the temporary application deleted', async () => {
    const {code, stderr, stdout} = await start('--temp-app', '--wait', '1s')
    expect(code, stderr).to.equal(13)
    expect(stdout).to.equal('')
    expect(stderr).to.match(/Error: no new Page was linked within the wait \(--wait\)/)
    expect((await sandbox.state()).applications).to.deep.equal([])
    await sandbox.verify()
  })

  it('opens the page with $BROWSER, and only prints the URL when that cannot run', async () => {
    const folder = tempDir('browser-env')
    const opener = join(folder, 'opener.sh')
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > "${join(folder, 'opened.txt')}"\n`, {mode: 0o700})
    const url = `${sandbox.url}/messenger`
    for (const [browserCommand, said] of [
      [opener, `Opened ${url} in your browser.`],
      [join(folder, 'no-such-browser'), `Open ${url} in your browser.`],
    ]) {
      const {code, stderr} = await cli(
        ['messenger:link', '--browser', '--temp-app', '--wait', '1s', '--linking-page', url],
        {env: {...sandboxEnv(sandbox.url), BROWSER: browserCommand}},
      )
      expect(code, stderr).to.equal(13)
      expect(stderr).to.include(said)
    }

    expect(readFileSync(join(folder, 'opened.txt'), 'utf8')).to.equal(url)
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
    const {code, stderr, stdout} = await start()
    expect(code).to.equal(2)
    expect(stdout).to.equal('')
    expect(stderr).to.match(/^Error: the linking page takes a JWT, which an API key and secret cannot sign/m)
    expect((await sandbox.state()).log).to.deep.equal([])
  })
})
