import {Errors} from '@oclif/core'
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {toPluginError} from '../../src/lib/base-command.js'
import {EXIT_CODES, PluginError} from '../../src/lib/errors.js'
import {ROOT} from '../helpers/cli.js'

describe('errors', () => {
  it('gives every kind its own exit code', () => {
    const codes = Object.values(EXIT_CODES)
    expect(new Set(codes).size).to.equal(codes.length)
    expect(EXIT_CODES).to.include({auth: 3, internal: 1, network: 7, partial: 8, remote: 6, usage: 2})
  })

  it('matches the exit-code table in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const rows = [...readme.matchAll(/^\| (\d+) \| ([a-z-]+) \|/gm)].map(([, code, kind]) => [kind, Number(code)])
    expect(Object.fromEntries(rows)).to.deep.equal(EXIT_CODES)
  })

  it('keeps our errors, maps oclif parse errors to usage and the rest to internal', () => {
    const ours = new PluginError('auth', 'nope')
    expect(toPluginError(ours)).to.equal(ours)
    const parse = toPluginError(
      new Errors.CLIError('Missing required flag app-id\nSee more help with --help', {exit: 2}),
    )
    expect(parse.kind).to.equal('usage')
    expect(parse.message).to.equal('Missing required flag app-id (see --help)')
    const bug = toPluginError(new TypeError('x is not a function'))
    expect(bug.kind).to.equal('internal')
    expect(bug.message).to.match(/unexpected failure: x is not a function \(set DEBUG=1/)
  })
})
