// The suite's own rules, checked like any other: every temporary folder comes from tempDir (which
// removes it and fails the run when one is left), and no test is focused with .only.
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {ROOT} from '../helpers/cli.js'

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

describe('test hygiene', () => {
  it('#12.5 no test makes a temporary folder except through tempDir (test/helpers/temp.ts)', () => {
    const offenders = sources(join(ROOT, 'test'))
      .map((path) => relative(ROOT, path))
      .filter(
        (path) =>
          path !== join('test', 'helpers', 'temp.ts') &&
          path !== join('test', 'lib', 'test-hygiene.test.ts') &&
          !path.startsWith(join('test', 'hosts')),
      )
      .filter((path) => /mkdtemp/.test(readFileSync(join(ROOT, path), 'utf8')))
    expect(offenders).to.deep.equal([])
  })
})
