import {expect} from 'chai'
import {createHash} from 'node:crypto'

import {useSandbox} from '../helpers/sandbox.js'

describe('sandbox: the hosted linking page (GET /messenger) and its Facebook login', () => {
  const sandbox = useSandbox()

  it('serves the page as HTML with a CSP that lets only its own inline script and style run', async () => {
    const reply = await sandbox.request('GET', '/messenger')
    expect(reply.status).to.equal(200)
    expect(reply.headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expect(reply.headers.get('x-content-type-options')).to.equal('nosniff')
    const csp = reply.headers.get('content-security-policy')!
    expect(csp).to.include("default-src 'none'").and.include("connect-src 'self'")
    const html = reply.body as string
    for (const tag of ['script', 'style']) {
      const inline = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)![1]
      const hash = createHash('sha256').update(inline).digest('base64')
      expect(csp).to.include(`${tag}-src 'sha256-${hash}'`)
    }

    // What the browser tests (and the CLI's) drive it by.
    for (const id of ['login', 'users', 'page', 'jwt', 'subscribe', 'unsubscribe', 'result'])
      expect(html).to.include(`id="${id}"`)
    expect(html).to.include('<label for="jwt">JWT</label>')
    // Untrusted names are shown as text only.
    expect(html).not.to.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })

  it('is a page, not an API: no log entry, no request counted, never rate-limited', async () => {
    await sandbox.rateLimit(1)
    for (let index = 0; index < 3; index += 1) expect((await sandbox.request('GET', '/messenger')).status).to.equal(200)
    const state = await sandbox.state()
    expect(state.log).to.deep.equal([])
    expect(state.requests).to.equal(0)
  })

  it('lists the seeded users for the login dialog, with no token in sight', async () => {
    expect((await sandbox.request('GET', '/_sandbox/facebook/login')).body).to.deep.equal({users: []})
    const seeded = await sandbox.seedUser({
      pages: [
        {id: '101', name: 'Cafe'},
        {id: '102', name: '<img src=x onerror=alert(1)>'},
      ],
      user_token: 'user-secret-token',
    })
    const reply = await sandbox.request('GET', '/_sandbox/facebook/login')
    expect(reply.status).to.equal(200)
    expect(reply.body).to.deep.equal({
      users: [{id: seeded.body.user_id, name: `Sandbox user ${seeded.body.user_id}`, page_count: 2}],
    })
    expect(JSON.stringify(reply.body)).not.to.include('user-secret-token').and.not.include('EAAPage')
  })

  it("logging in as a user gives their Pages with the Page tokens /me/accounts hands out, never the user's token", async () => {
    const seeded = await sandbox.seedUser({
      pages: [
        {id: '101', name: 'Cafe'},
        {id: '102', name: 'Bakery'},
      ],
      user_token: 'user-secret-token',
    })
    const reply = await sandbox.request('POST', '/_sandbox/facebook/login', {body: {user_id: seeded.body.user_id}})
    expect(reply.status).to.equal(200)
    expect(reply.body).to.deep.equal({
      pages: seeded.body.pages.map(({access_token, id, name}: Record<string, string>) => ({access_token, id, name})),
      user: {id: seeded.body.user_id, name: `Sandbox user ${seeded.body.user_id}`},
    })
    expect(JSON.stringify(reply.body)).not.to.include('user-secret-token')

    // After a password change, the login hands out the fresh token, as Facebook would.
    await sandbox.pageControl('101', {invalidate_tokens: true})
    const again = await sandbox.request('POST', '/_sandbox/facebook/login', {body: {user_id: seeded.body.user_id}})
    expect(again.body.pages[0].access_token).to.be.a('string').and.not.equal(seeded.body.pages[0].access_token)
  })

  it('refuses a login without a user id (400) or for an unknown user (404)', async () => {
    const missing = await sandbox.request('POST', '/_sandbox/facebook/login', {body: {}})
    expect(missing.status).to.equal(400)
    expect(missing.body.errors[0]).to.match(/user_id/)
    const unknown = await sandbox.request('POST', '/_sandbox/facebook/login', {body: {user_id: '42'}})
    expect(unknown.status).to.equal(404)
    expect(unknown.body.errors[0]).to.match(/no Facebook user 42/)
  })
})
