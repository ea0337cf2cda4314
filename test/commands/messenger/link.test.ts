import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'

describe('messenger:link (in process)', () => {
  const context = useCommandSandbox()
  const state = () => context.sandbox.state()

  it('links the Page chosen by name with the user token: the id on stdout, one write, no application left', async () => {
    const {error, stderr, stdout} = await run(['messenger:link', '--page', 'bikes'])
    expect(error, stderr).to.equal(undefined)
    expect(stdout).to.equal('102\n')
    expect(stderr).to.equal('Linked Bikes (102).\n')
    const after = await state()
    expect(after.accounts).to.have.length(1)
    expect(after.accounts[0]).to.include({access_token: context.tokens['102'], external_id: '102', name: 'Bikes'})
    expect(after.applications).to.deep.equal([])
    const vonage = (after.log as Array<{method: string; path: string}>).filter((entry) => !entry.path.startsWith('/v25.0')).map((entry) => `${entry.method} ${entry.path.replace(/[\da-f-]{36}/, 'ID')}`)
    expect(vonage, '#11.hostile.11 one write, confirmed from its answer: no read-back to fail').to.deep.equal(['POST /v2/applications', 'POST /beta/chatapp-accounts/messenger', 'DELETE /v2/applications/ID'])
  })

  it('--json returns the account without its token, and warnings', async () => {
    const {stdout} = await run(['messenger:link', '--page', '101', '--json'])
    expect(JSON.parse(stdout)).to.deep.equal({account: {applications: [], external_id: '101', name: 'Pizza'}, status: 'linked', warnings: []})
  })

  it('the same Page token again is "already linked" (exit 0); another token points to relink (exit 5)', async () => {
    await run(['messenger:link', '--page', '101'])
    const again = await run(['messenger:link', '--page', '101'])
    expect(again.error).to.equal(undefined)
    expect(again.stderr).to.equal('Pizza (101) was already linked with this Page token; nothing changed.\n')
    await context.sandbox.seedUser({pages: [{id: '101', name: 'Pizza'}], user_token: 'USER'})
    const other = await run(['messenger:link', '--page', '101'])
    expect(other.error?.oclif?.exit).to.equal(5)
    expect(other.stderr).to.match(/^Error: Page 101 is already linked with another Page token; replace it with messenger:relink --page-id 101\n$/)
  })

  it('#11.12 a Page token that belongs to another Page is refused before anything is sent to Vonage', async () => {
    process.env.FACEBOOK_PAGE_TOKEN = context.tokens['102']
    const {error, stderr} = await run(['messenger:link', '--page-id', '101'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr).to.match(/belongs to another Page \(102\)/)
    expect(stderr).not.to.include(context.tokens['102'])
    expect(((await state()).log as Array<{path: string}>).filter((entry) => !entry.path.startsWith('/v25.0'))).to.deep.equal([])
  })

  it('#11.2 a 500 on deleting the temporary application is retried: linked, nothing left, exit 0', async () => {
    await context.sandbox.fault({method: 'DELETE', path: '/v2/applications/', status: 500})
    const {error, stdout} = await run(['messenger:link', '--page', '102'])
    expect(error).to.equal(undefined)
    expect(stdout).to.equal('102\n')
    expect((await state()).applications).to.deep.equal([])
  })
})
