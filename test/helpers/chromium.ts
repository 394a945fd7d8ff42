import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

// Debian's chromium, driven by playwright-core (which never downloads a browser of its own). npm test's
// pretest checks for it; a missing browser is a failure, never a skip, so a green run always means
// the page was really exercised.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Chromium {
  context: BrowserContext
  /** Closes the browser and removes its profile. */
  close: () => Promise<void>
}

/** A headless Chromium with a fresh profile (and so an empty HTTP cache). Call it inside a test, so a missing browser fails it. */
export async function launchChromium (): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: install it (apt-get install -y chromium, as npm test's pretest does as root) ` +
      'or set CHROMIUM_PATH')
  }
  const profile = mkdtempSync(join(tmpdir(), 'test-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1400 },
      timeout: 10_000
    })
    return {
      context,
      close: async () => {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      }
    }
  } catch (err) {
    rmSync(profile, { recursive: true, force: true })
    throw err
  }
}
