// The --json outputs of the messenger commands that the other tests do not print: each run below
// goes through run(), whose check (test/helpers/json-contract.ts) holds its output to the
// command's schema in schemas/; these assert only what each run is for.
import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {JsonContractError} from '../../helpers/json-contract.js'

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

  // A known breach of the contract (issue #14): a failed relink of one Page prints the
  // `previous_link_kept` its PluginError carries at the top level, a field RelinkReport does not
  // have. When the output or the type is put right, this test fails: then make it expect exit 4
  // and a valid output.
  it('KNOWN MISMATCH: relink --page of an unlinked Page prints previous_link_kept outside RelinkReport', async () => {
    const failed = await run(['messenger:relink', '--page', '102', '--json']).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failed).to.be.instanceOf(JsonContractError)
    expect((failed as Error).message).to.include('{"additionalProperty":"previous_link_kept"}')
  })
})
