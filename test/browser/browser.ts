// A real browser for the tests that drive web pages: Debian's chromium through playwright-core
// (`playwright install` cannot download its own browser here). No browser is a failure with the
// fix in its message, never a skip: a skipped browser test would pass CI having tested nothing.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {type Browser, chromium, type Page, type Response} from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchBrowser(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath))
    throw new Error(
      `no browser at ${executablePath}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests do not skip`,
    )
  return chromium.launch({args: ['--no-sandbox'], executablePath})
}

/**
 * Collects what a page should never do: log an error (a CSP refusal is one), throw, or open a
 * dialog (an injected alert()). The test expects the list to stay empty.
 */
export function watchForTrouble(page: Page): string[] {
  const trouble: string[] = []
  page.on('console', (message) => message.type() === 'error' && trouble.push(`console: ${message.text()}`))
  page.on('pageerror', (error) => trouble.push(`page error: ${error.message}`))
  page.on('dialog', async (dialog) => {
    trouble.push(`dialog: ${dialog.message()}`)
    await dialog.dismiss()
  })
  return trouble
}

const ACCOUNTS = '/beta/chatapp-accounts/messenger'

/**
 * A person on the sandbox's linking page (/messenger): logs in, picks a Page, pastes a JWT, presses
 * a button and reads the result. With a folder, `shot(name)` keeps a full-page screenshot there.
 */
export class LinkingPagePerson {
  constructor(
    readonly page: Page,
    private readonly shots?: string,
  ) {}

  async shot(name: string): Promise<string | undefined> {
    if (!this.shots) return undefined
    const path = join(this.shots, `${name}.png`)
    await this.page.screenshot({fullPage: true, path})
    return path
  }

  /** Opens the page and logs in as the seeded Facebook user (screenshot "1-login": the user list). */
  async logIn(url: string, userId: string): Promise<void> {
    await this.page.goto(url)
    await this.page.getByRole('button', {name: 'Log in with Facebook'}).click()
    const choice = this.page.getByRole('list', {name: 'Facebook users'}).locator(`button[data-user-id="${userId}"]`)
    await choice.waitFor()
    await this.shot('1-login')
    await choice.click()
  }

  /** Picks the Page and pastes the JWT (screenshot "2-filled-in"). */
  async fillIn(pageId: string, jwt: string): Promise<void> {
    await this.page.locator(`#page option[value="${pageId}"]`).waitFor({state: 'attached'})
    await this.page.getByLabel('Facebook Page').selectOption(pageId)
    await this.page.getByLabel('JWT').fill(jwt)
    await this.shot('2-filled-in')
  }

  /** Presses a button, waits for the API's answer and for the page to show it: [status shown, text, HTTP status]. */
  async press(name: 'Subscribe' | 'Unsubscribe'): Promise<{http: number; status: string | null; text: string | null}> {
    const method = name === 'Subscribe' ? 'POST' : 'DELETE'
    const answered = this.page.waitForResponse(
      (response: Response) => response.request().method() === method && response.url().includes(ACCOUNTS),
    )
    await this.page.getByRole('button', {exact: true, name}).click()
    const response = await answered
    await this.page.locator('#result:not([data-status="pending"])').waitFor({state: 'attached'})
    const result = this.page.locator('#result')
    return {
      http: response.status(),
      status: await result.getAttribute('data-status'),
      text: await result.textContent(),
    }
  }
}
