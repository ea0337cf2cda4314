// The compiled code bin/load-cli.cjs keeps for dist/cli.cjs (Node 20; Node 22+ keeps its own in the
// same folder): only in a folder this user alone controls, never read from anything but a regular
// file, never written through a link, and never a reason for a command to fail or hang.
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {cli, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp.js'

const NODE_20 = Number(process.versions.node.split('.')[0]) < 22

describe('e2e: the compiled code kept between runs', function () {
  this.timeout(60_000)
  const build = () => readFileSync(join(ROOT, 'dist', 'build-id'), 'utf8').trim()
  const cacheFile = (base: string) =>
    join(base, 'nexmo-plugin-messenger', `cli-${build()}-${process.version}-${process.arch}.v8`)
  const version = (env: Record<string, string>, cwd?: string) => cli(['--version'], {cwd, env})

  before(function () {
    if (!NODE_20) this.skip() // Node's own compile cache, with its own checks
  })

  it('is written once, private to the user, and then used as it is', async () => {
    const base = tempDir('xdg')
    expect((await version({XDG_CACHE_HOME: base})).code).to.equal(0)
    const file = cacheFile(base)
    expect((statSync(join(base, 'nexmo-plugin-messenger')).mode & 0o777).toString(8)).to.equal('700')
    expect((statSync(file).mode & 0o777).toString(8)).to.equal('600')
    const first = statSync(file)
    expect((await version({XDG_CACHE_HOME: base})).code).to.equal(0)
    expect(statSync(file).mtimeMs).to.equal(first.mtimeMs)
    expect(statSync(file).ino).to.equal(first.ino)
    expect(readdirSync(join(base, 'nexmo-plugin-messenger'))).to.deep.equal([file.split('/').pop()])
  })

  it('is not used in a folder others may write (their code would run as this user)', async () => {
    const base = tempDir('xdg')
    mkdirSync(join(base, 'nexmo-plugin-messenger'))
    chmodSync(join(base, 'nexmo-plugin-messenger'), 0o777)
    writeFileSync(cacheFile(base), 'planted')
    const {code, stdout} = await version({XDG_CACHE_HOME: base})
    expect(code).to.equal(0)
    expect(stdout).to.match(/^nexmo-plugin-messenger\//)
    expect(readFileSync(cacheFile(base), 'utf8')).to.equal('planted')
  })

  it('reads only a regular file: a FIFO or a link to /dev/zero at its name neither hangs nor fails a command', async () => {
    for (const plant of [
      (file: string) => writeFileSync(file, 'not V8 data'),
      (file: string) => symlinkSync('/dev/zero', file),
      (file: string) => {
        const {status} = spawnSync('mkfifo', [file])
        expect(status).to.equal(0)
      },
    ]) {
      const base = tempDir('xdg')
      mkdirSync(join(base, 'nexmo-plugin-messenger'), {mode: 0o700})
      plant(cacheFile(base))
      const {code, stderr} = await version({XDG_CACHE_HOME: base})
      expect(code, stderr).to.equal(0)
      // replaced by good data (the link itself, not what it points to)
      expect(statSync(cacheFile(base)).isFile()).to.equal(true)
      expect(statSync(cacheFile(base)).size).to.be.above(1000)
    }
  })

  it('a relative XDG_CACHE_HOME is ignored, as the XDG spec says: nothing is written in the working folder', async () => {
    const home = tempDir('home')
    const cwd = tempDir('cwd')
    expect((await version({HOME: home, XDG_CACHE_HOME: 'relative'}, cwd)).code).to.equal(0)
    expect(readdirSync(cwd)).to.deep.equal([])
    expect(existsSync(cacheFile(join(home, '.cache')))).to.equal(true)
  })

  it('without a usable folder the command still runs, only compiled anew', async () => {
    const base = tempDir('xdg')
    writeFileSync(join(base, 'nexmo-plugin-messenger'), 'a file where the folder should be')
    expect((await version({XDG_CACHE_HOME: base})).code).to.equal(0)
    expect((await version({XDG_CACHE_HOME: join(base, 'missing', 'deeper')})).code).to.equal(0)
    expect(existsSync(join(base, 'missing'))).to.equal(false)
  })
})
