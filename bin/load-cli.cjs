// Loads dist/cli.cjs (every command, and oclif, in one file) keeping V8's compiled code for it
// between runs: compiling the bundle is most of a `--help`. Node 22 and later do it themselves
// (module.enableCompileCache); on Node 20 the file is compiled here with V8's cached data, written
// when the process exits if there was none or V8 refused it. Compiled code runs as this user, so
// the folder must be this user's alone: $XDG_CACHE_HOME (or ~/.cache, absolute paths only) then
// nexmo-plugin-messenger/, made without following links, used only if it is a real folder owned by
// this user that nobody else may write; else, like any other failure, the bundle is just compiled.
// The data is named after the build (dist/build-id, a hash of the bundle) and the Node version,
// read only from a regular file of sane size, written to a new file under a random name and then
// renamed. Code compiled so on Node 20 cannot import(): oclif loads the commands' modules with
// require, as they are CommonJS (scripts/build.ts). v8-compile-cache does this for every module,
// but names its cache after the main module, which would give one cache per working directory here.
'use strict'
const fs = require('node:fs')
const Module = require('node:module')
const {homedir} = require('node:os')
const {dirname, isAbsolute, join} = require('node:path')
const vm = require('node:vm')

const MAX_CACHE_BYTES = 32 * 1024 * 1024
/** Data older than this, from other builds or Nodes, goes when new data is written. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000

/** Makes `path` if missing (one level: no recursive mkdir, which spins on some paths in Node 20). */
function makeFolder(path) {
  try {
    fs.mkdirSync(path, {mode: 0o700})
  } catch (error) {
    if (error.code !== 'EEXIST') throw error
  }
}

/** The cache folder, or undefined when there is none this user alone controls. */
function cacheFolder(env = process.env) {
  const home = homedir()
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : home && join(home, '.cache')
  if (!base || !isAbsolute(base)) return undefined
  makeFolder(base)
  const folder = join(base, 'nexmo-plugin-messenger')
  makeFolder(folder)
  const stats = fs.lstatSync(folder)
  const mine = typeof process.getuid !== 'function' || stats.uid === process.getuid()
  return stats.isDirectory() && mine && (stats.mode & 0o022) === 0 ? folder : undefined
}

/** The cached data in `file`, if it is a regular file (not a link, FIFO or device) of sane size. */
function readCache(file) {
  let descriptor
  try {
    descriptor = fs.openSync(
      file,
      fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0),
    )
    const stats = fs.fstatSync(descriptor)
    return stats.isFile() && stats.size > 0 && stats.size <= MAX_CACHE_BYTES ? fs.readFileSync(descriptor) : undefined
  } catch {
    return undefined
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor)
  }
}

function writeCache(folder, file, data) {
  // node:crypto only here: loading it costs a --help several milliseconds
  const temporary = join(folder, `.${require('node:crypto').randomBytes(8).toString('hex')}.tmp`)
  try {
    // 'wx': a new file, never through a link planted at the name
    fs.writeFileSync(temporary, data, {flag: 'wx', mode: 0o600})
    fs.renameSync(temporary, file)
  } catch {
    fs.rmSync(temporary, {force: true})
    return
  }

  const now = Date.now()
  for (const name of fs.readdirSync(folder)) {
    const path = join(folder, name)
    if (path !== file && name.endsWith('.v8') && now - fs.lstatSync(path).mtimeMs > STALE_MS)
      fs.rmSync(path, {force: true})
  }
}

/** dist/cli.cjs's exports, through Node's require cache (the commands' modules require it too). */
function loadCli(root) {
  const filename = fs.realpathSync(join(root, 'dist', 'cli.cjs'))
  if (require.cache[filename]) return require.cache[filename].exports
  let folder
  let build
  try {
    folder = cacheFolder()
    build = fs.readFileSync(join(dirname(filename), 'build-id'), 'utf8').trim()
  } catch {
    folder = undefined
  }

  if (!folder || !/^[\da-f]{16,64}$/.test(build)) return require(filename)
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(join(folder, 'node'))
    return require(filename)
  }

  const cacheFile = join(folder, `cli-${build}-${process.version}-${process.arch}.v8`)
  const cachedData = readCache(cacheFile)
  const script = new vm.Script(Module.wrap(fs.readFileSync(filename, 'utf8')), {cachedData, filename})
  const module = new Module(filename, null)
  module.filename = filename
  require.cache[filename] = module
  const wrapper = script.runInThisContext()
  wrapper.call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename))
  module.loaded = true
  if (!cachedData || script.cachedDataRejected) {
    // at exit, so the code compiled while the command ran is kept too
    process.once('exit', () => {
      try {
        writeCache(folder, cacheFile, script.createCachedData())
      } catch {
        // not kept: the next run compiles again
      }
    })
  }

  return module.exports
}

module.exports = {cacheFolder, loadCli}
