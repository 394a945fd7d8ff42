import type { FastifyInstance } from 'fastify'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { launchChromium, type Chromium } from '../helpers/chromium.js'

// Swagger UI against the running service, in a real browser (test/helpers/chromium.ts).
// Set SWAGGER_UI_SCREENSHOT=/tmp/swagger-ui.png to look at the result.
const SCREENSHOT = process.env.SWAGGER_UI_SCREENSHOT

const TOKEN = 'browser-test-token-0123456789'

let app: FastifyInstance
let url: string
// The same service with INTERNAL_API_TOKENS set: Swagger UI's Authorize button must supply a token.
let guarded: FastifyInstance
let guardedUrl: string
let browser: Chromium | undefined

beforeAll(async () => {
  app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent' }))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
  guarded = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', INTERNAL_API_TOKENS: TOKEN }))
  guardedUrl = await guarded.listen({ host: '127.0.0.1', port: 0 })
})

/** Launched inside the tests, not in a hook, so a missing browser fails a test rather than skipping it. */
async function browserContext (): Promise<BrowserContext> {
  browser ??= await launchChromium()
  return browser.context
}

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await guarded?.close()
})

/** Opens GET /cards in the Swagger UI served at `base`, in "Try it out", with a page of 5 cards asked for. */
async function cardsFormFilled (page: Page, base: string): Promise<Locator> {
  await page.goto(`${base}/docs`)
  const operation = page.locator('.opblock.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/cards"]') })
  await operation.locator('.opblock-summary').first().click()
  // The README's steps, as written: press "Try it out", fill in appid, offset and limit, nothing else.
  await operation.locator('button.try-out__btn', { hasText: 'Try it out' }).click()
  await operation.locator('tr[data-param-name="appid"] input').fill('wxea9c30890f48d5ae')
  await operation.locator('tr[data-param-name="offset"] input').fill('0')
  await operation.locator('tr[data-param-name="limit"] input').fill('5')
  return operation
}

describe('Swagger UI at /docs (sandbox mode)', () => {
  it('"Try it out" on GET /cards executes against the service and shows a 200 page of cards', async () => {
    const page = await (await browserContext()).newPage()
    page.setDefaultTimeout(8_000)
    const failed: string[] = []
    page.on('requestfailed', (request) => { failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`) })

    const operation = await cardsFormFilled(page, url)
    const answer = page.waitForResponse((res) => res.url().startsWith(`${url}/cards?`))
    await operation.locator('button.execute').click()
    expect((await answer).status()).toBe(200)

    const live = operation.locator('.live-responses-table')
    await expect.poll(async () => (await live.locator('tbody .response-col_status').first().textContent())?.trim()).toBe('200')
    const body = await live.locator('tbody .response-col_description .highlight-code').first().textContent()
    expect(body).toContain('"card_id"')
    expect(body).toContain('"total_count"')
    expect(await operation.locator('.request-url').textContent()).toContain(`${url}/cards?appid=wxea9c30890f48d5ae&offset=0&limit=5`)
    // brand_id started empty: every card, not one brand's.
    expect(await operation.locator('tr[data-param-name="brand_id"] input').inputValue()).toBe('')
    expect(await operation.locator('.request-url').textContent()).not.toContain('brand_id')
    expect(body).toContain('"total_count": 23')
    expect(failed).toEqual([])

    if (SCREENSHOT !== undefined) {
      await live.evaluate((element) => { element.scrollIntoView({ block: 'center' }) })
      await page.screenshot({ path: SCREENSHOT })
    }
    await page.close()
  }, 25_000)

  it('lets a person pick an X-Sandbox-Fault, and shows the problem it gives', async () => {
    const page = await (await browserContext()).newPage()
    page.setDefaultTimeout(8_000)
    const operation = await cardsFormFilled(page, url)
    // A page nobody asked for yet: a cached one needs no WeChat Pay call to fail.
    await operation.locator('tr[data-param-name="appid"] input').fill('wxsandboxfaultui')
    await operation.locator('tr[data-param-name="X-Sandbox-Fault"] select').selectOption('SYSTEM_ERROR')
    const answer = page.waitForResponse((res) => res.url().startsWith(`${url}/cards?`))
    await operation.locator('button.execute').click()
    const response = await answer
    expect(response.status()).toBe(502)
    expect(await response.request().headerValue('x-sandbox-fault')).toBe('SYSTEM_ERROR')
    expect(await response.json()).toMatchObject({ type: '/problems/upstream-system-error', code: 'SYSTEM_ERROR' })
    await page.close()
  }, 25_000)

  it('lists the card page and Problem under Schemas, and shows the page\'s fields', async () => {
    const page = await (await browserContext()).newPage()
    page.setDefaultTimeout(8_000)
    await page.goto(`${url}/docs`)
    const schemas = page.locator('section.models')
    const schema = (name: string): Locator => schemas.locator('article[data-json-schema-level="0"]',
      { has: page.locator('.json-schema-2020-12__title', { hasText: new RegExp(`^${name}$`) }) })
    for (const name of ['Problem', 'Card', 'CardsPage', 'CardsAll']) await schema(name).waitFor()
    const cardsPage = schema('CardsPage')
    await cardsPage.locator('.json-schema-2020-12-accordion').first().click()
    await expect.poll(async () => await cardsPage.textContent()).toContain('total_count')
    expect(await cardsPage.textContent()).toContain('need_dynamic_code')
    await page.close()
  }, 25_000)

  it('"Authorize" takes a bearer token, and "Try it out" then sends it: 401 without, 200 with', async () => {
    const page = await (await browserContext()).newPage()
    page.setDefaultTimeout(8_000)
    const operation = await cardsFormFilled(page, guardedUrl)
    const execute = async (): Promise<{ status: number, authorization: string | undefined }> => {
      const answer = page.waitForResponse((res) => res.url().startsWith(`${guardedUrl}/cards?`))
      await operation.locator('button.execute').click()
      const response = await answer
      return { status: response.status(), authorization: await response.request().headerValue('authorization') ?? undefined }
    }
    expect(await execute()).toEqual({ status: 401, authorization: undefined })

    await page.locator('.scheme-container button.authorize').click()
    const dialog = page.locator('.modal-ux')
    await dialog.locator('input').first().fill(TOKEN)
    await dialog.locator('button.authorize').click()
    await dialog.locator('button.btn-done').click()
    expect(await execute()).toEqual({ status: 200, authorization: `Bearer ${TOKEN}` })
    await page.close()
  }, 25_000)
})
