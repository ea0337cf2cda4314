import {expect} from 'chai'

import {run} from '../../helpers/in-process.js'
import {testKeys} from '../../helpers/keys.js'
import {signToken} from '../../helpers/sandbox.js'

describe('jwt:decode', () => {
  const keys = testKeys()
  const generate = async (...args: string[]) =>
    (await run(['jwt:generate', keys.privateFile, 'application_id=app-9', ...args])).stdout.trim()

  it('shows claims with readable times and says valid; exit 0', async () => {
    const {error, stdout} = await run(['jwt:decode', await generate()])
    expect(error).to.equal(undefined)
    expect(stdout).to.match(/application_id\s+app-9/)
    expect(stdout).to.match(/exp\s+\d+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, in 1[45] min/)
    expect(stdout).to.match(/status\s+valid, expires in/)
    expect(stdout).to.match(/signature\s+not checked/)
  })

  it('verifies the signature with --public-key or --private-key', async () => {
    const token = await generate()
    for (const flag of [
      ['--public-key', keys.publicFile],
      ['--private-key', keys.privateFile],
    ]) {
      const {error, stdout} = await run(['jwt:decode', token, ...flag])
      expect(error).to.equal(undefined)
      expect(stdout).to.match(/signature\s+valid \(checked with/)
    }
  })

  it('says invalid and exits 9 for a token signed by another key', async () => {
    const {error, stderr, stdout} = await run(['jwt:decode', await generate(), '--public-key', keys.otherPublicFile])
    expect(error?.oclif?.exit).to.equal(9)
    expect(stdout).to.match(/signature\s+INVALID/)
    expect(stderr).to.equal('Error: invalid token: the signature does not match the key\n')
  })

  it('says expired and exits 9', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await generate(`iat=${now - 1000}`, `exp=${now - 100}`)
    const {error, stdout} = await run(['jwt:decode', token])
    expect(error?.oclif?.exit).to.equal(9)
    expect(stdout).to.match(/status\s+EXPIRED 1 min 4[01] s ago/) // a second may tick between the two commands
  })

  it('--json gives the report, with the error when invalid', async () => {
    const ok = JSON.parse(
      (await run(['jwt:decode', await generate(), '--private-key', keys.privateFile, '--json'])).stdout,
    )
    expect(ok).to.include({signature: 'valid', status: 'valid', valid: true})
    expect(ok.claims.application_id).to.equal('app-9')
    const bad = JSON.parse(
      (await run(['jwt:decode', await generate(), '--public-key', keys.otherPublicFile, '--json'])).stdout,
    )
    expect(bad).to.include({signature: 'invalid', valid: false})
    expect(bad.error).to.deep.equal({
      exit_code: 9,
      kind: 'invalid',
      message: 'invalid token: the signature does not match the key',
    })
  })

  it('#11.15 refuses a string exp: invalid token, exit 9, one clear line', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = signToken(keys.privatePem, {application_id: 'app-9', exp: String(now + 600), iat: now})
    const {error, stderr, stdout} = await run(['jwt:decode', token, '--public-key', keys.publicFile])
    expect(error?.oclif?.exit).to.equal(9)
    expect(stdout).to.match(/status\s+INVALID: its exp claim is "\d+", not a number of seconds since 1970/)
    expect(stderr).to.match(/^Error: invalid token: its exp claim is "\d+", not a number of seconds since 1970\n$/)
    const json = JSON.parse((await run(['jwt:decode', token, '--json'])).stdout)
    expect(json).to.deep.include({status: 'malformed', valid: false})
    expect(json.error).to.include({exit_code: 9, kind: 'invalid'})
  })

  it('#11.hostile.8 a token whose exp, nbf or iat is beyond what a Date can show is reported, not a crash', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const huge of [1e300, 8_640_000_000_001]) {
      for (const claims of [
        {exp: huge, iat: now},
        {exp: now + 600, iat: huge},
        {exp: now + 600, iat: now, nbf: huge},
      ]) {
        const token = signToken(keys.privatePem, {application_id: 'app-9', ...claims})
        const {error, stderr, stdout} = await run(['jwt:decode', token])
        const name = JSON.stringify(claims)
        expect(stderr, name).not.to.match(/unexpected failure|Invalid time value/)
        expect(stdout, name).to.match(/\(a time beyond the year 275760, in (more than 500,000 years|\d{8} d \d+ h)\)/)
        expect(error?.oclif?.exit ?? 0, name).to.equal('nbf' in claims ? 9 : 0)
      }
    }
  })

  it('#11.hostile.14 escapes and newlines in a claim name or value are shown as text: no screen clearing, no hidden lines', async () => {
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      application_id: 'app-9',
      exp: now + 600,
      iat: now,
      'note\n\u001B[8m': 'hide',
      sub: '\u001B[2J\u001B[8m\u202E',
    }
    const {error, stdout} = await run([
      'jwt:decode',
      signToken(keys.privatePem, claims),
      '--public-key',
      keys.publicFile,
    ])
    expect(error).to.equal(undefined)
    const lines = stdout.trimEnd().split('\n')
    expect(lines, stdout).to.have.length(9)
    for (const line of lines) expect(line, line).not.to.match(/[\p{Cc}\u202A-\u202E]/u)
    expect(stdout).to.match(/^note\\n\\x1b\[8m\s+hide$/m)
    expect(stdout).to.match(/^sub\s+\\x1b\[2J\\x1b\[8m\\u202e$/m)
    expect(lines.slice(-2).join('\n')).to.match(/^status\s+valid, expires in .*\nsignature\s+valid \(checked with/)
  })

  it('refuses a non-token and both key flags with exit 2', async () => {
    expect((await run(['jwt:decode', 'not-a-token'])).error?.oclif?.exit).to.equal(2)
    const both = await run([
      'jwt:decode',
      await generate(),
      '--public-key',
      keys.publicFile,
      '--private-key',
      keys.privateFile,
    ])
    expect(both.error?.oclif?.exit).to.equal(2)
    expect(both.stderr).to.match(/cannot also be provided/)
  })
})
