// The --json outputs of the messenger commands that the other tests do not print: each run below
// goes through run(), whose check (test/helpers/json-contract.ts) holds its output to the
// command's schema in schemas/; these assert only what each run is for.
import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'

describe('messenger commands with --json (in process)', () => {
  const context = useCommandSandbox()
  beforeEach(() => run(['messenger:link', '--page', '101']))

  const json = async (args: string[]) => {
    const {error, stdout} = await run([...args, '--json'])
    return {code: (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit ?? 0, json: JSON.parse(stdout)}
  }

  it('relink --page and relink --all: the results, and the unreachable Pages', async () => {
    const one = await json(['messenger:relink', '--page', '101'])
    expect(one.code).to.equal(0)
    expect(one.json.results).to.deep.equal([{applications: [], name: 'Pizza', page: '101', status: 'relinked'}])
    const all = await json(['messenger:relink', '--all'])
    expect(all.code).to.equal(0)
    expect(all.json).to.include.keys('results', 'unreachable', 'warnings')
  })

  it('unlink, unlink --application, and an unknown Page: the account, or the error envelope', async () => {
    const app = await context.sandbox.createApp('bot')
    await run(['messenger:unlink', '--page-id', '101', '--yes'])
    await run(['messenger:link', '--page', '101', '--application', app.id])
    const detached = await json(['messenger:unlink', '--page-id', '101', '--application', app.id, '--yes'])
    expect(detached.json.unlinked_application).to.include({external_id: '101'})
    const unlinked = await json(['messenger:unlink', '--page-id', '101', '--yes'])
    expect(unlinked.json.unlinked).to.include({external_id: '101'})
    const unknown = await json(['messenger:unlink', '--page-id', '101', '--yes'])
    expect(unknown.code).to.equal(4)
    expect(unknown.json.error).to.include({exit_code: 4, kind: 'not-found'})
  })

  // Once a breach of the contract (#14): a failed relink of one Page printed the
  // `previous_link_kept` of its error at the top level; now it is one failed result, as with --all.
  it('relink --page of an unlinked Page: the error envelope, and the Page as a failed result', async () => {
    const failed = await json(['messenger:relink', '--page', '102'])
    expect(failed.code).to.equal(4)
    expect(failed.json.error).to.include({exit_code: 4, kind: 'not-found'})
    expect(failed.json.results).to.deep.equal([
      {
        error: failed.json.error.message,
        kind: 'not-found',
        name: 'Bikes',
        page: '102',
        previous_link_kept: false,
        status: 'failed',
      },
    ])
  })
})
