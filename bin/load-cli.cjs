// Loads dist/cli.cjs (every command, and oclif, in one file) keeping V8's compiled code for it
// between runs, in the user's cache folder ($XDG_CACHE_HOME or ~/.cache, then
// nexmo-plugin-messenger/): compiling the bundle is most of a `--help`. Node 22 and later do it
// themselves (module.enableCompileCache); on Node 20 the file is compiled here with V8's cached data,
// and the data written when the process exits if there was none or V8 refused it (another Node, or
// another build: the file's size and time are part of the name). Any failure (no HOME, a read-only
// disk) only means compiling as usual. Code compiled so on Node 20 cannot import(): oclif loads the
// commands' modules with require, as they are CommonJS (scripts/build.ts). v8-compile-cache does
// the same for every module but names its cache after the main module, which is ESM here: it would
// write one cache per working directory.
'use strict'
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs')
const Module = require('node:module')
const {homedir} = require('node:os')
const {dirname, join} = require('node:path')
const vm = require('node:vm')

function cacheFolder() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  const folder = join(base, 'nexmo-plugin-messenger')
  mkdirSync(folder, {mode: 0o700, recursive: true})
  return folder
}

/** dist/cli.cjs's exports, through Node's require cache (the commands' modules require it too). */
function loadCli(root) {
  const filename = realpathSync(join(root, 'dist', 'cli.cjs'))
  if (require.cache[filename]) return require.cache[filename].exports
  let folder
  try {
    folder = cacheFolder()
  } catch {
    return require(filename)
  }

  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(join(folder, 'node'))
    return require(filename)
  }

  const {mtimeMs, size} = statSync(filename)
  const prefix = `cli-${process.version}-${process.arch}-`
  const cacheFile = join(folder, `${prefix}${size}-${Math.trunc(mtimeMs)}.v8`)
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    // none yet
  }

  const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), {
    cachedData,
    filename,
  })
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
        const temporary = `${cacheFile}.${process.pid}`
        writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
        renameSync(temporary, cacheFile)
        // an earlier build's data for this Node is of no more use
        for (const name of readdirSync(folder))
          if (name.startsWith(prefix) && join(folder, name) !== cacheFile) rmSync(join(folder, name), {force: true})
      } catch {
        // not kept: the next run compiles again
      }
    })
  }

  return module.exports
}

module.exports = {loadCli}
