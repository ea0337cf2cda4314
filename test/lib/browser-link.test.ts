// The --browser procedures (src/lib/browser-link.ts) against the in-process sandbox, with the person
// on the linking page played by the fake desktop's sleep: each poll's pause runs the next step of
// the script (an Unsubscribe, a Subscribe, time passing on the injected clock). The real page in a
// real browser is test/browser/link-browser.test.ts.
import {expect} from 'chai'
import {SignJWT} from 'jose'
import {createPrivateKey} from 'node:crypto'

import {
  browserLink,
  type BrowserLinkSettings,
  browserRelink,
  type BrowserRelinkSettings,
  type Desktop,
} from '../../src/lib/browser-link.js'
import {Clients} from '../../src/lib/clients.js'
import {ExternalAccounts} from '../../src/lib/external-accounts.js'
import type {Reporter} from '../../src/lib/output.js'
import type {AuthSettings} from '../../src/lib/settings.js'
import {failure} from '../helpers/failure.js'
import {instantRetries} from '../helpers/in-process.js'
import {basic, CREDENTIALS, nowSeconds, useSandbox} from '../helpers/sandbox.js'

const DASHBOARD = 'https://dashboard.example/messages/social-channels/facebook-connect' // takes no JWT

describe('--browser procedures (library, against the sandbox)', () => {
  const sandbox = useSandbox()
  const retryWaits = instantRetries()
  let accounts: ExternalAccounts
  let app: string
  let appKey: string
  let token: string
  let now: number

  const settings = (auth: Partial<AuthSettings> = {}) => ({
    auth: {tempApp: false, ...auth},
    bin: 'nexmo',
    graph: {host: sandbox.url, timeoutMs: 5000, version: 'v25.0'},
    linkingPage: DASHBOARD,
    open: false,
    pageId: '101',
    vonage: {...CREDENTIALS, host: sandbox.url, timeoutMs: 5000},
    waitSeconds: 600,
  })

  /** What the person's steps threw: each test expects none. */
  let stepErrors: unknown[]

  /**
   * The person: each pause between polls runs the next step; once there are none, the time runs out
   * (on the injected clock each test's Clients reads), so a wait the steps do not end ends anyway.
   */
  function person(...steps: Array<() => Promise<unknown>>): Desktop {
    return {
      copy: () => false,
      open: () => Promise.resolve(false),
      async sleep() {
        const step = steps.shift()
        if (!step) now += 100_000
        await step?.().catch((error: unknown) => stepErrors.push(error))
      },
    }
  }

  const clients = (given: {vonage: {host: string; timeoutMs: number}}): Clients => new Clients(given, () => now)

  type Step = () => Promise<unknown>
  /** The procedures as the commands call them: Clients on the injected clock, the person doing `steps`. */
  const relinkWhile = (given: BrowserRelinkSettings, steps: Step[], report = recorder().report) =>
    browserRelink(given, clients(given), report, person(...steps))
  const linkWhile = (given: BrowserLinkSettings, steps: Step[], report = recorder().report) =>
    browserLink(given, clients(given), report, person(...steps))

  function recorder(): {report: Reporter; seen: string[]} {
    const seen: string[] = []
    const report: Reporter = {
      fleet: () => {
        throw new Error('no fleet here')
      },
      notice: (message) => seen.push(`notice: ${message}`),
      progress: (_message, work) => work(),
      warning: (message) => seen.push(`warning: ${message}`),
    }
    return {report, seen}
  }

  const stored = async () =>
    ((await sandbox.state()).accounts as Array<Record<string, unknown>>).map(
      ({access_token, applications, external_id, name}) => ({access_token, applications, external_id, name}),
    )
  const calls = async () =>
    ((await sandbox.state()).log as Array<{method: string; path: string; status: number}>)
      .filter((entry) => entry.path.startsWith('/beta'))
      .map((entry) => `${entry.method} ${entry.path.replace('/beta/chatapp-accounts', '')} ${entry.status}`)

  /** What the procedures wrote to stderr themselves (the JWT, the page to open): kept out of the test output. */
  let stderr: string[]
  const realWrite = process.stderr.write
  beforeEach(() => {
    stderr = []
    process.stderr.write = (chunk: string) => stderr.push(chunk) > 0
  })
  afterEach(() => {
    process.stderr.write = realWrite
  })

  beforeEach(async () => {
    stepErrors = []
    now = nowSeconds()
    accounts = new ExternalAccounts({headers: {authorization: basic()}, host: sandbox.url, timeoutMs: 5000})
    const created = await sandbox.createApp('bot')
    app = created.id
    appKey = created.privateKey
    const user = await sandbox.seedUser({
      link: {application: app},
      pages: [{id: '101', name: 'Corner Cafe'}],
      user_token: 'USER',
    })
    token = user.body.pages[0].access_token
  })
  afterEach(async () => {
    expect(stepErrors).to.deep.equal([])
    await sandbox.verify()
  })

  /** A fresh Page token for 101, as Facebook hands out after a new login. */
  const freshToken = async () =>
    (await sandbox.seedUser({pages: [{id: '101', name: 'Corner Cafe'}], user_token: 'USER'})).body.pages[0]
      .access_token as string

  const unsubscribe = () => accounts.delete('101')
  /** The linking page's Subscribe: no name, no application. */
  const subscribe = (with_: string) => () => accounts.create({pageId: '101', token: with_})

  it('relink: linked again with the same token after an Unsubscribe is done, with a warning; name and application put back', async () => {
    const {report, seen} = recorder()
    const given = settings()
    const finished = await relinkWhile(given, [unsubscribe, subscribe(token)], report)
    expect(finished.value.results).to.deep.equal([
      {applications: [app], name: 'Corner Cafe', page: '101', status: 'relinked'},
    ])
    expect(seen).to.include(
      'warning: Page 101 was linked again with the same Page token it had: a link that had lapsed is still lapsed',
    )
    expect(await stored()).to.deep.equal([
      {access_token: token, applications: [app], external_id: '101', name: 'Corner Cafe'},
    ])
  })

  it('relink: a token changed in place is done at once; nothing to put back, so no further request', async () => {
    const given = {...settings(), name: 'Corner Cafe'}
    const fresh = await freshToken()
    const before = (await calls()).length
    const finished = await relinkWhile(given, [() => accounts.update('101', {token: fresh})])
    expect(finished.value.results[0]).to.include({page: '101', status: 'relinked'})
    expect((await calls()).slice(before)).to.deep.equal([
      'GET /messenger/101 200',
      'PATCH /messenger/101 200', // the person's
      'GET  200', // the list
    ])
  })

  it('relink: a rename (or another application) by someone else meanwhile is not taken for the Subscribe: still waiting', async () => {
    const given = settings()
    const error = await failure(
      relinkWhile(given, [() => accounts.update('101', {name: 'Renamed by a colleague'})]),
      'timeout',
    )
    expect(error.message).to.equal(
      'Page 101 was not re-linked within the wait (--wait); Page 101 keeps its previous link',
    )
    expect((await stored())[0]).to.include({name: 'Renamed by a colleague'})
  })

  it('link --application that does not exist: refused before the person is asked (exit 4), nothing made', async () => {
    const given = {...settings(), application: '00000000-0000-4000-8000-000000000000', pageId: undefined}
    const error = await failure(linkWhile(given, []), 'not-found')
    expect(error.message).to.equal(
      'application 00000000-0000-4000-8000-000000000000 does not exist at Vonage (for API key sandbox-key); nothing was done',
    )
    expect(await calls()).to.deep.equal([])
    expect(stderr.join('')).to.equal('')
  })

  it('relink --name: the new name is set after the Subscribe, not the old one', async () => {
    const given = {...settings(), name: 'Cafe on the Corner'}
    const fresh = await freshToken()
    await relinkWhile(given, [unsubscribe, subscribe(fresh)])
    expect(await stored()).to.deep.equal([
      {access_token: fresh, applications: [app], external_id: '101', name: 'Cafe on the Corner'},
    ])
  })

  it('relink: an application that cannot be linked again is a failure (exit 8) the result carries, saying the Page has none now', async () => {
    await sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger/101/applications', status: 500})
    const given = settings()
    const fresh = await freshToken()
    const finished = await relinkWhile(given, [unsubscribe, subscribe(fresh)])
    expect(finished.value.results).to.deep.equal([
      {applications: [], name: 'Corner Cafe', page: '101', status: 'relinked'},
    ])
    expect(finished.failures).to.have.length(1)
    expect(finished.failures[0]).to.match(
      new RegExp(
        `^application ${app} could not be linked to Page 101 \\(.*\\), which has no application now: link it with nexmo messenger:link --browser --page-id 101 --application ${app}$`,
      ),
    )
    expect(await stored()).to.deep.equal([
      {access_token: fresh, applications: [], external_id: '101', name: 'Corner Cafe'},
    ])
  })

  it('relink: an application link whose answer was lost is read back: linked, so no failure', async () => {
    await sandbox.fault({
      method: 'POST',
      path: '/beta/chatapp-accounts/messenger/101/applications',
      status: 500,
      when: 'after',
    })
    const given = settings()
    const finished = await relinkWhile(given, [unsubscribe, subscribe(await freshToken())])
    expect(finished.failures).to.deep.equal([])
    expect(finished.value.results[0].applications).to.deep.equal([app])
  })

  it('relink: a name that cannot be put back (PATCH 500) is a warning; the application is still linked again', async () => {
    await sandbox.fault({method: 'PATCH', path: '/beta/chatapp-accounts/messenger/101', status: 500})
    const {report, seen} = recorder()
    const given = settings()
    const finished = await relinkWhile(given, [unsubscribe, subscribe(await freshToken())], report)
    expect(finished.failures).to.deep.equal([])
    expect(seen.filter((line) => line.startsWith('warning'))).to.have.length(1)
    expect(seen.find((line) => line.startsWith('warning'))).to.match(
      /^warning: Page 101 could not be named "Corner Cafe" again \(Vonage failed while/,
    )
    expect((await stored())[0]).to.deep.include({applications: [app], name: undefined})
  })

  it('relink: Unsubscribe + Subscribe between two reads, same token: seen by the name and application it lost', async () => {
    const {report, seen} = recorder()
    const given = settings()
    const finished = await relinkWhile(
      given,
      [
        async () => {
          await unsubscribe()
          await subscribe(token)()
        },
      ],
      report,
    )
    expect(finished.value.results[0]).to.deep.equal({
      applications: [app],
      name: 'Corner Cafe',
      page: '101',
      status: 'relinked',
    })
    expect(seen).to.include(
      'warning: Page 101 was linked again with the same Page token it had: a link that had lapsed is still lapsed',
    )
  })

  it('link --application: the Page linked but the application refused is a failure the result carries; the Page id is kept', async () => {
    await accounts.delete('101')
    await sandbox.fault({method: 'POST', path: '/beta/chatapp-accounts/messenger/101/applications', status: 500})
    const given = {...settings(), application: app, pageId: undefined}
    const {finished, label} = await linkWhile(given, [subscribe(token)])
    expect(label).to.equal('Page 101')
    expect(finished.value.account).to.include({external_id: '101'})
    expect(finished.failures[0]).to.match(
      new RegExp(`^application ${app} could not be linked to Page 101 \\(.*\\), which has no application now: `),
    )
  })

  it('link: Ctrl-C after the person subscribed, before the next read: the error says the Page was linked meanwhile', async () => {
    await accounts.delete('101')
    const given = {...settings(), application: app, pageId: undefined}
    const error = await failure(
      linkWhile(given, [
        async () => {
          await subscribe(token)()
          process.emit('SIGINT', 'SIGINT')
        },
      ]),
      'interrupted',
    )
    expect(error.message).to.equal(
      `interrupted; Page 101 was linked on the linking page meanwhile, without application ${app}: link it with nexmo messenger:link --browser --page-id 101 --application ${app}`,
    )
    expect(stderr.join('')).to.include('SIGINT: finishing the request under way')
  })

  it('link --browser --page-id --application of a Page linked already: the application added (the run after a failed one), else said', async () => {
    await accounts.delete('101')
    await accounts.create({pageId: '101', token})
    const given = {...settings(), application: app}
    const first = await linkWhile(given, [])
    expect(first.finished.value.status).to.equal('linked')
    expect((await stored())[0].applications).to.deep.equal([app])
    const again = await linkWhile(given, [])
    expect(again.finished.value.status).to.equal('already linked')
    const other = await sandbox.createApp('other')
    const given2 = {...settings(), application: other.id}
    const error = await failure(linkWhile(given2, []), 'conflict')
    expect(error.message).to.match(/^Page 101 is linked, but to application \S+ \(a Page takes one\); detach it with/)
    const without = await failure(linkWhile(settings(), []), 'conflict')
    expect(without.message).to.equal('Page 101 is already linked; use messenger:relink')
  })

  it('link --browser --page-id that is no Page id: refused before any request (exit 2)', async () => {
    const given = {...settings(), pageId: 'abc'}
    await failure(linkWhile(given, []), 'usage')
    expect(await calls()).to.deep.equal([])
  })

  it('relink: the wait ending after an Unsubscribe says the Page is not linked now, and how to link it', async () => {
    const given = settings()
    const error = await failure(relinkWhile(given, [unsubscribe, async () => (now += 601)]), 'timeout')
    expect(error.message).to.equal(
      `Page 101 was not re-linked within the wait (--wait); Page 101 is not linked now (it was unsubscribed, and not subscribed again): link it with nexmo messenger:link --browser --page-id 101 --application ${app}`,
    )
  })

  it('a read of the list failing (after its retries) does not end the wait: a notice, and the next read goes on', async () => {
    await sandbox.fault({method: 'GET', path: '/beta/chatapp-accounts', skip: 1, status: 503, times: 4})
    const {report, seen} = recorder()
    const given = settings()
    const fresh = await freshToken()
    const finished = await relinkWhile(given, [unsubscribe, subscribe(fresh)], report)
    expect(finished.value.results[0]).to.include({status: 'relinked'})
    expect(retryWaits, 'each read retried as any GET is').to.have.length.greaterThan(2)
    expect(seen.filter((line) => line.startsWith('notice: Reading'))).to.deep.equal([
      'notice: Reading the linked Pages failed (Vonage failed while listing the linked accounts: 503 (Sandbox fault: injected by the sandbox)); still waiting.',
      'notice: Reading the linked Pages works again.',
    ])
  })

  it('the wait ending while the reads fail says so: what was last read is all it knows', async () => {
    await sandbox.fault({method: 'GET', path: '/beta/chatapp-accounts', skip: 1, status: 503, times: 8})
    const given = settings()
    const error = await failure(relinkWhile(given, [async () => undefined, async () => (now += 601)]), 'timeout')
    expect(error.message).to.equal(
      'Page 101 was not re-linked within the wait (--wait) as far as was read; the reads since failed (Vonage failed while listing the linked accounts: 503 (Sandbox fault: injected by the sandbox)); when last read, Page 101 keeps its previous link',
    )
  })

  it('link: a JWT given that lapses while waiting ends the wait before a request is sent with it', async () => {
    await accounts.delete('101')
    const jwt = await new SignJWT({application_id: app})
      .setProtectedHeader({alg: 'RS256', typ: 'JWT'})
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(createPrivateKey(appKey))
    const given = {...settings({jwt}), linkingPage: `${sandbox.url}/messenger`, pageId: undefined}
    const {report} = recorder()
    let before = 0
    const error = await failure(
      linkWhile(
        given,
        [
          async () => {
            before = (await calls()).length
            now += 301
          },
        ],
        report,
      ),
      'auth',
    )
    expect(error.message).to.match(/^the JWT given \(--jwt or VONAGE_JWT\) lapsed while waiting/)
    expect(await calls(), 'no request after it lapsed').to.have.length(before)
    expect(stderr.join('')).to.include(`${jwt}\n`)
  })
})
