// What a command loads decides how fast it starts: the JWT commands must never load the Vonage
// SDK, an HTTP client or the prompt library. Checked on the module graph, not on timings.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli, ROOT} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const HEAVY = [
  /node_modules\/@vonage\//,
  /node_modules\/node-fetch\//,
  /node_modules\/@inquirer\//,
  /node_modules\/undici\//,
]

async function modulesLoadedBy(args: string[], expectedCode = 0): Promise<string[]> {
  const folder = tempDir('modules')
  const record = join(folder, 'modules.txt')
  const hook = join(ROOT, 'test', 'helpers', 'record-modules.mjs')
  const {code, stderr} = await cli(args, {
    cwd: folder,
    env: {NODE_OPTIONS: `--import=${hook}`, RECORD_MODULES_TO: record},
  })
  expect(code, stderr).to.equal(expectedCode)
  return readFileSync(record, 'utf8').split('\n')
}

const heavy = (loaded: string[]) => loaded.filter((file) => HEAVY.some((pattern) => pattern.test(file)))

describe('e2e: module graph of the JWT commands', function () {
  this.timeout(30_000)
  const keys = testKeys()

  it('the recorder does see the SDK when a command loads it (so the checks below can fail)', async () => {
    const loaded = await modulesLoadedBy(
      ['app:temp', '--api-host', 'http://127.0.0.1:1', '--api-key', 'k', '--api-secret', 's'],
      7,
    )
    expect(heavy(loaded).some((file) => file.includes('@vonage/applications'))).to.equal(true)
  })

  for (const args of [
    ['jwt:generate', keys.privateFile, 'application_id=app'],
    ['jwt:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln'],
  ]) {
    it(`${args[0]} loads no Vonage SDK, HTTP client or prompt library`, async () => {
      const loaded = await modulesLoadedBy(args)
      expect(heavy(loaded)).to.deep.equal([])
    })
  }

  it('a plain jwt:generate takes the bundled fast path: oclif is not even loaded', async () => {
    const loaded = await modulesLoadedBy(['jwt:generate', keys.privateFile, 'application_id=app'])
    expect(loaded.filter((file) => file.includes('@oclif/'))).to.deep.equal([])
    expect(loaded.some((file) => file.endsWith('/dist/fast/jwt-generate.js'))).to.equal(true)
  })

  it("jwt:generate with flags, in both forms, takes the fast path too (it parses them by the command's spec)", async () => {
    const loaded = await modulesLoadedBy(['jwt:generate', keys.privateFile, '--app-id', 'app', '--ttl=60', '--force'])
    expect(loaded.filter((file) => file.includes('@oclif/'))).to.deep.equal([])
  })

  it('jwt:generate with a flag given twice goes through oclif (the fast path declines it, oclif refuses it)', async () => {
    const loaded = await modulesLoadedBy(
      ['jwt:generate', keys.privateFile, 'application_id=app', '--sub', 'a', '--sub', 'b'],
      2,
    )
    expect(loaded.some((file) => file.includes('@oclif/core'))).to.equal(true)
  })

  it('jwt:generate --json goes through oclif (the fast path declines it)', async () => {
    const loaded = await modulesLoadedBy(['jwt:generate', keys.privateFile, 'application_id=app', '--json'])
    expect(loaded.some((file) => file.includes('@oclif/core'))).to.equal(true)
  })
})
