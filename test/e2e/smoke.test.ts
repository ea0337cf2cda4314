// The shortest path a user takes, from the built binary against the sandbox: sign a JWT, link a
// Page with it, re-link the Page; and a temporary application made and deleted, with no warning
// from Node on the way (Node 24 warns of what Node 20 takes quietly). Small on purpose, so that
// scripts/other-nodes.sh can run it under every Node major users run (it runs in `npm test` as
// well, on CI's own Node).
import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli} from '../helpers/cli.js'
import {sandboxEnv, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

describe('e2e smoke: jwt:generate, messenger:link, messenger:relink', function () {
  this.timeout(60_000)
  const sandbox = useSandbox()

  it('runs under the Node that runs the tests (scripts/other-nodes.sh picks it)', async () => {
    const {code, stdout} = await cli(['--version'])
    expect(code).to.equal(0)
    expect(stdout).to.include(`node-${process.version}`)
  })

  it('signs a JWT, links a Page with it, then re-links the Page with a fresh token', async () => {
    const home = tempDir('smoke-home')
    const app = await sandbox.createApp('smoke')
    const key = join(home, 'app.key')
    writeFileSync(key, app.privateKey, {mode: 0o600})
    const seeded = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER'})
    const env = {...sandboxEnv(sandbox.url), HOME: home}

    const jwt = await cli(['jwt:generate', key, `application_id=${app.id}`], {cwd: home, env})
    expect(jwt.code, jwt.stderr).to.equal(0)
    expect(jwt.stdout.trim()).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/)

    const link = await cli(['messenger:link', '--page-id', '101'], {
      cwd: home,
      env: {...env, FACEBOOK_PAGE_TOKEN: seeded.body.pages[0].access_token, VONAGE_JWT: jwt.stdout.trim()},
    })
    expect(link.code, link.stderr).to.equal(0)
    expect(link.stdout).to.equal('101\n')

    // a new login: Facebook hands out a fresh Page token, which relink writes to the account
    const fresh = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER'})
    const relink = await cli(['messenger:relink', '--page', '101'], {
      cwd: home,
      env: {...env, FACEBOOK_USER_TOKEN: 'USER'},
    })
    expect(relink.code, relink.stderr).to.equal(0)
    expect(relink.stdout).to.equal('101 relinked\n')
    const {accounts} = (await sandbox.state()) as {accounts: Array<{external_id: string; access_token: string}>}
    expect(accounts.map((account) => [account.external_id, account.access_token])).to.deep.equal([
      ['101', fresh.body.pages[0].access_token],
    ])
    await sandbox.verify()
  })

  it('makes and deletes a temporary application, and Node prints no warning of its own (DEP0187 on Node 24)', async () => {
    const home = tempDir('smoke-temp')
    const env = {...sandboxEnv(sandbox.url), HOME: home}
    const made = await cli(['app:temp', '--keyfile', 'temp.key'], {cwd: home, env})
    expect(made.code, made.stderr).to.equal(0)
    const deleted = await cli(['app:temp:delete', made.stdout.trim()], {cwd: home, env})
    expect(deleted.code, deleted.stderr).to.equal(0)
    for (const run of [made, deleted]) expect(run.stderr).not.to.match(/\(node:\d+\)|Warning:/)
    expect((await sandbox.state()).applications).to.deep.equal([])
  })
})
