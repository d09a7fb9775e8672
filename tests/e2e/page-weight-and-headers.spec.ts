import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { freshRoomId, joinFromLink, messageWithText, newPerson, say } from './room'

const FIRST_LOAD_BUDGET_BYTES = 300 * 1024

/** Bytes on the wire (headers and compressed bodies) for everything the page fetches, prefetches included. */
async function countTransfers(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  const urls = new Map<string, string>()
  const sizes: { url: string, bytes: number }[] = []
  cdp.on('Network.requestWillBeSent', event => urls.set(event.requestId, event.request.url))
  cdp.on('Network.loadingFinished', event => sizes.push({ url: urls.get(event.requestId) ?? '?', bytes: event.encodedDataLength }))
  return {
    total: () => sizes.reduce((sum, entry) => sum + entry.bytes, 0),
    urls: () => sizes.map(entry => entry.url),
    report: () => sizes.map(entry => `${String(entry.bytes).padStart(8)}  ${new URL(entry.url).pathname}`).join('\n'),
  }
}

test('the first load of a room link transfers at most 300 KB, and the emoji data waits for the picker', async ({ browser }) => {
  const roomId = freshRoomId()
  const page = await newPerson(browser)
  const transfers = await countTransfers(page)
  await page.goto(`/room/${roomId}`)
  await expect(page.getByTestId('name-input')).toBeVisible()
  await page.waitForLoadState('networkidle')
  // Prefetches start once the browser is idle after the load.
  await page.waitForTimeout(1500)
  const total = transfers.total()
  console.log(`[page weight] first load of /room/<id>: ${(total / 1024).toFixed(1)} KB transferred\n${transfers.report()}`)
  expect(transfers.urls().filter(url => /\/data\.[^/]+\.json$/.test(url))).toEqual([])
  expect(total).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES)

  await joinFromLink(page, 'Ada', roomId)
  await page.getByTestId('emoji-button').click()
  await expect.poll(() => transfers.urls().some(url => /\/data\.[^/]+\.json$/.test(url))).toBe(true)
  await page.context().close()
})

test('static files are served compressed with a year-long immutable cache lifetime', async ({ request }) => {
  const html = await (await request.get('/')).text()
  const script = html.match(/<script[^>]* src="([^"]+)"/)?.[1]
  expect(script).toMatch(/^\/_nuxt\//)
  for (const encoding of ['br', 'gzip']) {
    const response = await request.get(script!, { headers: { 'accept-encoding': encoding } })
    expect(response.headers()['content-encoding']).toBe(encoding)
    expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable')
  }
})

test('pages carry a strict CSP and cannot be framed; the room works under it with no violation', async ({ browser, baseURL }) => {
  test.setTimeout(60_000)
  const roomId = freshRoomId()
  const page = await newPerson(browser)
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { cspViolations: seen })
    document.addEventListener('securitypolicyviolation', event => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  const response = await page.goto(`/room/${roomId}`)
  const headers = response!.headers()
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/)
  expect(headers['content-security-policy']).toContain(`frame-ancestors 'none'`)
  expect(headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/)
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['referrer-policy']).toBe('no-referrer')
  expect(headers['x-content-type-options']).toBe('nosniff')

  await joinFromLink(page, 'Ada', roomId)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await say(page, 'under a strict policy')
  await expect(messageWithText(page, 'under a strict policy')).toBeVisible()
  await page.getByTestId('emoji-button').click()
  await expect(page.locator('emoji-picker')).toBeVisible()
  await page.keyboard.press('Escape')
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])

  const framer = await newPerson(browser)
  await framer.setContent(`<iframe src="${baseURL}/room/${roomId}"></iframe>`)
  await framer.waitForTimeout(1000)
  await expect(framer.frameLocator('iframe').getByTestId('name-input')).toHaveCount(0)
  await page.context().close()
  await framer.context().close()
})
