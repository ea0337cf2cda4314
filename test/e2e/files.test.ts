// Key files under contention: concurrent app:temp runs on the same --keyfile never corrupt it and
// never leave a temporary file behind; without --force, no application is left without its key
// (with --force the losers' keys are replaced, as asked; app:temp:delete --all still finds them).
import {expect} from 'chai'
import {createPrivateKey, createPublicKey} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {cli} from '../helpers/cli.js'
import {sandboxEnv, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

describe('faults: concurrent writers of one key file', function () {
  this.timeout(60_000)
  const sandbox = useSandbox()

  const run = (dir: string, extra: string[] = []) =>
    cli(['app:temp', '--keyfile', 'shared.key', ...extra], {cwd: dir, env: sandboxEnv(sandbox.url)})

  /** The application whose public key is the public half of the key in the file. */
  async function owner(path: string): Promise<string | undefined> {
    const pem = createPublicKey(createPrivateKey(readFileSync(path, 'utf8'))).export({format: 'pem', type: 'spki'})
    const {applications} = await sandbox.state()
    return applications.find((app: {keys: {public_key: string}}) => app.keys.public_key === pem)?.id
  }

  it('without --force: exactly one wins, the others delete their application and say why', async () => {
    const dir = tempDir('race')
    const runs = await Promise.all(Array.from({length: 5}, () => run(dir)))
    const winners = runs.filter((result) => result.code === 0)
    expect(winners, runs.map((result) => result.stderr).join('')).to.have.length(1)
    for (const loser of runs.filter((result) => result.code !== 0)) {
      expect(loser.code).to.equal(2)
      expect(loser.stderr).to.match(/shared\.key already exists; choose another path or use --force/)
    }

    const {applications} = await sandbox.state()
    expect(applications.map((app: {id: string}) => app.id)).to.deep.equal([winners[0].stdout.trim()])
    expect(await owner(join(dir, 'shared.key'))).to.equal(winners[0].stdout.trim())
    expect(statSync(join(dir, 'shared.key')).mode & 0o777).to.equal(0o600)
    expect(readdirSync(dir)).to.deep.equal(['shared.key'])
  })

  it('with --force: every run succeeds, and the file always holds one whole key of one of them', async () => {
    const dir = tempDir('race')
    const runs = await Promise.all(Array.from({length: 5}, () => run(dir, ['--force'])))
    expect(runs.map((result) => result.code)).to.deep.equal([0, 0, 0, 0, 0])
    const ids = runs.map((result) => result.stdout.trim())
    expect(ids).to.include(await owner(join(dir, 'shared.key')))
    expect(statSync(join(dir, 'shared.key')).mode & 0o777).to.equal(0o600)
    expect(readdirSync(dir)).to.deep.equal(['shared.key'])
  })
})
