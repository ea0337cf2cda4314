// The shape of the code, checked like any other rule (#14): flags stay in commands and the library
// takes settings, so only the base command and the flag definitions load oclif; modules import
// each other without cycles; and a command is a recipe — parse, call, print, return — not a procedure.
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {ROOT} from '../helpers/cli.js'

const SRC = join(ROOT, 'src')

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The src files a file imports (static and dynamic imports of relative paths), as absolute .ts paths. */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((match) => match[1])
  return specifiers.map((specifier) => resolve(dirname(file), `${specifier}.ts`))
}

/**
 * The lines of a command file that are logic: not imports, comments, blank lines, or the static
 * metadata oclif reads (summary, description, examples, flags, args, usage).
 */
export function logicLines(text: string): number {
  let inStatic = false
  let inImport = false
  let count = 0
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (inImport) {
      inImport = !trimmed.includes(' from ')
      continue
    }

    if (/^import /.test(line)) {
      inImport = !trimmed.includes(' from ') && !/^import '/.test(trimmed)
      continue
    }

    if (/^ {2}static /.test(line)) inStatic = true
    // a static member ends where the next member (or the class) starts, not at its own closing bracket
    else if (/^( {2})?[^\s\])}]/.test(line)) inStatic = false
    if (inStatic || trimmed === '' || /^(\/\/|\/\*|\*)/.test(trimmed)) continue
    count += 1
  }

  return count
}

describe('structure (#14)', () => {
  it('under src/lib, only the base command and the flag definitions import @oclif/core', () => {
    const importers = sources(join(SRC, 'lib'))
      .filter((file) => /from '@oclif\/core'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file))
      .sort()
    expect(importers).to.deep.equal(['lib/base-command.ts', 'lib/flags.ts'])
  })

  it('no import cycles among the src modules', () => {
    const graph = new Map(sources(SRC).map((file) => [file, localImports(file)]))
    const cycles: string[] = []
    const state = new Map<string, 'active' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'active') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((item) => relative(SRC, item)).join(' -> '))
        return
      }

      state.set(file, 'active')
      for (const next of graph.get(file) ?? []) visit(next, [...path, file])
      state.set(file, 'done')
    }

    for (const file of graph.keys()) visit(file, [])
    expect(cycles).to.deep.equal([])
  })

  it('each command file has at most 40 lines of logic', () => {
    const commands = sources(join(SRC, 'commands')).map((file) => ({
      file: relative(SRC, file),
      lines: logicLines(readFileSync(file, 'utf8')),
    }))
    expect(commands.filter((command) => command.lines > 40)).to.deep.equal([])
    expect(commands.length).to.be.greaterThan(7)
  })

  it('counts logic lines, not metadata, comments or imports', () => {
    const text = [
      "import {Flags} from '@oclif/core'",
      'import {',
      '  a,',
      "} from './a.js'",
      '',
      'export default class X extends BaseCommand {',
      "  static summary = 'one'",
      '  static flags = {',
      "    name: Flags.string({description: 'two'}),",
      '  }',
      '',
      '  // a comment',
      '  async run(): Promise<void> {',
      '    const {flags} = await this.parse(X)',
      '    this.log(flags.name)',
      '  }',
      '}',
    ].join('\n')
    expect(logicLines(text)).to.equal(6)
  })
})
