// Debian's chromium driven by playwright-core; no browser is ever downloaded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

// A fresh profile each run (launchPersistentContext passes it as --user-data-dir).
export async function launchBrowser({ executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'careflow-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 900 },
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
