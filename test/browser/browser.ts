// A real browser for the tests that drive web pages: Debian's chromium through playwright-core
// (`playwright install` cannot download its own browser here). No browser is a failure with the
// fix in its message, never a skip: a skipped browser test would pass CI having tested nothing.
import {existsSync} from 'node:fs'
import {type Browser, chromium, type Page} from 'playwright-core'

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
