// The linking procedures of src/lib/messenger.ts, called directly against the in-process sandbox:
// above all the relink transaction (what is deleted, kept and restored, and what the error says),
// with failures injected as sandbox faults and signals marked on the Cleanup at held requests.
import {expect} from 'chai'
import {SignJWT} from 'jose'
import {generateKeyPairSync} from 'node:crypto'

import {Cleanup} from '../../src/lib/cleanup.js'
import {PluginError} from '../../src/lib/errors.js'
import {ExternalAccounts} from '../../src/lib/external-accounts.js'
import {Graph} from '../../src/lib/facebook.js'
import {Clients} from '../../src/lib/clients.js'
import {relinkFleet} from '../../src/lib/fleet.js'
import {
  findLinkedPage,
  finishCommand,
  judgeRelink,
  link,
  linkPage,
  list,
  listAccounts,
  relinkPage,
  type RelinkResult,
  unlinkApplication,
} from '../../src/lib/linking.js'
import type {Reporter} from '../../src/lib/output.js'
import type {AuthSettings, PageSettings} from '../../src/lib/settings.js'
import {failure} from '../helpers/failure.js'
import {basic, CREDENTIALS, nowSeconds, useSandbox} from '../helpers/sandbox.js'

const MESSENGER = '/beta/chatapp-accounts/messenger'
const DAY = 86_400

interface StoredAccount {
  external_id: string
  access_token: string
  name?: string
  applications: string[]
}

describe('messenger (library, against the sandbox)', () => {
  const sandbox = useSandbox()
  let accounts: ExternalAccounts
  /** The Page tokens Facebook hands out now, by Page id. */
  let tokens: Record<string, string>

  const seed = async (
    pages: Array<{id: string; name: string; expires_at?: number}> = [
      {id: '101', name: 'Pizza'},
      {id: '102', name: 'Bikes'},
    ],
    user = 'USER',
    extra: Record<string, unknown> = {},
  ) => {
    const {body} = await sandbox.seedUser({pages, user_token: user, ...extra})
    return Object.fromEntries(
      body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
    ) as Record<string, string>
  }

  const stored = async () =>
    ((await sandbox.state()).accounts as Array<StoredAccount & Record<string, unknown>>).map(
      ({access_token, applications, external_id, name}) => ({access_token, applications, external_id, name}),
    )
  /** The External Accounts requests the sandbox answered, oldest first, as "METHOD path status". */
  const calls = async () =>
    ((await sandbox.state()).log as Array<{method: string; path: string; status: number}>)
      .filter((entry) => entry.path.startsWith('/beta'))
      .map((entry) => `${entry.method} ${entry.path.replace('/beta/chatapp-accounts', '')} ${entry.status}`)
  const callsSince = async (from: number) => (await calls()).slice(from)

  beforeEach(async () => {
    accounts = new ExternalAccounts({
      backoffMs: 1,
      headers: {authorization: basic()},
      host: sandbox.url,
      sleep: async () => {},
      timeoutMs: 5000,
    })
    tokens = await seed()
  })
  afterEach(() => sandbox.verify())

  /** A Messages application; given a public key, so that the sandbox generates no key pair each time. */
  let publicKey: string
  before(() => {
    publicKey = generateKeyPairSync('rsa', {modulusLength: 2048})
      .publicKey.export({format: 'pem', type: 'spki'})
      .toString()
  })
  const createApp = async (name: string): Promise<string> => {
    const reply = await sandbox.request('POST', '/v2/applications', {
      auth: basic(),
      body: {capabilities: {messages: {webhooks: {}}}, keys: {public_key: publicKey}, name},
    })
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201)
    return reply.body.id
  }

  // The transaction of DELETE + POST with its restore: what a relink does once Vonage has turned
  // PATCH down (support: {available: false}); the PATCH path has its own tests in
  // test/commands/messenger/relink.test.ts.
  describe('relinkPage, with PATCH turned down (the DELETE + POST fallback)', () => {
    let app: string
    let oldToken: string
    let before: StoredAccount[]
    /** How many External Accounts calls the set-up made (the link being replaced). */
    let setup: number

    beforeEach(async () => {
      app = await createApp('bot')
      oldToken = tokens['101']
      await accounts.create({applications: [app], name: 'Pizza HQ', pageId: '101', token: oldToken})
      tokens = await seed()
      before = await stored()
      setup = (await calls()).length
    })

    const relink = (cleanup = new Cleanup(), options: {name?: string} = {}) =>
      relinkPage(
        accounts,
        {id: '101', name: 'Pizza', token: tokens['101']},
        {bin: 'nexmo', cleanup, support: {available: false}, ...options},
      )
    const finish = () =>
      `FACEBOOK_PAGE_TOKEN=<the new Page token> nexmo messenger:link --page-id 101 --name 'Pizza HQ' --application ${app}`

    it('replaces the token, keeps the name and the application, and withdraws its undo action', async () => {
      const cleanup = new Cleanup()
      const result = await relink(cleanup)
      expect(result).to.deep.equal({applications: [app], name: 'Pizza HQ', page: '101', status: 'relinked'})
      expect(await stored()).to.deep.equal([
        {access_token: tokens['101'], applications: [app], external_id: '101', name: 'Pizza HQ'},
      ])
      expect(cleanup.pending(), 'nothing left to undo').to.deep.equal([])
      expect(await callsSince(setup)).to.deep.equal([
        'GET /messenger/101 200',
        'DELETE /messenger/101 204',
        'POST /messenger 201',
      ])
    })

    it('takes --name over the current name, and the Page name when the link has none', async () => {
      expect((await relink(new Cleanup(), {name: 'New name'})).name).to.equal('New name')
      await accounts.delete('101')
      await accounts.create({pageId: '101', token: tokens['101']})
      tokens = await seed()
      expect(await relink()).to.deep.equal({applications: [], name: 'Pizza', page: '101', status: 'relinked'})
      expect((await stored())[0]).to.include({access_token: tokens['101'], name: 'Pizza'})
    })

    it('refuses a Page that is not linked (not-found) and changes nothing', async () => {
      const cleanup = new Cleanup()
      const error = await failure(
        relinkPage(
          accounts,
          {id: '102', name: 'Bikes', token: tokens['102']},
          {bin: 'nexmo', cleanup, support: {available: false}},
        ),
        'not-found',
      )
      expect(error.message).to.equal(
        'Page 102 is not linked, so there is nothing to re-link; link it with messenger:link (if another re-link of it is running, it is unlinked only until that one finishes)',
      )
      expect(cleanup.pending()).to.deep.equal([])
      expect(await callsSince(setup)).to.deep.equal(['GET /messenger/102 404'])
    })

    it('a signal that arrived before it starts unlinks nothing', async () => {
      const cleanup = new Cleanup()
      cleanup.markInterrupted('SIGINT')
      await failure(relink(cleanup), 'interrupted')
      expect(await stored()).to.deep.equal(before)
      expect(await callsSince(setup)).to.deep.equal(['GET /messenger/101 200'])
      expect(cleanup.pending()).to.deep.equal([])
    })

    it('a signal during the unlink stops before the new link and leaves the restore to the clean-up, naming the command that finishes by hand', async () => {
      await sandbox.hold({method: 'DELETE', path: `${MESSENGER}/101`})
      const cleanup = new Cleanup()
      const running = relink(cleanup)
      const held = await sandbox.waitForHeld()
      cleanup.markInterrupted('SIGTERM')
      await sandbox.release(held.id)
      await failure(running, 'terminated')
      expect(await stored(), 'unlinked, not yet restored').to.deep.equal([])
      expect(cleanup.pending()).to.deep.equal([`restore the previous link of Page 101 (run: ${finish()})`])
      expect(await cleanup.runAll()).to.deep.equal({
        failures: [],
        undone: ['the previous link of Page 101 was restored'],
      })
      expect(await stored()).to.deep.equal(before)
      expect(await callsSince(setup)).to.deep.equal([
        'GET /messenger/101 200',
        'DELETE /messenger/101 204',
        'GET /messenger/101 404',
        'POST /messenger 201',
      ])
    })

    it('a signal during the new link comes too late: the Page is relinked and nothing is left to undo', async () => {
      await sandbox.hold({method: 'POST', path: MESSENGER})
      const cleanup = new Cleanup()
      const running = relink(cleanup)
      const held = await sandbox.waitForHeld()
      cleanup.markInterrupted('SIGINT')
      await sandbox.release(held.id)
      expect((await running).status).to.equal('relinked')
      expect(cleanup.pending()).to.deep.equal([])
      expect((await stored())[0].access_token).to.equal(tokens['101'])
    })

    it('a failed new link restores the previous one: same kind, says so, previous_link_kept true, nothing left to undo', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 500})
      const cleanup = new Cleanup()
      const error = await failure(relink(cleanup), 'remote')
      expect(error.message).to.match(
        /^re-linking Page 101 failed: Vonage failed while linking Page 101: 500 \(.*\); try again later; the previous link was restored$/,
      )
      expect(error.result).to.deep.equal({previous_link_kept: true})
      expect(error.cause).to.be.instanceOf(PluginError)
      expect((error.cause as PluginError).status).to.equal(500)
      expect(await stored()).to.deep.equal(before)
      expect(cleanup.pending()).to.deep.equal([])
      expect(await callsSince(setup)).to.deep.equal([
        'GET /messenger/101 200',
        'DELETE /messenger/101 204',
        'POST /messenger 500',
        'GET /messenger/101 404',
        'GET /messenger/101 404',
        'POST /messenger 201',
      ])
    })

    it('when the restore fails too: previous_link_kept false and the error gives the command that finishes by hand', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 500, times: 2})
      const error = await failure(relink(), 'remote')
      expect(error.message).to.match(
        /^re-linking Page 101 failed: Vonage failed while linking Page 101: 500 .*; restoring the previous link failed too \(Vonage failed while linking Page 101: 500 .*\); finish by hand with: (.*)$/,
      )
      expect(error.message.endsWith(`; finish by hand with: ${finish()}`)).to.equal(true)
      expect(error.message).not.to.include(tokens['101']).and.not.to.include(oldToken)
      expect(error.result).to.deep.equal({previous_link_kept: false})
      expect(await stored()).to.deep.equal([])
    })

    it('a new link that took effect although its answer failed (500 after the write) is relinked, not undone', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 500, when: 'after'})
      expect((await relink()).status).to.equal('relinked')
      expect(await stored()).to.deep.equal([
        {access_token: tokens['101'], applications: [app], external_id: '101', name: 'Pizza HQ'},
      ])
      expect((await callsSince(setup)).slice(2)).to.deep.equal(['POST /messenger 500', 'GET /messenger/101 200'])
    })

    it('an answer that shows another Page is not trusted: the previous link is restored', async () => {
      await sandbox.fault({
        body: {access_token: tokens['101'], applications: [app], external_id: '102'},
        method: 'POST',
        path: MESSENGER,
        status: 201,
      })
      const error = await failure(relink(), 'remote')
      expect(error.message).to.equal(
        're-linking Page 101 failed: Vonage answered the link of Page 101 with the account of Page 102; the previous link was restored',
      )
      expect(await stored()).to.deep.equal(before)
    })

    it('an answer with another token is not trusted: the previous link is restored', async () => {
      await sandbox.fault({
        body: {access_token: 'EAAother', applications: [app], external_id: '101'},
        method: 'POST',
        path: MESSENGER,
        status: 201,
      })
      const error = await failure(relink(), 'remote')
      expect(error.message).to.equal(
        're-linking Page 101 failed: Vonage shows Page 101 linked with a token other than the one just sent; the previous link was restored',
      )
      expect(await stored()).to.deep.equal(before)
    })

    it('a new link that lost its application is replaced by the previous link (deleted, then re-created)', async () => {
      await sandbox.fault({
        body: {access_token: tokens['101'], applications: [], external_id: '101'},
        method: 'POST',
        path: MESSENGER,
        status: 201,
        when: 'after',
      })
      const error = await failure(relink(), 'remote')
      expect(error.message).to.equal(
        `re-linking Page 101 failed: Vonage shows Page 101 without application ${app}; the previous link was restored`,
      )
      expect(error.result).to.deep.equal({previous_link_kept: true})
      expect(await stored()).to.deep.equal(before)
      expect((await callsSince(setup)).slice(3)).to.deep.equal([
        'GET /messenger/101 200',
        'DELETE /messenger/101 204',
        'POST /messenger 201',
      ])
    })

    it('a failed unlink leaves the previous link as it was: nothing is re-created', async () => {
      await sandbox.fault({method: 'DELETE', path: `${MESSENGER}/101`, status: 500, times: 4})
      const error = await failure(relink(), 'remote')
      expect(error.message).to.match(
        /^re-linking Page 101 failed: Vonage failed while unlinking Page 101: 500 .*; the previous link was restored$/,
      )
      expect(error.result).to.deep.equal({previous_link_kept: true})
      expect(await stored()).to.deep.equal(before)
      expect((await callsSince(setup)).filter((call) => call.startsWith('POST'))).to.deep.equal([])
    })

    it('a failure that is not a PluginError is internal, and still restores', async () => {
      const broken = Object.assign(Object.create(accounts) as ExternalAccounts, {
        async create(): Promise<never> {
          throw new TypeError('boom')
        },
      })
      const error = await failure(
        relinkPage(
          broken,
          {id: '101', name: 'Pizza', token: tokens['101']},
          {bin: 'nexmo', cleanup: new Cleanup(), support: {available: false}},
        ),
        'internal',
      )
      expect(error.message).to.match(
        /^re-linking Page 101 failed: boom; restoring the previous link failed too \(boom\); finish by hand with: /,
      )
      expect(error.result).to.deep.equal({previous_link_kept: false})
    })
  })

  // The PATCH path (#13): every failure leaves the Page linked, and the error says with which token
  // (previous_link_kept says whether the previous link is still there). Written for the survivors
  // of the mutation run of #12 in updateOrReadBack.
  describe('relinkPage by PATCH: what each failure says of the link', () => {
    const PAGE = `${MESSENGER}/101`
    beforeEach(async () => {
      await accounts.create({name: 'Pizza HQ', pageId: '101', token: tokens['101']})
      tokens = await seed()
    })
    const relinkOne = () =>
      relinkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {bin: 'nexmo', cleanup: new Cleanup()})
    const storedToken = async () => (await stored())[0]?.access_token

    it('a refusal (403) is not read back: the Page keeps its previous link, and says so', async () => {
      const before = await storedToken()
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 403})
      const error = await failure(relinkOne(), 'auth')
      expect(error.message).to.match(/; Page 101 keeps its previous link$/)
      expect(error.result).to.deep.equal({previous_link_kept: true})
      expect(await storedToken()).to.equal(before)
      expect(await callsSince(1)).to.deep.equal(['PATCH /messenger/101 403'])
    })

    it('a 500 read back with the previous token: still linked with it', async () => {
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 500})
      const error = await failure(relinkOne(), 'remote')
      expect(error.message).to.match(/; Page 101 is still linked with its previous token$/)
      expect(error.result).to.deep.equal({previous_link_kept: true})
    })

    it('a 500 whose read-back finds no link: not linked any more, and previous_link_kept is false', async () => {
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 500})
      await sandbox.fault({method: 'GET', path: PAGE, status: 404})
      const error = await failure(relinkOne(), 'remote')
      expect(error.message).to.match(/; Page 101 is not linked any more: link it with messenger:link$/)
      expect(error.result).to.deep.equal({previous_link_kept: false})
    })

    it('a 500 whose read-back fails too: either token, run it again', async () => {
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 500})
      await sandbox.fault({method: 'GET', path: PAGE, status: 503, times: 4})
      const error = await failure(relinkOne(), 'remote')
      expect(error.message).to.match(
        /; reading it back failed too \(.*503.*\), so Page 101 is linked with either its previous or its new token: run messenger:relink again$/,
      )
      expect(error.result).to.deep.equal({previous_link_kept: true})
    })

    it('a 404 for a Page that is linked means PATCH is turned down: one warning, then DELETE + POST', async () => {
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 404})
      const said: string[] = []
      const support = {available: true}
      const options = {
        bin: 'nexmo',
        cleanup: new Cleanup(),
        onFallback: (message: string) => said.push(message),
        support,
      }
      const result = await relinkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, options)
      expect(result).to.deep.include({page: '101', status: 'relinked'})
      expect(said).to.deep.equal([
        'Vonage turned down PATCH (404 for Page 101, which is linked): re-linking by unlinking and linking again, the previous link restored if a step fails',
      ])
      expect(support.available, 'later Pages go straight to the fallback').to.equal(false)
      expect(await callsSince(1)).to.deep.equal([
        'PATCH /messenger/101 404',
        'GET /messenger/101 200',
        'DELETE /messenger/101 204',
        'POST /messenger 201',
      ])
      expect(await storedToken()).to.equal(tokens['101'])
    })

    it('a 404 for a Page that is not linked is not-found, and nothing is written', async () => {
      await accounts.delete('101')
      const error = await failure(relinkOne(), 'not-found')
      expect(error.message).to.match(/^Page 101 is not linked, so there is nothing to re-link/)
      expect(await callsSince(2)).to.deep.equal(['PATCH /messenger/101 404', 'GET /messenger/101 404'])
    })

    it('a 500 that hid a successful PATCH: read back with the new token, it is relinked', async () => {
      await sandbox.fault({method: 'PATCH', path: PAGE, status: 500, when: 'after'})
      expect(await relinkOne()).to.deep.include({page: '101', status: 'relinked'})
      expect(await storedToken()).to.equal(tokens['101'])
    })
  })

  describe('linkPage', () => {
    it('links a Page with the application asked for', async () => {
      const app = await createApp('bot')
      const result = await linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {application: app})
      expect(result).to.deep.equal({
        account: {applications: [app], external_id: '101', name: 'Pizza'},
        status: 'linked',
      })
      expect(await calls(), 'one write, the application in it').to.deep.equal(['POST /messenger 201'])
    })

    it('a Page already linked with this token and no application gets the application: "linked", as something changed', async () => {
      const app = await createApp('bot')
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      const result = await linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {application: app})
      expect(result).to.deep.equal({
        account: {applications: [app], external_id: '101', name: 'Pizza'},
        status: 'linked',
      })
      expect((await stored())[0].applications).to.deep.equal([app])
      const again = await linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {application: app})
      expect(again.status, 'nothing left to change').to.equal('already linked')
    })

    it('a Page linked to another application is a conflict that says how to detach it', async () => {
      const [first, second] = [await createApp('one'), await createApp('two')]
      await accounts.create({applications: [first], name: 'Pizza', pageId: '101', token: tokens['101']})
      const error = await failure(
        linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {application: second}),
        'conflict',
      )
      expect(error.message).to.equal(
        `Page 101 is linked, but to application ${first} (a Page takes one); detach it with messenger:unlink --page-id 101 --application ${first}, then link again`,
      )
    })

    it('a 409 or a lost connection on the write is read back: the same token is linked', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 409, when: 'after'})
      expect((await linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {})).status).to.equal(
        'already linked',
      )
      await sandbox.fault({method: 'POST', path: MESSENGER, reset: true, when: 'after'})
      expect((await linkPage(accounts, {id: '102', name: 'Bikes', token: tokens['102']}, {})).status).to.equal('linked')
      expect(await calls()).to.deep.equal([
        'POST /messenger 409',
        'GET /messenger/101 200',
        'POST /messenger 0',
        'GET /messenger/102 200',
      ])
    })

    it('a link whose answer failed after the write is "linked", not "already linked"', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 500, when: 'after'})
      expect((await linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {})).status).to.equal('linked')
    })

    it('a refusal that cannot hide a success (401) is not read back', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 401})
      await failure(linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {}), 'auth')
      expect(await calls()).to.deep.equal(['POST /messenger 401'])
    })

    it('a 500 with nothing written keeps its error after the read-back', async () => {
      await sandbox.fault({method: 'POST', path: MESSENGER, status: 500})
      const error = await failure(
        linkPage(accounts, {id: '101', name: 'Pizza', token: tokens['101']}, {name: 'HQ'}),
        'remote',
      )
      expect(error.status).to.equal(500)
      expect(await calls()).to.deep.equal(['POST /messenger 500', 'GET /messenger/101 404'])
    })
  })

  describe('listAccounts', () => {
    it('without a user token: every linked account, without its token', async () => {
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      expect(await listAccounts(accounts, undefined)).to.deep.equal([
        {applications: [], external_id: '101', name: 'Pizza'},
      ])
    })

    it('with a user token: the days left until the earlier of the token and data access expiries', async () => {
      const now = nowSeconds()
      tokens = await seed(
        [
          {expires_at: now + 10 * DAY + 100, id: '101', name: 'Pizza'},
          {id: '102', name: 'Bikes'},
        ],
        'USER',
        {data_access_expires_at: now + 30 * DAY + 100},
      )
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      await accounts.create({name: 'Bikes', pageId: '102', token: tokens['102']})
      const graph = new Graph({
        backoffMs: 1,
        host: sandbox.url,
        sleep: async () => {},
        timeoutMs: 5000,
        version: 'v25.0',
      })
      const listed = await listAccounts(accounts, {graph, now, userToken: 'USER'})
      expect(
        listed.map(({days_left, external_id, token_valid}) => ({days_left, external_id, token_valid})),
      ).to.deep.equal([
        {days_left: 10, external_id: '101', token_valid: true},
        {days_left: 30, external_id: '102', token_valid: true},
      ])
      expect(listed[1]).to.include({data_access_expires_at: now + 30 * DAY + 100, expires_at: 0})
    })

    it('a user token Facebook refuses fails the listing (auth); another debug_token failure just leaves the expiry out', async () => {
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      const graph = new Graph({
        backoffMs: 1,
        host: sandbox.url,
        sleep: async () => {},
        timeoutMs: 5000,
        version: 'v25.0',
      })
      const refused = await failure(
        listAccounts(accounts, {graph, now: nowSeconds(), userToken: 'NOT-A-TOKEN'}),
        'auth',
      )
      expect(refused.message).to.match(/^Facebook refused the user token \(code 190/)
      await sandbox.fault({method: 'GET', path: '/v25.0/debug_token', status: 500, times: 4})
      expect(await listAccounts(accounts, {graph, now: nowSeconds(), userToken: 'USER'})).to.deep.equal([
        {applications: [], external_id: '101', name: 'Pizza'},
      ])
    })
  })

  describe('unlinkApplication and findLinkedPage', () => {
    it('detaching an application the Page does not have is not-found and says what it has', async () => {
      const linked = {applications: [], external_id: '101', name: 'Pizza'}
      expect((await failure(unlinkApplication(accounts, linked, 'app-1'), 'not-found')).message).to.equal(
        'application app-1 is not linked to Page 101 (it has none); nothing changed',
      )
      const withTwo = {...linked, applications: ['app-2', 'app-3']}
      expect((await failure(unlinkApplication(accounts, withTwo, 'app-1'), 'not-found')).message).to.equal(
        'application app-1 is not linked to Page 101 (it has app-2, app-3); nothing changed',
      )
      expect(await calls()).to.deep.equal([])
    })

    it('detaches the application and keeps the Page linked', async () => {
      const app = await createApp('bot')
      await accounts.create({applications: [app], name: 'Pizza', pageId: '101', token: tokens['101']})
      expect(
        await unlinkApplication(accounts, {applications: [app], external_id: '101', name: 'Pizza'}, app),
      ).to.deep.equal({applications: [], external_id: '101', name: 'Pizza'})
      expect(await stored()).to.deep.equal([
        {access_token: tokens['101'], applications: [], external_id: '101', name: 'Pizza'},
      ])
    })

    it("a 409 is a refusal while the application is still linked, and the first attempt's success once it is gone", async () => {
      const app = await createApp('bot')
      await accounts.create({applications: [app], name: 'Pizza', pageId: '101', token: tokens['101']})
      const linked = {applications: [app], external_id: '101', name: 'Pizza'}
      await sandbox.fault({method: 'DELETE', path: `${MESSENGER}/101/applications`, status: 409})
      expect((await failure(unlinkApplication(accounts, linked, app), 'conflict')).message).to.equal(
        `Vonage refused to unlink application ${app} from Page 101`,
      )
      await sandbox.fault({method: 'DELETE', path: `${MESSENGER}/101/applications`, status: 409, when: 'after'})
      expect(await unlinkApplication(accounts, linked, app)).to.deep.equal({
        applications: [],
        external_id: '101',
        name: 'Pizza',
      })
    })

    it('finishCommand: no --name or --application when the link has none', () => {
      expect(finishCommand('nexmo', {pageId: '101', token: 'secret'})).to.equal(
        'FACEBOOK_PAGE_TOKEN=<the new Page token> nexmo messenger:link --page-id 101',
      )
      expect(finishCommand('vonage', {applications: [], name: "Joe's", pageId: '101', token: 'secret'})).to.equal(
        "FACEBOOK_PAGE_TOKEN=<the new Page token> vonage messenger:link --page-id 101 --name 'Joe'\\''s'",
      )
    })

    it('findLinkedPage: the account without its token, or not-found pointing to messenger:list', async () => {
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      expect(await findLinkedPage(accounts, '101')).to.deep.equal({applications: [], external_id: '101', name: 'Pizza'})
      expect((await failure(findLinkedPage(accounts, '102'), 'not-found')).message).to.equal(
        'Page 102 is not linked; messenger:list shows the linked Pages',
      )
    })
  })

  // The commands' whole procedures, as a command calls them: settings, the Clients factory (with
  // an injected clock) and a Reporter that records what a person would see.
  describe("the commands' procedures (link, relink, list) through Clients", () => {
    const recorder = () => {
      const seen: string[] = []
      const report: Reporter = {
        notice: (message) => seen.push(`notice: ${message}`),
        progress: (message, work) => {
          seen.push(`progress: ${message}`)
          return work()
        },
        warning: (message) => seen.push(`warning: ${message}`),
        fleet: (label) => ({
          end: () => seen.push(`fleet end: ${label}`),
          finished: (outcome, line) => seen.push(`${outcome}: ${line}`),
          found: (count) => seen.push(`found: ${count}`),
        }),
      }
      return {report, seen}
    }

    const settings = (extra: {auth?: Partial<AuthSettings>; page?: PageSettings; userToken?: string} = {}) => ({
      auth: {tempApp: false, ...extra.auth},
      graph: {host: sandbox.url, timeoutMs: 5000, userToken: extra.userToken ?? 'USER', version: 'v25.0'},
      page: extra.page ?? {page: 'Pizza'},
      vonage: {...CREDENTIALS, host: sandbox.url, timeoutMs: 5000},
    })

    it('link: finds the Page, checks its token, links it, saying each step', async () => {
      const {report, seen} = recorder()
      const given = settings()
      const {finished, label} = await link(given, new Clients(given), report)
      expect(label).to.equal('Pizza (101)')
      expect(finished.value.status).to.equal('linked')
      expect(finished.value.account).to.include({external_id: '101', name: 'Pizza'})
      expect(finished.value.account).not.to.have.property('access_token')
      expect(seen).to.deep.equal([
        'progress: Finding the Page',
        'progress: Preparing the linking calls',
        'progress: Linking Pizza (101)',
      ])
      expect((await stored()).map((account) => account.access_token)).to.deep.equal([tokens['101']])
    })

    it("takes the time from the Clients' clock: a JWT valid now is refused an hour later, before any request", async () => {
      const keys = generateKeyPairSync('rsa', {modulusLength: 2048})
      const jwt = await new SignJWT({application_id: 'app-1'})
        .setProtectedHeader({alg: 'RS256', typ: 'JWT'})
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + 600)
        .sign(keys.privateKey)
      const given = settings({auth: {jwt}})
      const before = (await calls()).length
      const later = await link(given, new Clients(given, () => nowSeconds() + 3600), recorder().report).catch(
        (error: unknown) => error,
      )
      expect(later).to.be.instanceOf(PluginError).and.include({kind: 'auth'})
      expect((later as Error).message).to.match(/^the JWT given \(--jwt or VONAGE_JWT\) expired /)
      expect(await calls(), 'no External Accounts request').to.have.length(before)
    })

    describe('relink --all (relinkFleet)', () => {
      let others: Record<string, string>
      beforeEach(async () => {
        await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
        await accounts.create({name: 'Bikes', pageId: '102', token: tokens['102']})
        others = await seed([{id: '999', name: 'Not theirs'}], 'OTHER USER')
        await accounts.create({pageId: '999', token: others['999']})
        tokens = await seed()
      })
      const fleetSettings = (concurrency?: number) => ({...settings(), bin: 'nexmo', concurrency})

      it('re-links every reachable Page from the list (no read of each), a line each, warns about the others, and judges the run', async () => {
        const {report, seen} = recorder()
        const from = (await calls()).length
        const given = fleetSettings(1)
        const finished = await relinkFleet(given, new Clients(given), report)
        expect(finished.value.results.map((result) => `${result.page} ${result.status}`).sort()).to.deep.equal([
          '101 relinked',
          '102 relinked',
        ])
        expect(finished.value).to.deep.include({unreachable: ['999']})
        expect(finished.value).not.to.have.property('incomplete')
        expect(seen.filter((line) => line.startsWith('ok: ')).sort()).to.deep.equal([
          'ok: 101 relinked',
          'ok: 102 relinked',
        ])
        expect(seen).to.include('found: 2')
        expect(seen).to.include('fleet end: Re-linking')
        expect(seen).to.include('warning: 999 is linked but not among the Pages this user token manages; left alone')
        expect(judgeRelink(finished)).to.deep.equal({summary: '2 of 2 linked Page(s) re-linked'})
        const byPage = Object.fromEntries(
          (await stored()).map((account) => [account.external_id, account.access_token]),
        )
        expect(byPage).to.deep.equal({101: tokens['101'], 102: tokens['102'], 999: others['999']})
        expect((await callsSince(from)).filter((call) => call.startsWith('GET /messenger/'))).to.deep.equal([])
      })

      it('a Page whose relink and restore both failed says previous_link_kept false', async () => {
        // one Page alone, so that both failing POSTs are its own (Pages of a fleet interleave)
        await accounts.delete('102')
        await sandbox.settings({no_patch: true})
        await sandbox.fault({method: 'POST', path: MESSENGER, status: 500, times: 2})
        const given = fleetSettings(1)
        const {results} = (await relinkFleet(given, new Clients(given), recorder().report)).value
        expect(results).to.have.length(1)
        expect(results[0]).to.include({page: '101', previous_link_kept: false, status: 'failed'})
        expect(results[0].error).to.match(/^re-linking Page 101 failed: .*; restoring the previous link failed too/)
      })

      it('a failed Page whose previous link was restored says previous_link_kept true', async () => {
        await sandbox.settings({no_patch: true})
        await sandbox.fault({method: 'POST', path: MESSENGER, status: 500})
        const given = fleetSettings(1)
        const {results} = (await relinkFleet(given, new Clients(given), recorder().report)).value
        expect(results.find((result) => result.status === 'failed')).to.include({previous_link_kept: true})
        expect(results.filter((result) => result.status === 'relinked')).to.have.length(1)
      })

      it('a signal while listing the Pages: nothing was changed, and the error says so', async () => {
        const {report} = recorder()
        const interrupting: Reporter = {
          ...report,
          progress: (message, work) => {
            if (message === 'Listing your Pages') process.emit('SIGINT', 'SIGINT')
            return report.progress(message, work)
          },
        }
        const given = fleetSettings()
        const stopped = await failure(relinkFleet(given, new Clients(given), interrupting), 'interrupted')
        expect(stopped.message).to.equal('interrupted before anything was changed')
      })

      it('a signal once the list is read: no Page is started, each read is reported stopped, and the run is incomplete', async () => {
        const {report} = recorder()
        const interrupting: Reporter = {
          ...report,
          fleet: (label) => ({...report.fleet(label), found: () => process.emit('SIGINT', 'SIGINT')}),
        }
        const given = fleetSettings()
        const finished = await relinkFleet(given, new Clients(given), interrupting)
        expect(finished.value.incomplete).to.equal(true)
        expect(
          finished.value.results.map((result) => `${result.page} ${result.status} ${result.previous_link_kept}`).sort(),
        ).to.deep.equal(['101 stopped true', '102 stopped true'])
        expect(finished.signal).to.equal('SIGINT')
        const judged = judgeRelink(finished)
        expect(judged.failure).to.include({kind: 'interrupted'})
        expect(judged.failure?.message).to.equal(
          'SIGINT stopped the run: 0 of 2 linked Page(s) re-linked, 2 stopped (the rest of the list was not read); the Pages not re-linked keep their previous link',
        )
        expect((await stored()).map((account) => account.access_token)).not.to.include(tokens['101'])
      })
    })

    it('list: every linked Page without its token, with the days its link has left', async () => {
      await accounts.create({name: 'Pizza', pageId: '101', token: tokens['101']})
      const given = settings()
      const finished = await list(given, new Clients(given), recorder().report)
      expect(finished.value.accounts).to.have.length(1)
      expect(finished.value.accounts[0]).to.include({external_id: '101', name: 'Pizza', token_valid: true})
      expect(finished.value.accounts[0]).not.to.have.property('access_token')
    })
  })

  describe('judgeRelink: the summary, and the one failure a run amounts to', () => {
    const page = (id: string, status: RelinkResult['status'], extra: Partial<RelinkResult> = {}): RelinkResult => ({
      page: id,
      status,
      ...extra,
    })
    const judge = (results: RelinkResult[], extra: {signal?: NodeJS.Signals; unreachable?: string[]} = {}) => {
      const {failure, summary} = judgeRelink({
        failures: [],
        signal: extra.signal,
        value: {results, unreachable: extra.unreachable},
      })
      return {kind: failure?.kind, message: failure?.message, summary}
    }

    it('some failed: partial, saying whether each kept its link', () => {
      expect(
        judge([page('1', 'relinked'), page('2', 'failed', {kind: 'remote', previous_link_kept: true})]),
      ).to.deep.equal({
        kind: 'partial',
        message: '1 of 2 Page(s) could not be re-linked; each kept its previous link',
        summary: '1 of 2 linked Page(s) re-linked, 1 failed',
      })
    })

    it("all failed: the first failure's kind, naming the Pages that lost their link", () => {
      const results = [
        page('1', 'failed', {kind: 'network', previous_link_kept: false}),
        page('2', 'failed', {kind: 'remote'}),
      ]
      expect(judge(results)).to.deep.include({
        kind: 'network',
        message: '2 of 2 Page(s) could not be re-linked; 1 lost its link: finish by hand as each line says',
      })
    })

    it('a signal that stopped Pages: interrupted, and the Pages not started keep their link', () => {
      expect(judge([page('1', 'relinked'), page('2', 'stopped')], {signal: 'SIGINT'})).to.deep.equal({
        kind: 'interrupted',
        message:
          'SIGINT stopped the run: 1 of 2 linked Page(s) re-linked, 1 stopped; the Pages not re-linked keep their previous link',
        summary: '1 of 2 linked Page(s) re-linked, 1 stopped',
      })
    })

    it('--all that reached no linked Page: not-found; nothing at all linked: success', () => {
      expect(judge([], {unreachable: ['9']}).kind).to.equal('not-found')
      expect(judge([])).to.deep.equal({kind: undefined, message: undefined, summary: '0 of 0 linked Page(s) re-linked'})
    })
  })
})
