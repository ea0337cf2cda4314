// The External Accounts list against a scripted server: each test says what Vonage answers, so the
// paging (and a paging that never ends) is checked exactly.
import {expect} from 'chai'
import {once} from 'node:events'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {PluginError} from '../../src/lib/errors.js'
import {ExternalAccounts} from '../../src/lib/external-accounts.js'

describe('ExternalAccounts (external-accounts.ts)', () => {
  let server: Server
  let url = ''
  let answer: (path: string) => unknown = () => ({})
  let seen: string[] = []
  before(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? '')
      response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(answer(request.url ?? '')))
    }).listen(0, '127.0.0.1')
    await once(server, 'listening')
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  beforeEach(() => {
    seen = []
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const accounts = () =>
    new ExternalAccounts({authorize: async () => 'Basic eDp5', host: url, sleep: async () => {}, timeoutMs: 2000})
  const account = (id: number, provider = 'messenger') => ({
    access_token: `T-${id}`,
    applications: [],
    external_id: String(id),
    provider,
  })

  describe('batches and list', () => {
    it('yields each page of the list as it arrives, Messenger accounts only: the next is asked for only when wanted', async () => {
      answer = (path) => {
        const page = Number(new URL(path, url).searchParams.get('page_number') ?? 1)
        const items = Array.from({length: page < 3 ? 100 : 7}, (_, index) => account(page * 1000 + index))
        if (page === 2) items[0] = account(2000, 'whatsapp')
        return {
          _embedded: {accounts: items},
          _links: page < 3 ? {next: {href: `/beta/chatapp-accounts?provider=messenger&page_number=${page + 1}`}} : {},
        }
      }

      const batches = accounts().batches()
      const first = await batches.next()
      expect(first.value).to.have.length(100)
      expect(seen).to.deep.equal(['/beta/chatapp-accounts?provider=messenger&page_size=100'])
      const sizes = [first.value.length]
      for await (const batch of batches) sizes.push(batch.length)
      expect(sizes, "page 2's WhatsApp account left out").to.deep.equal([100, 99, 7])
      expect(seen).to.have.length(3)

      const all = await accounts().list()
      expect(all).to.have.length(206)
      expect(all[205]).to.deep.equal({access_token: 'T-3006', applications: [], external_id: '3006'})
    })

    it('gives up on a list whose next link comes back round', async () => {
      answer = () => ({_embedded: {accounts: [account(1)]}, _links: {next: {href: '/beta/chatapp-accounts?page=2'}}})
      const error = await accounts()
        .list()
        .catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(PluginError).and.include({kind: 'remote'})
      expect((error as Error).message).to.equal('Vonage sent a list of accounts whose pages never end; giving up')
      expect(seen).to.have.length(2)
    })
  })
})
