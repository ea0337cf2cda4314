import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {bearer} from '../../helpers/sandbox.js'

describe('messenger:link (in process)', () => {
  const context = useCommandSandbox()
  const state = () => context.sandbox.state()
  /** The Vonage requests the sandbox logged, application ids as ID. */
  const vonageRequests = async () =>
    ((await state()).log as Array<{method: string; path: string}>)
      .filter((entry) => !entry.path.startsWith('/v25.0'))
      .map((entry) => `${entry.method} ${entry.path.replace(/[\da-f-]{36}/, 'ID')}`)

  it('links the Page chosen by name with the API key and secret: the id on stdout, one request to Vonage, no application made', async () => {
    const {error, stderr, stdout} = await run(['messenger:link', '--page', 'bikes'])
    expect(error, stderr).to.equal(undefined)
    expect(stdout).to.equal('102\n')
    expect(stderr).to.equal('Linked Bikes (102).\n')
    const after = await state()
    expect(after.accounts).to.have.length(1)
    expect(after.accounts[0]).to.include({access_token: context.tokens['102'], external_id: '102', name: 'Bikes'})
    expect(after.applications).to.deep.equal([])
    expect(
      await vonageRequests(),
      '#11.hostile.11 one write, confirmed from its answer: no read-back to fail',
    ).to.deep.equal(['POST /beta/chatapp-accounts/messenger'])
  })

  it('--temp-app signs with a temporary application, made and deleted again', async () => {
    const {error, stderr, stdout} = await run(['messenger:link', '--page', 'bikes', '--temp-app'])
    expect(error, stderr).to.equal(undefined)
    expect(stdout).to.equal('102\n')
    expect((await state()).applications).to.deep.equal([])
    expect(await vonageRequests()).to.deep.equal([
      'POST /v2/applications',
      'POST /beta/chatapp-accounts/messenger',
      'DELETE /v2/applications/ID',
    ])
  })

  describe('the order of the ways to authenticate', () => {
    it('a JWT, then --app-id, come before the API key and secret (a wrong secret is never sent)', async () => {
      const app = await context.sandbox.createApp('mine')
      process.env.VONAGE_API_SECRET = 'wrong-secret'
      process.env.VONAGE_JWT = bearer(app.privateKey, app.id).slice('Bearer '.length)
      const withJwt = await run(['messenger:link', '--page', '101'])
      expect(withJwt.error, withJwt.stderr).to.equal(undefined)
      delete process.env.VONAGE_JWT
      process.env.VONAGE_PRIVATE_KEY = app.privateKey
      const withKey = await run(['messenger:link', '--page', '102', '--app-id', app.id])
      expect(withKey.error, withKey.stderr).to.equal(undefined)
      expect((await state()).accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal([
        '101',
        '102',
      ])
    })

    it('no way at all is a usage error naming all three, before any request to Vonage', async () => {
      delete process.env.VONAGE_API_KEY
      delete process.env.VONAGE_API_SECRET
      const {error, stderr} = await run(['messenger:link', '--page', '101'])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.equal(
        'Error: no way to authenticate the linking calls: give a JWT (--jwt or VONAGE_JWT), an application id with its private key (--app-id with --private-key or VONAGE_PRIVATE_KEY, or app-id and private-key in ./.vonagerc or ~/.vonage/config.json), or your API key and secret (--api-key/--api-secret, VONAGE_API_KEY/VONAGE_API_SECRET, NEXMO_API_KEY/NEXMO_API_SECRET, ./.vonagerc, ~/.vonage/config.json, .nexmorc or the @vonage/cli 1.x config)\n',
      )
      expect(await vonageRequests()).to.deep.equal([])
    })

    it('--temp-app with a JWT or with --app-id is a usage error', async () => {
      process.env.VONAGE_JWT = 'x.y.z'
      const withJwt = await run(['messenger:link', '--page', '101', '--temp-app'])
      delete process.env.VONAGE_JWT
      expect(withJwt.error?.oclif?.exit).to.equal(2)
      expect(withJwt.stderr).to.match(
        /^Error: give one way to authenticate the linking calls, not both a JWT \(--jwt or VONAGE_JWT\) and --temp-app\n/,
      )
      const withAppId = await run(['messenger:list', '--temp-app', '--app-id', '3f1c2b4a-0000-4000-8000-000000000000'])
      expect(withAppId.error?.oclif?.exit).to.equal(2)
      expect(withAppId.stderr).to.equal(
        'Error: give one way to authenticate the linking calls, not both --app-id and --temp-app\n',
      )
      expect(await vonageRequests()).to.deep.equal([])
    })

    it('#13.hostile.6 --temp-app without API credentials is a usage error before any request, Facebook included', async () => {
      delete process.env.VONAGE_API_KEY
      delete process.env.VONAGE_API_SECRET
      const before = ((await context.sandbox.state()).log as unknown[]).length
      const {error, stderr} = await run(['messenger:link', '--page', '101', '--temp-app'])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.match(
        /^Error: --temp-app makes an application with your API key and secret, and none was found: .*\.nexmorc/,
      )
      expect(((await context.sandbox.state()).log as unknown[]).slice(before)).to.deep.equal([])
    })
  })

  it('--json returns the account without its token, and warnings', async () => {
    const {stdout} = await run(['messenger:link', '--page', '101', '--json'])
    expect(JSON.parse(stdout)).to.deep.equal({
      account: {applications: [], external_id: '101', name: 'Pizza'},
      status: 'linked',
      warnings: [],
    })
  })

  it('the same Page token again is "already linked" (exit 0); another token points to relink (exit 5)', async () => {
    await run(['messenger:link', '--page', '101'])
    const again = await run(['messenger:link', '--page', '101'])
    expect(again.error).to.equal(undefined)
    expect(again.stderr).to.equal('Pizza (101) was already linked with this Page token; nothing changed.\n')
    await context.sandbox.seedUser({pages: [{id: '101', name: 'Pizza'}], user_token: 'USER'})
    const other = await run(['messenger:link', '--page', '101'])
    expect(other.error?.oclif?.exit).to.equal(5)
    expect(other.stderr).to.match(
      /^Error: Page 101 is already linked with another Page token; replace it with messenger:relink --page-id 101\n$/,
    )
  })

  it('#11.12 a Page token that belongs to another Page is refused before anything is sent to Vonage', async () => {
    process.env.FACEBOOK_PAGE_TOKEN = context.tokens['102']
    const {error, stderr} = await run(['messenger:link', '--page-id', '101'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr).to.match(/belongs to another Page \(102\)/)
    expect(stderr).not.to.include(context.tokens['102'])
    expect(
      ((await state()).log as Array<{path: string}>).filter((entry) => !entry.path.startsWith('/v25.0')),
    ).to.deep.equal([])
  })

  it('#11.2 a 500 on deleting the temporary application is retried: linked, nothing left, exit 0', async () => {
    await context.sandbox.fault({method: 'DELETE', path: '/v2/applications/', status: 500})
    const {error, stdout} = await run(['messenger:link', '--page', '102', '--temp-app'])
    expect(error).to.equal(undefined)
    expect(stdout).to.equal('102\n')
    expect((await state()).applications).to.deep.equal([])
  })
})
