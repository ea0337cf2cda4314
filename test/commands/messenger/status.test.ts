import {expect} from 'chai'

import {run, useCommandSandbox} from '../../helpers/in-process.js'
import {basic, nowSeconds} from '../../helpers/sandbox.js'

interface Row {
  page: string
  verdict: string
  days_left?: number | null
  checks: Record<string, {state: string; detail: string; fix?: string}>
  reasons: string[]
  fixes: string[]
}

describe('messenger:status (in process)', () => {
  const context = useCommandSandbox()
  let app: string
  const DAY = 86_400

  /** messenger:status --json: exit code, the report, and its rows by Page id. */
  async function status(...args: string[]) {
    const outcome = await run(['messenger:status', '--json', ...args])
    const report = JSON.parse(outcome.stdout)
    const rows = Object.fromEntries((report.pages as Row[]).map((row) => [row.page, row]))
    expect(outcome.stdout, 'never a token').not.to.include(context.tokens['101'])
    return {code: outcome.error?.oclif?.exit ?? 0, report, rows, stderr: outcome.stderr}
  }

  const control = async (pageId: string, body: Record<string, unknown>) => {
    const reply = await context.sandbox.request('POST', `/_sandbox/facebook/pages/${pageId}`, {body})
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200)
  }

  beforeEach(async () => {
    app = (await context.sandbox.createApp('bot')).id
    for (const page of ['101', '102']) {
      const {error} = await run(['messenger:link', '--page', page, '--application', app])
      expect(error).to.equal(undefined)
    }
  })

  it('all ok: a table with a column per check and exit 0; --json carries every check, no token', async () => {
    const human = await run(['messenger:status'])
    expect(human.error).to.equal(undefined)
    const [header, first, second] = human.stdout.split('\n')
    expect(header).to.match(
      /^PAGE ID +NAME +APPLICATION +APP OK +MANAGED +TOKEN +DAYS LEFT +SCOPES +SUBSCRIBED +VERDICT$/,
    )
    expect(first).to.match(new RegExp(`^101 +Pizza +${app} +ok +ok +ok +(89|90) +ok +ok +OK$`))
    expect(second).to.match(/^102 +Bikes /)
    expect(human.stderr).to.include('2 Page(s): 2 ok, 0 warn, 0 fail.')
    const {code, report, rows} = await status()
    expect(code).to.equal(0)
    expect(report.counts).to.deep.equal({fail: 0, ok: 2, warn: 0})
    expect(report.warn_days).to.equal(14)
    expect(Object.keys(rows['101'].checks).sort()).to.deep.equal([
      'application',
      'application_ok',
      'expiry',
      'linked',
      'page_managed',
      'scopes',
      'subscribed',
      'token_valid',
    ])
    expect(Object.values(rows['101'].checks).every((check) => check.state === 'ok')).to.equal(true)
    expect(rows['101']).to.deep.include({fixes: [], reasons: [], verdict: 'ok'})
  })

  it('a link lapsing within --warn-days is a warn (exit 10) with the relink that fixes it; a shorter --warn-days is ok', async () => {
    await control('101', {expires_at: nowSeconds() + 10 * DAY})
    const {code, report, rows} = await status()
    expect(code).to.equal(10)
    expect(report.error).to.deep.include({exit_code: 10, kind: 'warning'})
    expect(rows['101'].verdict).to.equal('warn')
    expect(rows['101'].days_left).to.be.within(9, 10)
    expect(rows['101'].checks.expiry).to.deep.include({state: 'warn'})
    expect(rows['101'].fixes).to.deep.equal(['nexmo messenger:relink --page 101'])
    expect(rows['102'].verdict).to.equal('ok')
    expect((await status('--warn-days', '5')).code).to.equal(0)
  })

  it('a link with less than a day left fails (exit 11), saying it lapses today', async () => {
    await control('102', {expires_at: nowSeconds() + 3600})
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['102'].days_left).to.equal(0)
    expect(rows['102'].checks.expiry).to.deep.equal({
      detail: 'lapses today',
      fix: 'nexmo messenger:relink --page 102',
      state: 'fail',
    })
  })

  it('an application without the Messages capability fails application_ok', async () => {
    const voiceOnly = {capabilities: {voice: {webhooks: {}}}, name: 'voice only'}
    const changed = await context.sandbox.request('PUT', `/v2/applications/${app}`, {auth: basic(), body: voiceOnly})
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200)
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['101'].checks.application_ok).to.deep.include({
      detail: `application ${app} has no Messages capability`,
      state: 'fail',
    })
  })

  it('a Page token Facebook invalidated (a password change) fails (exit 11); the relink it names fixes it', async () => {
    await control('101', {invalidate_tokens: true})
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['101'].checks.token_valid.state).to.equal('fail')
    expect(rows['101'].checks.expiry).to.deep.equal({detail: 'not checked: the token is invalid', state: 'unknown'})
    expect(rows['101'].checks.subscribed.state).to.equal('unknown')
    expect(rows['101'].reasons, 'one cause, one reason').to.have.length(1)
    expect(rows['101'].fixes).to.deep.equal(['nexmo messenger:relink --page 101'])
    // the fix, run as printed (the user token in the environment), fixes it
    expect((await run(rows['101'].fixes[0].split(' ').slice(1))).error).to.equal(undefined)
    expect((await status()).code).to.equal(0)
  })

  it('a removed Page role fails page_managed, naming the token of an admin in the fix', async () => {
    await control('102', {remove_role: 'USER'})
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['102'].checks.page_managed).to.deep.include({state: 'fail'})
    expect(rows['102'].fixes).to.deep.equal([
      'FACEBOOK_USER_TOKEN=<the user token of an admin of Page 102> nexmo messenger:relink --page 102',
    ])
  })

  it('a permission revoked for the Page fails scopes, naming it', async () => {
    await control('101', {revoke_scopes: ['pages_messaging']})
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['101'].checks.scopes.detail).to.equal('not granted for this Page: pages_messaging')
    expect(rows['102'].checks.scopes.state).to.equal('ok')
  })

  it("no app subscribed to the Page's messages fails; the relink re-subscribes", async () => {
    await control('102', {subscribed_fields: ['feed']})
    const {code, rows} = await status()
    expect(code).to.equal(11)
    expect(rows['102'].checks.subscribed).to.deep.include({state: 'fail'})
    await context.reseed()
    expect((await run(['messenger:relink', '--page', '102'])).error).to.equal(undefined)
    expect((await status()).code).to.equal(0)
  })

  it('no application linked, or one deleted at Vonage, fails with the commands that fix it', async () => {
    await run(['messenger:unlink', '--page-id', '102', '--application', app, '--yes'])
    let {rows} = await status()
    expect(rows['102'].checks.application).to.deep.include({
      fix: 'nexmo messenger:link --page 102 --application <APPLICATION_ID>',
      state: 'fail',
    })
    expect(rows['102'].checks.application_ok).to.deep.equal({
      detail: 'not checked: no application linked',
      state: 'unknown',
    })
    // the fix, run as printed with the application, fixes it
    const fix = rows['102'].fixes[0].replace('<APPLICATION_ID>', app).split(' ').slice(1)
    expect((await run(fix)).error).to.equal(undefined)
    expect((await status()).rows['102'].verdict).to.equal('ok')
    const deleted = await context.sandbox.request('DELETE', `/v2/applications/${app}`, {auth: basic()})
    expect(deleted.status).to.equal(204)
    ;({rows} = await status())
    expect(rows['101'].checks.application_ok).to.deep.include({
      detail: `application ${app} does not exist any more`,
      state: 'fail',
    })
  })

  it('without a user token the Facebook columns say unknown, and the Page is a warn, never an ok (exit 10)', async () => {
    delete process.env.FACEBOOK_USER_TOKEN
    const {code, rows} = await status()
    expect(code).to.equal(10)
    expect(rows['101'].reasons).to.deep.equal(['unknown: give a user token (--user-token or FACEBOOK_USER_TOKEN)'])
    expect(rows['101'].checks.token_valid).to.deep.equal({
      detail: 'unknown: give a user token (--user-token or FACEBOOK_USER_TOKEN)',
      state: 'unknown',
    })
    const human = await run(['messenger:status'])
    const lines = human.stdout.split('\n')
    expect(lines[1]).to.match(/ unknown +unknown +unknown +unknown +unknown +WARN$/)
    expect(lines.slice(4), 'said once, not for every Page').to.deep.equal([
      'Not checked for any Page: give a user token (--user-token or FACEBOOK_USER_TOKEN).',
      '',
    ])
  })

  it('--page-id: only those Pages; one not linked is a fail row with the link command', async () => {
    const {code, report} = await status('--page-id', '102', '--page-id', '103')
    expect(code).to.equal(11)
    expect(report.pages.map((row: Row) => [row.page, row.verdict])).to.deep.equal([
      ['102', 'ok'],
      ['103', 'fail'],
    ])
    expect(report.pages[1].fixes).to.deep.equal(['nexmo messenger:link --page 103'])
  })

  it('a check that could not be made (debug_token failing) is a warn, never an ok', async () => {
    await context.sandbox.fault({path: '/v25.0/debug_token', status: 500, times: 20})
    const {code, rows} = await status()
    expect(code).to.equal(10)
    expect(rows['101'].checks.token_valid.detail).to.match(/^could not check: /)
    expect(rows['101'].verdict).to.equal('warn')
    await context.sandbox.request('DELETE', '/_sandbox/faults')
  })

  it("a user token Facebook refuses is the command's failure (exit 3), not a row", async () => {
    process.env.FACEBOOK_USER_TOKEN = 'NOT-A-TOKEN'
    const {error, stderr} = await run(['messenger:status'])
    expect(error?.oclif?.exit).to.equal(3)
    expect(stderr).to.match(/^Error: Facebook refused the user token/m)
  })
})
