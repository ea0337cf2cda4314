import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'

describe('messenger:list and messenger:unlink (in process)', () => {
  const context = useCommandSandbox()
  beforeEach(() => run(['messenger:link', '--page', '101']))

  it('list: a table with days left, never a token; --json the same rows', async () => {
    const {stdout} = await run(['messenger:list'])
    expect(stdout).to.match(/^PAGE ID {2}NAME {3}APPLICATION {2}DAYS LEFT\n101 {6}Pizza {2}- {12}(89|90)\n$/)
    const json = JSON.parse((await run(['messenger:list', '--json'])).stdout)
    expect(json.accounts).to.have.length(1)
    expect(json.accounts[0]).to.include({external_id: '101', name: 'Pizza', token_valid: true})
    expect(JSON.stringify(json)).not.to.include(context.tokens['101'])
  })

  it('list without a user token never uses Graph, so a Graph setting it would refuse does not stop it', async () => {
    const userToken = process.env.FACEBOOK_USER_TOKEN
    delete process.env.FACEBOOK_USER_TOKEN
    try {
      const {error, stdout} = await run(['messenger:list', '--graph-host', 'ftp://graph.example'])
      expect(error).to.equal(undefined)
      expect(stdout).to.match(/^PAGE ID .*\n101 /)
    } finally {
      process.env.FACEBOOK_USER_TOKEN = userToken
    }

    const refused = await run(['messenger:list', '--graph-host', 'ftp://graph.example'])
    expect(refused.error?.oclif?.exit).to.equal(2)
    expect(refused.stderr).to.match(/--graph-host \(FACEBOOK_GRAPH_HOST\)/)
  })

  it('unlink needs --yes without a terminal, and unlinks with it', async () => {
    const refused = await run(['messenger:unlink', '--page-id', '101'])
    expect(refused.error?.oclif?.exit).to.equal(2)
    expect(refused.stderr).to.match(/standard input is not a terminal, so pass --yes to confirm/)
    const done = await run(['messenger:unlink', '--page-id', '101', '--yes'])
    expect(done.stdout).to.equal('101\n')
    expect((await context.sandbox.state()).accounts).to.deep.equal([])
  })

  it('unlink --application detaches the application and keeps the Page linked', async () => {
    const app = await context.sandbox.createApp('bot')
    await run(['messenger:unlink', '--page-id', '101', '--yes'])
    await run(['messenger:link', '--page', '101', '--application', app.id])
    const {error, stdout} = await run(['messenger:unlink', '--page-id', '101', '--application', app.id, '--yes'])
    expect(error).to.equal(undefined)
    expect(stdout).to.equal('101\n')
    expect((await context.sandbox.state()).accounts[0]).to.include({external_id: '101'})
    expect((await context.sandbox.state()).accounts[0].applications).to.deep.equal([])
  })
})
