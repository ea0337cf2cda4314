// The sandbox's hosted linking page driven in a real browser, as a person follows the manual flow's
// steps 3-4: log into Facebook, pick the Page, paste the JWT, press Subscribe (then Unsubscribe).
// (The README's screenshot is taken by link-browser.test.ts, in the flow with the CLI.)
import {expect} from 'chai'
import {join} from 'node:path'
import type {Browser, BrowserContext, Page} from 'playwright-core'

import {nowSeconds, signToken, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'
import {CHROMIUM, launchBrowser, LinkingPagePerson, watchForTrouble} from './browser.js'

const ACCOUNTS = '/beta/chatapp-accounts/messenger'
const HOSTILE = '<img src=x onerror=alert(1)>'

describe('the hosted linking page in a real browser', () => {
  const sandbox = useSandbox()
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let person: LinkingPagePerson
  let trouble: string[]
  let shots: string

  before(async () => {
    browser = await launchBrowser()
    shots = tempDir('linking-page-shots')
  })
  after(() => browser?.close())

  beforeEach(async () => {
    context = await browser.newContext({viewport: {height: 820, width: 760}})
    page = await context.newPage()
    person = new LinkingPagePerson(page, shots)
    // The browser reports each 4xx answer as a console error; the page shows those itself.
    trouble = watchForTrouble(page)
  })
  afterEach(() => context?.close())

  const shot = async (name: string) => (await person.shot(name))!

  /** Seeds a Facebook user managing two Pages (one with a hostile name) and a Messages app; a JWT for it. */
  async function seed(claims: Record<string, unknown> = {}) {
    const user = await sandbox.seedUser({
      pages: [
        {id: '101', name: 'Corner Cafe'},
        {id: '102', name: HOSTILE},
      ],
      user_token: 'browser-user-token',
    })
    const app = await sandbox.createApp()
    const now = nowSeconds()
    const jwt = signToken(app.privateKey, {
      application_id: app.id,
      exp: now + 900,
      iat: now,
      jti: `b-${now}`,
      ...claims,
    })
    return {jwt, pages: user.body.pages as Array<{id: string; access_token: string}>, userId: user.body.user_id}
  }

  /** Opens the page, logs in as the seeded user, picks the Page and pastes the JWT. */
  async function fillIn(userId: string, pageId: string, jwt: string) {
    await person.logIn(`${sandbox.url}/messenger`, userId)
    await person.fillIn(pageId, jwt)
  }

  const press = (name: 'Subscribe' | 'Unsubscribe') => person.press(name)

  it('Subscribe links the chosen Page with its token; Unsubscribe unlinks it', async () => {
    const {jwt, pages, userId} = await seed()
    await fillIn(userId, '101', jwt)

    const subscribed = await press('Subscribe')
    expect(subscribed).to.deep.equal({
      http: 201,
      status: 'ok',
      text: 'Subscribed: Corner Cafe (101) is linked',
    })
    await shot('3-subscribed')
    let state = await sandbox.state()
    expect(state.accounts).to.have.length(1)
    expect(state.accounts[0]).to.include({access_token: pages[0].access_token, external_id: '101'})
    expect(state.facebook.subscriptions).to.have.property('101')

    const unsubscribed = await press('Unsubscribe')
    expect(unsubscribed).to.deep.equal({
      http: 204,
      status: 'ok',
      text: 'Unsubscribed: Corner Cafe (101) is no longer linked',
    })
    await shot('4-unsubscribed')
    state = await sandbox.state()
    expect(state.accounts).to.deep.equal([])
    expect(state.facebook.subscriptions).not.to.have.property('101')
    await sandbox.verify()
    expect(trouble).to.deep.equal([])
  })

  it("shows the API's error for an expired JWT, and links nothing", async () => {
    const now = nowSeconds()
    const {jwt, userId} = await seed({exp: now - 60, iat: now - 960})
    await fillIn(userId, '101', jwt)
    const refused = await press('Subscribe')
    await shot('5-expired-jwt')
    expect(refused).to.deep.equal({
      http: 401,
      status: 'error',
      text: 'Subscribe failed: 401 Unauthorised\nInvalid Token: expired',
    })
    expect((await sandbox.state()).accounts).to.deep.equal([])
    await sandbox.verify()
    expect(trouble.filter((line) => !/status of 401/.test(line))).to.deep.equal([])
  })

  it("shows the API's error for Unsubscribe of a Page that is not linked", async () => {
    const {jwt, userId} = await seed()
    await fillIn(userId, '101', jwt)
    const refused = await press('Unsubscribe')
    expect(refused).to.include({http: 404, status: 'error'})
    expect(refused.text).to.match(/^Unsubscribe failed: 404 Not Found\n/)
    await sandbox.verify()
    expect(trouble.filter((line) => !/status of 404/.test(line))).to.deep.equal([])
  })

  it('shows a hostile Page name as text: nothing in it runs', async () => {
    const {jwt, userId} = await seed()
    await fillIn(userId, '102', jwt)
    expect(await page.locator('#page option[value="102"]').textContent()).to.equal(`${HOSTILE} (102)`)
    expect(await page.locator('img').count()).to.equal(0)
    const subscribed = await press('Subscribe')
    expect(subscribed.text).to.equal(`Subscribed: ${HOSTILE} (102) is linked`)
    expect(await page.locator('img').count()).to.equal(0)
    expect(trouble).to.deep.equal([])
    await sandbox.verify()
  })

  it('asks for what is missing before calling the API', async () => {
    await page.goto(`${sandbox.url}/messenger`)
    await page.getByRole('button', {exact: true, name: 'Subscribe'}).click()
    await expectResult('error', 'Log in and pick a Page first')
    const {userId} = await seed()
    await page.getByRole('button', {name: 'Log in with Facebook'}).click()
    await page.locator(`button[data-user-id="${userId}"]`).click()
    await page.locator('#page option[value="101"]').waitFor({state: 'attached'})
    await page.getByRole('button', {exact: true, name: 'Unsubscribe'}).click()
    await expectResult('error', 'Paste a JWT first')
    const {log} = await sandbox.state()
    expect(log.filter((entry: {path: string}) => entry.path.startsWith(ACCOUNTS))).to.deep.equal([])
    expect(trouble).to.deep.equal([])
  })

  it('fails, never skips, when there is no browser, and says how to get one', async () => {
    const missing = join(tempDir('no-browser'), 'chromium')
    const error = await launchBrowser(missing).catch((error_: Error) => error_)
    expect(error).to.be.instanceOf(Error)
    expect((error as Error).message).to.equal(
      `no browser at ${missing}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests do not skip`,
    )
    expect(CHROMIUM).to.equal(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
  })

  async function expectResult(status: string, text: string) {
    await page.locator(`#result[data-status="${status}"]`).waitFor()
    expect(await page.locator('#result').textContent()).to.equal(text)
  }
})
