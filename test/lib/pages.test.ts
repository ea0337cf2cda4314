import {expect} from 'chai'

import {PluginError} from '../../src/lib/errors.js'
import {Graph} from '../../src/lib/facebook.js'
import {checkPageToken, choosePage, expiryWarnings, findPage} from '../../src/lib/pages.js'
import {nowSeconds, useSandbox} from '../helpers/sandbox.js'
import {thrown} from '../helpers/failure.js'

const PAGES = [
  {access_token: 't1', id: '101', name: 'Pizza Place'},
  {access_token: 't2', id: '102', name: 'Twins'},
  {access_token: 't3', id: '103', name: 'twins'},
]

const page = (id: string, name: string) => ({access_token: `t${id}`, id, name})
const failure = thrown

/** A Graph client whose every use fails the test. */
const untouchable = () =>
  new Proxy({} as Graph, {
    get() {
      throw new Error('Graph must not be called')
    },
  })

describe('pages', () => {
  it('finds a Page by id or by a name only one Page has, case aside', () => {
    expect(findPage(PAGES, '103').id).to.equal('103')
    expect(findPage(PAGES, 'pizza place').id).to.equal('101')
  })

  it('refuses an ambiguous name and an unknown Page, listing the choices', () => {
    expect(() => findPage(PAGES, 'TWINS')).to.throw(
      PluginError,
      '2 Pages are named "TWINS": Twins (102), twins (103); choose one by its id, e.g. --page id:102',
    )
    expect(() => findPage(PAGES, 'Bakery')).to.throw(
      PluginError,
      'no Page "Bakery" among the 3 Page(s) this user token manages: Pizza Place (101), Twins (102), twins (103)',
    )
  })

  it('#11.low --page: NFC and NFD spellings of a name match', () => {
    const pages = [page('201', 'Caf\u00E9 Ol\u00E9'), page('202', 'Bakery')]
    expect(findPage(pages, 'Cafe\u0301 Ole\u0301').id).to.equal('201')
    expect(findPage([page('203', 'Cafe\u0301')], 'caf\u00E9').id).to.equal('203')
  })

  it('#11.low --page: an exact-case name wins over names that differ only in case', () => {
    expect(findPage(PAGES, 'twins').id).to.equal('103')
    expect(findPage(PAGES, 'Twins').id).to.equal('102')
    expect(failure(() => findPage(PAGES, 'TWINS')).kind).to.equal('usage')
    const same = failure(() => findPage([...PAGES, page('104', 'twins')], 'twins'))
    expect(same.message).to.match(/^2 Pages are named "twins": twins \(103\), twins \(104\)/)
  })

  it('#11.low --page: names with spaces around them are selectable', () => {
    const pages = [page('201', '  Padded Shop '), page('202', 'Other')]
    expect(findPage(pages, 'Padded Shop').id).to.equal('201')
    expect(findPage(pages, ' padded shop  ').id).to.equal('201')
    expect(findPage(pages, ' 202 ').id).to.equal('202')
  })

  it("#11.low --page: a value that is one Page's id and another's name is refused; id: and name: choose", () => {
    const pages = [page('201', 'Alpha'), page('305', '201'), page('306', '306')]
    const both = failure(() => findPage(pages, '201'))
    expect(both.kind).to.equal('usage')
    expect(both.message).to.equal(
      '"201" is the id of Alpha (201) and the name of 201 (305); say --page id:201 or --page name:201',
    )
    expect(findPage(pages, 'id:201').id).to.equal('201')
    expect(findPage(pages, 'name:201').id).to.equal('305')
    expect(findPage(pages, '305').id).to.equal('305')
    expect(findPage(pages, '306').id, 'a Page named after its own id is no conflict').to.equal('306')
    expect(failure(() => findPage(pages, 'id:Alpha')).kind).to.equal('not-found')
    expect(failure(() => findPage(pages, 'name:305')).kind).to.equal('not-found')
  })

  it('#11.low a not-found error lists a few Pages and a count, not all 500', () => {
    const many = Array.from({length: 500}, (_, index) => page(String(10_000 + index), `Shop number ${index}`))
    const error = failure(() => findPage(many, 'Nowhere'))
    expect(error.kind).to.equal('not-found')
    expect(error.message).to.match(
      /^no Page "Nowhere" among the 500 Page\(s\) this user token manages: Shop number 0 \(10000\), .* and 490 more$/,
    )
    expect(error.message.length).to.be.below(400)
    const named = failure(() =>
      findPage([...many, ...many.map((one) => ({...one, id: `2${one.id}`}))], 'shop number 1'),
    )
    expect(named.message).to.match(/^2 Pages are named/)
  })

  it('#11.low Page names with newlines or ANSI escapes are shown escaped in messages', () => {
    const pages = [page('201', 'Evil\n\u001B[31mRed\u0007'), page('202', 'Evil\n\u001B[31mRed\u0007')]
    for (const wanted of ['evil\n\u001B[31mred\u0007', 'Nowhere\u001B]0;title\u0007']) {
      const {message} = failure(() => findPage(pages, wanted))
      expect(message).not.to.match(/\p{Cc}/u)
      expect(message).to.include('Evil\\n\\x1b[31mRed\\x07')
    }
  })

  it('needs a token with --page-id, and a Page source at all', async () => {
    const graph = untouchable()

    const noToken = await choosePage({pageId: '101'}, graph).catch((error) => error)
    expect(noToken.message).to.match(/^--page-id needs the Page token/)
    expect(noToken.message).not.to.include('--page ')
    const nothing = await choosePage({}, graph).catch((error) => error)
    expect(nothing.message).to.match(/^say which Page/)
    const badId = await choosePage({pageId: '1/../2', pageToken: 't'}, graph).catch((error) => error)
    expect(badId.message).to.match(/is not a Facebook Page id/)
  })

  it('a Page token with spaces or line breaks inside is refused before any request, without repeating it', async () => {
    const error = await choosePage({pageId: '101', pageToken: 'EAAsecret1\nEAAsecret2'}, untouchable()).catch(
      (error_: unknown) => error_,
    )
    expect(error).to.be.instanceOf(PluginError).and.include({kind: 'usage'})
    expect((error as Error).message).to.equal(
      'the Page token from --page-token (or FACEBOOK_PAGE_TOKEN) has spaces or line breaks inside; give the token alone',
    )
  })

  it('#11.low --page-id without a Page token suggests --page when a user token is set', async () => {
    const error = await choosePage({pageId: '101'}, untouchable(), 'U').catch((error_) => error_)
    expect(error).to.be.instanceOf(PluginError).and.include({kind: 'usage'})
    expect(error.message).to.match(
      /^--page-id needs the Page token: .*; or, with the user token you gave, choose the Page with --page 101 instead of --page-id$/,
    )
  })

  it('warns about a token or data access ending within 14 days, not later, not never', () => {
    const now = 1_800_000_000
    expect(
      expiryWarnings({data_access_expires_at: now + 20 * 86_400, expires_at: 0, is_valid: true}, 'the Page token', now),
    ).to.deep.equal([])
    const warnings = expiryWarnings(
      {data_access_expires_at: now + 3 * 86_400, expires_at: now + 13 * 86_400, is_valid: true},
      'the Page token',
      now,
    )
    expect(warnings).to.have.length(2)
    expect(warnings[0]).to.match(/^Warning: the Page token expires in 13 d \(/)
    expect(warnings[1]).to.match(/^Warning: Facebook data access behind the Page token ends in 3 d \(/)
  })

  it('#11.low an expiry 2 d 23 h away says "2 d 23 h", not "2 days"', () => {
    const now = 1_800_000_000
    const [warning] = expiryWarnings(
      {data_access_expires_at: 0, expires_at: now + 2 * 86_400 + 23 * 3600 + 59, is_valid: true},
      'the Page token',
      now,
    )
    expect(warning).to.match(/^Warning: the Page token expires in 2 d 23 h \(/)
  })

  describe('against the sandbox Graph', () => {
    const sandbox = useSandbox()
    let tokens: Record<string, string>
    let graph: Graph

    beforeEach(async () => {
      const {body} = await sandbox.seedUser({
        pages: [
          {id: '101', name: 'Pizza Place'},
          {id: '102', name: 'Bike Shop'},
        ],
        user_token: 'USER-T',
      })
      tokens = Object.fromEntries(
        body.pages.map((one: {id: string; access_token: string}) => [one.id, one.access_token]),
      )
      graph = new Graph({host: sandbox.url, timeoutMs: 5000, version: 'v25.0'})
    })

    const check = (id: string, token: string, userToken?: string) =>
      checkPageToken(graph, {id, name: 'Pizza Place', token}, userToken, nowSeconds()).then(
        () => undefined,
        (error: PluginError) => error,
      )

    it('#11.low a Page chosen by --page-id is named, with its own Page token; advisory when that fails', async () => {
      expect(await choosePage({pageId: '101', pageToken: ` ${tokens['101']} `}, graph)).to.deep.equal({
        id: '101',
        name: 'Pizza Place',
        token: tokens['101'],
      })
      const log = ((await sandbox.state()).log as Array<{method: string; path: string}>).map(
        (entry) => `${entry.method} ${entry.path}`,
      )
      expect(log).to.deep.equal(['GET /v25.0/101'])
      expect(await choosePage({pageId: '101', pageToken: tokens['102']}, graph)).to.deep.equal({
        id: '101',
        token: tokens['102'],
      })
      expect(await choosePage({pageId: '101', pageToken: 'made-up'}, graph)).to.deep.equal({
        id: '101',
        token: 'made-up',
      })
      await sandbox.fault({method: 'GET', path: '/v25.0/101', status: 503, times: 4})
      const quick = new Graph({backoffMs: 1, host: sandbox.url, timeoutMs: 5000, version: 'v25.0'})
      expect(await choosePage({pageId: '101', pageToken: tokens['101']}, quick)).to.deep.equal({
        id: '101',
        token: tokens['101'],
      })
      expect((await sandbox.state()).faults, 'every attempt met the fault').to.deep.equal([])
    })

    it('#12 a user token given as the Page token is refused, naming no token', async () => {
      const error = await check('101', 'USER-T')
      expect(error).to.be.instanceOf(PluginError).and.include({kind: 'usage'})
      expect(error!.message).to.equal(
        "Facebook says the token given as the Page token of Pizza Place (101) is a USER token, not a Page token; give that Page's own token (FACEBOOK_PAGE_TOKEN, or --page-token -), or a user token that manages it (FACEBOOK_USER_TOKEN) with --page 101",
      )
    })

    it("#12 another Page's token is refused, asked by itself or by the user token, naming no token", async () => {
      for (const inspector of [undefined, 'USER-T']) {
        const error = await check('101', tokens['102'], inspector)
        expect(error).to.be.instanceOf(PluginError).and.include({kind: 'usage'})
        expect(error!.message).to.match(
          /^Facebook says the token given as the Page token of Pizza Place \(101\) belongs to another Page \(102\); give that Page's own token/,
        )
        expect(error!.message).not.to.include(tokens['102']).and.not.to.include('USER-T')
      }
    })

    it("#12 the Page's own token passes; with debug_token out of reach nothing is said", async () => {
      expect(await checkPageToken(graph, {id: '101', token: tokens['101']}, undefined, nowSeconds())).to.deep.equal([])
      await sandbox.fault({method: 'GET', path: '/v25.0/debug_token', status: 500, times: 20})
      const once = new Graph({backoffMs: 1, host: sandbox.url, timeoutMs: 5000, version: 'v25.0'})
      expect(await checkPageToken(once, {id: '101', token: 'USER-T'}, undefined, nowSeconds())).to.deep.equal([])
    })
  })
})
