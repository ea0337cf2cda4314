import {expect} from 'chai'

import {PluginError} from '../../src/lib/errors.js'
import {choosePage, expiryWarnings, findPage} from '../../src/lib/pages.js'

const PAGES = [
  {access_token: 't1', id: '101', name: 'Pizza Place'},
  {access_token: 't2', id: '102', name: 'Twins'},
  {access_token: 't3', id: '103', name: 'twins'},
]

describe('pages', () => {
  it('finds a Page by id or by a name only one Page has, case aside', () => {
    expect(findPage(PAGES, '103').id).to.equal('103')
    expect(findPage(PAGES, 'pizza place').id).to.equal('101')
  })

  it('refuses an ambiguous name and an unknown Page, listing the choices', () => {
    expect(() => findPage(PAGES, 'TWINS')).to.throw(PluginError, '2 Pages are named "TWINS": 102 (Twins), 103 (twins); choose one by id with --page')
    expect(() => findPage(PAGES, 'Bakery')).to.throw(PluginError, 'no Page "Bakery" among the Pages this user token manages: 101 (Pizza Place), 102 (Twins), 103 (twins)')
  })

  it('needs a token with --page-id, and a Page source at all', async () => {
    const graph = () => {
      throw new Error('Graph must not be called')
    }

    expect(await choosePage({'page-id': '101', 'page-token': ' tok '}, graph)).to.deep.equal({id: '101', token: 'tok'})
    const noToken = await choosePage({'page-id': '101'}, graph).catch((error) => error)
    expect(noToken.message).to.match(/^--page-id needs the Page token/)
    const nothing = await choosePage({}, graph).catch((error) => error)
    expect(nothing.message).to.match(/^say which Page/)
    const badId = await choosePage({'page-id': '1/../2', 'page-token': 't'}, graph).catch((error) => error)
    expect(badId.message).to.match(/is not a Facebook Page id/)
  })

  it('warns about a token or data access ending within 14 days, not later, not never', () => {
    const now = 1_800_000_000
    expect(expiryWarnings({data_access_expires_at: now + 20 * 86_400, expires_at: 0, is_valid: true}, 'the Page token', now)).to.deep.equal([])
    const warnings = expiryWarnings({data_access_expires_at: now + 3 * 86_400, expires_at: now + 13 * 86_400, is_valid: true}, 'the Page token', now)
    expect(warnings).to.have.length(2)
    expect(warnings[0]).to.match(/^Warning: the Page token expires in 13 days/)
    expect(warnings[1]).to.match(/^Warning: Facebook data access behind the Page token ends in 3 days/)
  })
})
