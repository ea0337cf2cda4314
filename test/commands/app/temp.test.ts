import {expect} from 'chai'
import {existsSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {tempDir} from '../../helpers/temp.js'

describe('app:temp and app:temp:delete (in process)', () => {
  const context = useCommandSandbox()
  const apps = async () => (await context.sandbox.state()).applications as Array<{id: string; name: string}>

  it('app:temp saves the key 0600 and prints the id; app:temp:delete removes it', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    const {error, stdout} = await run(['app:temp', '--keyfile', keyfile])
    expect(error).to.equal(undefined)
    const id = stdout.trim()
    expect((await apps()).map((app) => app.id)).to.deep.equal([id])
    expect(statSync(keyfile).mode & 0o777).to.equal(0o600)
    const deleted = await run(['app:temp:delete', id])
    expect(deleted.stdout).to.equal(`${id}\n`)
    expect(await apps()).to.deep.equal([])
  })

  it('app:temp: a 500 that hides a successful create finds and deletes the application, and writes no key', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    await context.sandbox.fault({method: 'POST', path: '/v2/applications', status: 500, when: 'after'})
    const {error, stderr} = await run(['app:temp', '--keyfile', keyfile])
    expect(error?.oclif?.exit).to.equal(6)
    expect(stderr).to.match(/\(it had been created anyway and was deleted again\)\n$/)
    expect(await apps()).to.deep.equal([])
    expect(existsSync(keyfile)).to.equal(false)
  })

  it('#11.1 app:temp:delete refuses an application app:temp did not make, and --all never lists it', async () => {
    const production = await context.sandbox.createApp('PRODUCTION shop bot')
    const refused = await run(['app:temp:delete', production.id])
    expect(refused.error?.oclif?.exit).to.equal(2)
    const all = await run(['app:temp:delete', '--all', '--yes'])
    expect(all.error).to.equal(undefined)
    expect((await apps()).map((app) => app.name)).to.deep.equal(['PRODUCTION shop bot'])
  })
})
