// What a command loads decides how fast it starts: the JWT commands must never load the Vonage
// SDK, an HTTP client or the prompt library. Checked on what the process loads, not on timings.
// Everything but the fast path is one bundle (dist/cli.cjs), whose modules are evaluated on first
// use. What runs inside it shows by the Node modules it loads: the SDK by zlib (its node-fetch), an
// HTTP client by undici (Node's fetch). The prompts load nothing oclif has not, so for them the
// bundle's own graph is checked: nothing a JWT command imports (but lazily) reaches them.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {bundleCli} from '../../scripts/build.js'
import {cli, ROOT} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const HEAVY = [/^node:zlib$/, /^node:internal\/deps\/undici\//, /\/dist\/vendor\/(applications|confirm|select)\.cjs$/]
const BUNDLE = /\/dist\/cli\.cjs$/
const FAST = /\/dist\/fast\.cjs$/

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
    expect(heavy(loaded)).to.include('node:zlib')
    expect(heavy(loaded).some((file) => file.endsWith('/dist/vendor/applications.cjs'))).to.equal(true)
  })

  for (const args of [
    ['jwt:generate', keys.privateFile, 'application_id=app'],
    ['jwt:generate', keys.privateFile, 'application_id=app', '--json'],
    ['jwt:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln'],
    ['jwt:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln', '--json'],
  ]) {
    it(`${args.join(' ')} loads no Vonage SDK, HTTP client or prompt library`, async () => {
      const loaded = await modulesLoadedBy(args)
      expect(heavy(loaded)).to.deep.equal([])
    })
  }

  for (const args of [
    ['jwt:generate', keys.privateFile, 'application_id=app'],
    ['jwt:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln'],
    ['jwt:validate', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln', '--public-key', keys.publicFile],
  ]) {
    it(`a plain ${args[0]} takes the fast path: the oclif bundle is not even loaded`, async () => {
      // the last is wrongly signed: exit 9
      const loaded = await modulesLoadedBy(args, args[0] === 'jwt:validate' ? 9 : 0)
      expect(loaded.filter((file) => BUNDLE.test(file))).to.deep.equal([])
      expect(loaded.some((file) => FAST.test(file))).to.equal(true)
    })
  }

  it("jwt:generate with flags, in both forms, takes the fast path too (it parses them by the command's spec)", async () => {
    const loaded = await modulesLoadedBy(['jwt:generate', keys.privateFile, '--app-id', 'app', '--ttl=60', '--force'])
    expect(loaded.filter((file) => BUNDLE.test(file))).to.deep.equal([])
  })

  it('jwt:generate with a flag given twice goes through oclif (the fast path declines it, oclif refuses it)', async () => {
    const loaded = await modulesLoadedBy(
      ['jwt:generate', keys.privateFile, 'application_id=app', '--sub', 'a', '--sub', 'b'],
      2,
    )
    expect(loaded.some((file) => BUNDLE.test(file))).to.equal(true)
  })

  it('jwt:generate --json goes through oclif (the fast path declines it)', async () => {
    const loaded = await modulesLoadedBy(['jwt:generate', keys.privateFile, 'application_id=app', '--json'])
    expect(loaded.some((file) => BUNDLE.test(file))).to.equal(true)
  })

  it('jwt:decode with both key flags goes through oclif, which refuses them in its words', async () => {
    const loaded = await modulesLoadedBy(
      ['jwt:decode', 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln', '--public-key', 'a', '--private-key', 'b'],
      2,
    )
    expect(loaded.some((file) => BUNDLE.test(file))).to.equal(true)
  })

  it('in the bundle, the JWT commands import the SDK, an HTTP client and the prompts only lazily, if at all', async () => {
    const {metafile} = await bundleCli()
    // what evaluating a module evaluates: its imports and requires, not its import()s (unless `lazy`)
    const reachable = (from: string, lazy: boolean, seen = new Set<string>()): Set<string> => {
      if (seen.has(from)) return seen
      seen.add(from)
      for (const edge of metafile.inputs[from]?.imports ?? [])
        if ((lazy || edge.kind !== 'dynamic-import') && !edge.external) reachable(edge.path, lazy, seen)
      return seen
    }

    // in the bundle, the SDK, the prompts and jose are modules that require their own files (dist/vendor)
    const lazyOnly = [/^vendor:/, /node_modules\/@vonage\//, /node_modules\/node-fetch\//, /node_modules\/@inquirer\//]
    const reached = (file: string, lazy = false) =>
      [...reachable(file, lazy)].filter((input) => lazyOnly.some((pattern) => pattern.test(input)))
    expect(reached('src/commands/messenger/link.ts', true).length, 'the check sees them where they are').to.be.above(0)
    expect(reached('src/commands/jwt/generate.ts')).to.deep.equal([])
    expect(reached('src/commands/jwt/decode.ts')).to.deep.equal([])
  })
})
