import {expect} from 'chai'
import {existsSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {tempDir} from '../../helpers/temp.js'

describe('app:temp and app:temp:delete (in process)', () => {
  const context = useCommandSandbox()
  const apps = async () => (await context.sandbox.state()).applications as Array<{id: string; name: string}>

  it('app:temp saves the key 0600 and prints the id; app:temp:delete removes it', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    const {error, stdout} = await run(['app:temp', '--keyfile', keyfile])
    expect(error).to.equal(undefined)
    const id = stdout.trim()
    expect((await apps()).map((app) => app.id)).to.deep.equal([id])
    expect(statSync(keyfile).mode & 0o777).to.equal(0o600)
    const deleted = await run(['app:temp:delete', id])
    expect(deleted.stdout).to.equal(`${id}\n`)
    expect(await apps()).to.deep.equal([])
  })

  it('app:temp: a 429 refused the create before it was acted on, so it is sent again after the wait asked for', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    await context.sandbox.fault({method: 'POST', path: '/v2/applications', retry_after: 2, status: 429})
    const {error, stdout} = await run(['app:temp', '--keyfile', keyfile])
    expect(error).to.equal(undefined)
    expect((await apps()).map((app) => app.id)).to.deep.equal([stdout.trim()])
    expect(context.waits).to.deep.equal([2000])
  })

  it('app:temp: a 500 that hides a successful create finds and deletes the application, and writes no key', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    await context.sandbox.fault({method: 'POST', path: '/v2/applications', status: 500, when: 'after'})
    const {error, stderr} = await run(['app:temp', '--keyfile', keyfile])
    expect(error?.oclif?.exit).to.equal(6)
    expect(stderr).to.match(/\(it had been created anyway and was deleted again\)\n$/)
    expect(await apps()).to.deep.equal([])
    expect(existsSync(keyfile)).to.equal(false)
  })

  it('app:temp: when the hidden application is found but cannot be deleted, the error names it and the command that removes it', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    await context.sandbox.fault({method: 'POST', path: '/v2/applications', status: 500, when: 'after'})
    await context.sandbox.fault({method: 'DELETE', path: '/v2/applications/', status: 503, times: 4})
    const {error, stderr} = await run(['app:temp', '--keyfile', keyfile])
    expect(error?.oclif?.exit).to.equal(6)
    const [left] = await apps()
    expect(stderr).to.include(
      `(application ${left.id} had been created, and deleting it failed (Vonage failed while deleting application ${left.id}: 503`,
    )
    expect(stderr).to.match(new RegExp(`; run: app:temp:delete ${left.id}\\)\n$`))
    expect(existsSync(keyfile)).to.equal(false)
  })

  it('#11.1 app:temp:delete refuses an application app:temp did not make, and --all never lists it', async () => {
    const production = await context.sandbox.createApp('PRODUCTION shop bot')
    const refused = await run(['app:temp:delete', production.id])
    expect(refused.error?.oclif?.exit).to.equal(2)
    const all = await run(['app:temp:delete', '--all', '--yes'])
    expect(all.error).to.equal(undefined)
    expect((await apps()).map((app) => app.name)).to.deep.equal(['PRODUCTION shop bot'])
  })

  it('#11.hostile.17 app:temp refuses a webhook URL that is not http(s) with a usage error, before any request', async () => {
    const dir = tempDir('unit-key')
    const requests = async () => (await context.sandbox.state()).requests as number
    const before = await requests()
    const cases: Array<[string, string, RegExp]> = [
      [
        '--inbound-url',
        'file:///etc/passwd',
        /^Error: Parsing --inbound-url expected an http or https URL such as https:\/\/\S+, not "file:\/\/\/etc\/passwd" \(see --help\)\n$/,
      ],
      [
        '--inbound-url',
        'javascript:alert(1)',
        /--inbound-url expected an http or https URL .*, not "javascript:alert\(1\)"/,
      ],
      ['--status-url', 'ftp://example.com/status', /--status-url expected an http or https URL/],
      ['--status-url', 'not a url', /--status-url expected an http or https URL .*, not "not a url"/],
      [
        '--inbound-url',
        'http://admin:hunter2@host:99999/in',
        /--inbound-url expected an http or https URL .*, not that value \(not repeated: it holds "@"\)/,
      ],
    ]
    for (const [flag, value, message] of cases) {
      const keyfile = join(dir, 'temp.key')
      const {error, stderr} = await run(['app:temp', '--keyfile', keyfile, flag, value])
      expect(error?.oclif?.exit, value).to.equal(2)
      expect(stderr, value).to.match(message).and.not.to.include('hunter2')
      expect(existsSync(keyfile), value).to.equal(false)
    }

    expect(await requests(), 'no request was sent').to.equal(before)
    expect(await apps()).to.deep.equal([])
    const ok = await run([
      'app:temp',
      '--keyfile',
      join(dir, 'ok.key'),
      '--inbound-url',
      'http://127.0.0.1:9/in',
      '--status-url',
      'https://example.com/s',
    ])
    expect(ok.error).to.equal(undefined)
  })

  it('#11.hostile.17 app:temp shows a --name holding escapes and newlines as visible text in its notice', async () => {
    const keyfile = join(tempDir('unit-key'), 'temp.key')
    const {error, stderr} = await run([
      'app:temp',
      '--keyfile',
      keyfile,
      '--name',
      'messenger-link-temp-x\u001B[2J\n\u202Eevil',
    ])
    expect(error).to.equal(undefined)
    expect(stderr).to.match(
      /Created messenger-link-temp-x\\x1b\[2J\\n\\u202eevil-[\d-]+-[\da-f]+; its private key is in /,
    )
    for (const line of stderr.trimEnd().split('\n')) expect(line, line).not.to.match(/[\p{Cc}\u202E]/u)
  })
})
