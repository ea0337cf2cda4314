// `npm run build`: the plugin as esbuild bundles, so that a host (or bin/run.js) loads a few files
// instead of a tree of ~200 modules, and the package ships no runtime dependency:
// - dist/cli.cjs: every command, the library, oclif and the SDK's Applications module, in one
//   CommonJS file (CommonJS so that bin/load-cli.cjs can keep V8's compiled code for it between
//   runs); each command is evaluated on first use, and what only some need (the SDK, prompts, jose,
//   ini) is in dist/vendor/*.cjs, read when first imported;
// - dist/fast.cjs: the JWT commands without oclif (src/fast), tried first by bin/run.js and by the
//   commands' own modules inside a host; one file, each command's part evaluated when it runs;
// - dist/commands/**.cjs, where oclif looks for the commands (the manifest's `relativePath`): one
//   small module each, handing over the class from dist/cli.cjs, or for the JWT commands a class
//   whose `run` tries dist/fast.cjs first and loads dist/cli.cjs only when the fast path declines.
//   CommonJS, so oclif requires them: code compiled with V8's cached data on Node 20 cannot import();
// - dist/build-id (a hash of dist/cli.cjs, naming its compiled code), dist/THIRD-PARTY-LICENSES.txt
//   (the licenses of what is bundled) and oclif.manifest.json, by oclif.
import * as esbuild from 'esbuild'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src')
const DIST = join(ROOT, 'dist')

/** The commands oclif would find in src/commands: id → path under src/commands, without extension. */
function commandFiles(): Map<string, string> {
  const found = new Map<string, string>()
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, {withFileTypes: true})) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const file = relative(join(SRC, 'commands'), path).slice(0, -3)
        const id = file
          .split(sep)
          .filter((part, index, parts) => !(part === 'index' && index === parts.length - 1))
          .join(':')
        found.set(id, file.split(sep).join('/'))
      }
    }
  }

  walk(join(SRC, 'commands'))
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)))
}

/** Commands that run without oclif when they can (src/fast/index.ts FAST_COMMANDS). */
const FAST = new Set(['jwt:decode', 'jwt:generate'])

/**
 * Modules the bundled dependencies can reach but never load on Node 20 and later: fetch-blob (under
 * the SDK's node-fetch) falls back to this polyfill only where there is no ReadableStream.
 */
const NEVER_LOADED = /^web-streams-polyfill(\/|$)/

/** The SDK's `debug` logs whole requests (the Authorization header, private keys): not shipped. */
const SDK_DEBUG = /[\\/]node_modules[\\/]@vonage[\\/]/

const trim: esbuild.Plugin = {
  name: 'trim',
  setup(build) {
    build.onResolve({filter: NEVER_LOADED}, ({path}) => ({namespace: 'never-loaded', path}))
    build.onLoad({filter: /.*/, namespace: 'never-loaded'}, ({path}) => ({
      contents: `throw new Error(${JSON.stringify(`${path} is not shipped with this plugin (scripts/build.ts)`)})`,
    }))
    build.onResolve({filter: /^debug$/}, ({importer}) =>
      SDK_DEBUG.test(importer) ? {namespace: 'sdk-debug', path: 'debug'} : undefined,
    )
    build.onLoad({filter: /.*/, namespace: 'sdk-debug'}, () => ({
      contents: `const off = Object.assign(() => {}, {enabled: false, extend: () => off}); module.exports = Object.assign(() => off, {enable() {}, disable: () => '', enabled: () => false})`,
    }))
  },
}

/**
 * Two changes to oclif, for speed and memory, with the same output. The build fails if a line is
 * no longer there; test/e2e/help.test.ts compares the help of every command, and the list of them,
 * with what oclif unchanged prints.
 * - Its help renders every text (each flag's description too) as an EJS template, compiling a
 *   function for each: about a fifth of a `--help`. A text without `<%` has no tag, and EJS gives
 *   it back as it is: it is given back without EJS.
 * - It sorts a plugin's commands with localeCompare, which loads ICU's collation data: 2.9 MiB of
 *   every run's memory. Command ids are ASCII; code-unit order is enough to keep them in.
 */
const OCLIF_PATCHES = [
  {
    file: /[\\/]node_modules[\\/]@oclif[\\/]core[\\/]lib[\\/]help[\\/]util\.js$/,
    from: 'return ejs_1.default.render(t, context);',
    to: "return t.includes('<%') ? ejs_1.default.render(t, context) : t;",
  },
  {
    file: /[\\/]node_modules[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id));',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));',
  },
]

const oclifPatches: esbuild.Plugin = {
  name: 'oclif-patches',
  setup(build) {
    for (const patch of OCLIF_PATCHES)
      build.onLoad({filter: patch.file}, ({path}) => {
        const source = readFileSync(path, 'utf8')
        if (!source.includes(patch.from))
          throw new Error(`${path} has changed: scripts/build.ts cannot apply its OCLIF_PATCHES; update or remove them`)
        return {contents: source.replace(patch.from, patch.to), loader: 'js'}
      })
  },
}

/**
 * What only some commands load, and only when they use it (each is an import() in src): kept out of
 * dist/cli.cjs, in a file of its own under dist/vendor/, so that every other run (a `--help`, say)
 * neither reads nor keeps it. Module specifier → that file and the names the code takes from it.
 */
const VENDOR: Record<string, {file: string; names: string[]}> = {
  '@inquirer/confirm': {file: 'confirm', names: ['default']},
  '@inquirer/select': {file: 'select', names: ['default']},
  '@vonage/applications': {file: 'applications', names: ['Applications']},
  ini: {file: 'ini', names: ['parse']},
  'jose/decode/protected_header': {file: 'jose', names: ['decodeProtectedHeader']},
  'jose/jws/compact/verify': {file: 'jose', names: ['compactVerify']},
  'jose/jwt/decode': {file: 'jose', names: ['decodeJwt']},
  'jose/jwt/sign': {file: 'jose', names: ['SignJWT']},
}

/** In dist/cli.cjs, each VENDOR specifier is a module that requires its file when first imported. */
const vendored: esbuild.Plugin = {
  name: 'vendored',
  setup(build) {
    build.onResolve({filter: /^\.\/vendor\//}, ({path}) => ({external: true, path}))
    build.onResolve({filter: /.*/}, ({kind, path}) => {
      if (!Object.hasOwn(VENDOR, path)) return undefined
      if (kind !== 'dynamic-import') throw new Error(`${path} is vendored (scripts/build.ts): import it with import()`)
      return {namespace: 'vendor', path}
    })
    build.onLoad({filter: /.*/, namespace: 'vendor'}, ({path}) => {
      const {file, names} = VENDOR[path]
      const lines = names.map((name) =>
        name === 'default' ? 'export default vendor.default' : `export const ${name} = vendor.${name}`,
      )
      return {contents: [`const vendor = require('./vendor/${file}.cjs')`, ...lines].join('\n'), loader: 'js'}
    })
  },
}

/** dist/vendor/<file>.cjs: the VENDOR names of each file, from their packages. */
function vendorEntries(): Map<string, string> {
  const entries = new Map<string, string[]>()
  for (const [specifier, {file, names}] of Object.entries(VENDOR))
    entries.set(file, [
      ...(entries.get(file) ?? []),
      ...names.map((name) => `export {${name}} from ${JSON.stringify(specifier)}`),
    ])
  return new Map([...entries].map(([file, lines]) => [file, lines.join('\n')]))
}

const shared: esbuild.BuildOptions = {
  bundle: true,
  // oclif's ts-node/tsx support, used only for a linked working tree with TypeScript sources
  external: ['typescript'],
  legalComments: 'none',
  logLevel: 'warning',
  minify: true,
  // class names show in errors and DEBUG output; keep them
  keepNames: true,
  platform: 'node',
  target: 'node20',
}

/** The license of every package bundled into dist/, as their licenses ask to be kept with copies. */
function licenses(metafiles: esbuild.Metafile[]): string {
  const folders = new Set<string>()
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (match) folders.add(match[1])
  }

  const sections = [...folders].sort().map((folder) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as {
      name: string
      version: string
      license?: string
    }
    const file = readdirSync(join(ROOT, folder)).find((name) => /^(licen[cs]e|copying)/i.test(name))
    const text = file
      ? readFileSync(join(ROOT, folder, file), 'utf8').trim()
      : `License: ${manifest.license ?? 'see the package'}`
    return `${manifest.name} ${manifest.version}\n${'-'.repeat(40)}\n${text}\n`
  })
  return `Packages bundled into dist/ (cli.cjs, fast.cjs, vendor/), and their licenses.\n\n${sections.join('\n')}`
}

/**
 * dist/cli.cjs (or with `write` false only its metafile, for test/e2e/module-graph.test.ts). Each
 * command (and what only it imports) is evaluated when oclif first asks for it, not when the bundle
 * loads: `--help`, which needs no command module, evaluates oclif alone. (A module that esbuild
 * sees `require`d is wrapped to run on first use.)
 */
export async function bundleCli(
  commands = commandFiles(),
  write = false,
): Promise<esbuild.BuildResult<{metafile: true}>> {
  const entry = [
    `exports.execute = (options) => require('@oclif/core/execute').execute(options)`,
    `exports.commands = {`,
    ...[...commands].map(
      ([id, file]) => `  get ${JSON.stringify(id)}() { return require('./commands/${file}.ts').default },`,
    ),
    `}`,
  ].join('\n')
  return esbuild.build({
    ...shared,
    format: 'cjs',
    metafile: true,
    outfile: join(DIST, 'cli.cjs'),
    plugins: [trim, oclifPatches, vendored],
    stdin: {contents: entry, loader: 'js', resolveDir: SRC, sourcefile: 'cli.cjs'},
    write,
  })
}

async function build(): Promise<void> {
  rmSync(DIST, {force: true, recursive: true})
  rmSync(join(ROOT, 'oclif.manifest.json'), {force: true})
  const commands = commandFiles()

  const cli = await bundleCli(commands, true)
  // names the compiled code bin/load-cli.cjs keeps for this bundle
  writeFileSync(
    join(DIST, 'build-id'),
    `${createHash('sha256')
      .update(readFileSync(join(DIST, 'cli.cjs')))
      .digest('hex')
      .slice(0, 32)}\n`,
  )
  const vendors = await Promise.all(
    [...vendorEntries()].map(([file, contents]) =>
      esbuild.build({
        ...shared,
        format: 'cjs',
        metafile: true,
        outfile: join(DIST, 'vendor', `${file}.cjs`),
        plugins: [trim],
        stdin: {contents, loader: 'js', resolveDir: ROOT, sourcefile: `${file}.js`},
      }),
    ),
  )
  const fast = await esbuild.build({
    ...shared,
    entryPoints: [join(SRC, 'fast', 'index.ts')],
    format: 'cjs',
    metafile: true,
    outfile: join(DIST, 'fast.cjs'),
  })
  writeFileSync(
    join(DIST, 'THIRD-PARTY-LICENSES.txt'),
    licenses([cli.metafile, fast.metafile, ...vendors.map((vendor) => vendor.metafile)]),
  )

  const writeStub = (id: string, file: string, fast: boolean) => {
    const path = join(DIST, 'commands', `${file}.cjs`)
    const up = relative(dirname(path), DIST).split(sep).join('/')
    mkdirSync(dirname(path), {recursive: true})
    const load = `require('${up}/cli.cjs').commands[${JSON.stringify(id)}]`
    writeFileSync(
      path,
      fast
        ? [
            `// ${id} inside a host: the fast path first (no oclif), the full command when it declines (scripts/build.ts)`,
            `'use strict'`,
            `module.exports = class FastCommand {`,
            `  static async run(argv, config) {`,
            `    const {runFast} = require('${up}/fast.cjs')`,
            `    const code = await runFast(${JSON.stringify(id)}, argv ?? process.argv.slice(3))`,
            `    if (code !== undefined) {`,
            `      process.exitCode = code`,
            `      return undefined`,
            `    }`,
            ``,
            `    return ${load}.run(argv, config)`,
            `  }`,
            `}`,
            ``,
          ].join('\n')
        : `'use strict'\nmodule.exports = ${load}\n`,
    )
  }

  // The manifest is made from the full classes; the JWT commands' modules become fast ones after.
  for (const [id, file] of commands) writeStub(id, file, false)
  execFileSync(join(ROOT, 'node_modules', '.bin', 'oclif'), ['manifest'], {
    cwd: ROOT,
    env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: '1'},
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (const [id, file] of commands) if (FAST.has(id)) writeStub(id, file, true)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await build()
