import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'

describe('messenger:relink (in process)', () => {
  const context = useCommandSandbox()
  const accounts = async () => (await context.sandbox.state()).accounts as Array<{external_id: string; access_token: string; name?: string}>
  const refreshTokens = async () => {
    const {body} = await context.sandbox.seedUser({pages: [{id: '101', name: 'Pizza'}, {id: '102', name: 'Bikes'}], user_token: 'USER'})
    context.tokens = Object.fromEntries(body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]))
  }

  beforeEach(async () => {
    await run(['messenger:link', '--page', '101', '--name', 'Pizza HQ'])
    await refreshTokens()
  })

  it('re-links one Page with its fresh token, keeping the account name', async () => {
    const {error, stdout} = await run(['messenger:relink', '--page', '101'])
    expect(error).to.equal(undefined)
    expect(stdout).to.equal('101 relinked\n')
    expect(await accounts()).to.deep.equal([{...(await accounts())[0], access_token: context.tokens['101'], external_id: '101', name: 'Pizza HQ'}])
  })

  it('--all re-links every linked Page the user manages and says how many', async () => {
    await run(['messenger:link', '--page', '102'])
    await refreshTokens()
    const {error, stderr, stdout} = await run(['messenger:relink', '--all'])
    expect(error).to.equal(undefined)
    expect(stdout.split('\n').filter(Boolean).sort()).to.deep.equal(['101 relinked', '102 relinked'])
    expect(stderr).to.include('2 of 2 linked Page(s) re-linked.')
    expect((await accounts()).map((account) => account.access_token).sort()).to.deep.equal([context.tokens['101'], context.tokens['102']].sort())
  })

  it('a failed re-link restores the previous link (exit 6)', async () => {
    const before = await accounts()
    await context.sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger', status: 500})
    const {error, stderr} = await run(['messenger:relink', '--page', '101'])
    expect(error?.oclif?.exit).to.equal(6)
    expect(stderr).to.match(/; the previous link was restored\n$/)
    expect(await accounts()).to.deep.equal(before)
  })

  it('a Page that is not linked is not-found (exit 4)', async () => {
    const {error} = await run(['messenger:relink', '--page', '102'])
    expect(error?.oclif?.exit).to.equal(4)
  })
})
