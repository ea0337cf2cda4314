import {Errors} from '@oclif/core'
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {toPluginError} from '../../src/lib/base-command.js'
import {asPluginError, EXIT_CODES, PluginError} from '../../src/lib/errors.js'
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

  describe('asPluginError: the fallback both jwt:generate paths share (oclif and the fast path)', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJhcHBsaWNhdGlvbl9pZCI6ImEifQ.c2lnbmF0dXJlMTIzNDU2Nzg5MA'

    it('keeps our errors as they are', () => {
      const ours = new PluginError('usage', 'bad input')
      expect(asPluginError(ours)).to.equal(ours)
    })

    it('reports an interrupted prompt as interrupted (exit 130)', () => {
      const prompt = Object.assign(new Error('User force closed the prompt'), {name: 'ExitPromptError'})
      const failure = asPluginError(prompt)
      expect(failure).to.include({exitCode: 130, kind: 'interrupted', message: 'interrupted; nothing was changed'})
      expect(failure.cause).to.equal(prompt)
    })

    it('wraps anything else, thrown Errors or not, as internal, keeping the original as the cause', () => {
      const bug = new RangeError('index out of range')
      expect(asPluginError(bug)).to.include({
        cause: bug,
        exitCode: 1,
        kind: 'internal',
        message: 'unexpected failure: index out of range (set DEBUG=1 to see the stack trace)',
      })
      expect(asPluginError('a string').message).to.equal(
        'unexpected failure: a string (set DEBUG=1 to see the stack trace)',
      )
    })

    it("takes argv's secret-looking values out of the message", () => {
      const failure = asPluginError(new Error(`cannot use ${token}`), ['--jwt', token])
      expect(failure.message).not.to.include(token)
      expect(failure.message).to.equal(
        `unexpected failure: cannot use (a value of ${token.length} characters, not shown) (set DEBUG=1 to see the stack trace)`,
      )
    })

    it('is what toPluginError gives for anything but an oclif parse error', () => {
      for (const error of [new PluginError('auth', 'no'), new TypeError(`t ${token}`), 42]) {
        const viaOclif = toPluginError(error, [token])
        const direct = asPluginError(error, [token])
        expect({kind: viaOclif.kind, message: viaOclif.message}).to.deep.equal({
          kind: direct.kind,
          message: direct.message,
        })
      }
    })
  })
})
