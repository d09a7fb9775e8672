import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import WebSocket from 'ws'
import { freshRoomId } from './room'

const TOKEN = process.env.E2E_METRICS_TOKEN!
// The page asks every 5 s: a change shows within one poll and a little.
const POLL_TIMEOUT = { timeout: 12_000 }

/** A member that is not a browser, in a public room with a title, pinging so it stays online. */
async function publicMember(baseURL: string, roomId: string, title: string, name: string): Promise<() => void> {
  const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/ws`, { origin: baseURL })
  await new Promise(resolve => ws.once('open', resolve))
  let joined = false
  ws.on('message', (data) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'joined') joined = true
  })
  ws.send(JSON.stringify({ type: 'join', roomId, name, create: true, title, visibility: 'public' }))
  await expect.poll(() => joined).toBe(true)
  const pings = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), 800)
  return () => {
    clearInterval(pings)
    ws.close()
  }
}

async function openWithToken(page: Page, token = TOKEN) {
  await page.goto('/admin')
  await page.getByTestId('admin-token').fill(token)
  await page.getByTestId('admin-token-submit').click()
}

async function connectionsNow(page: Page): Promise<number> {
  return Number(await page.getByTestId('admin-now-connections').textContent())
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap(violation => violation.nodes.map(node => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary}`))
}

test('the admin page charts connections that rise when people join, and names the public room', async ({ page, baseURL }) => {
  const requested: string[] = []
  page.on('request', request => requested.push(request.url()))
  await openWithToken(page)
  await expect(page.getByTestId('admin-chart-connections').locator('canvas')).toBeVisible()
  const summary = page.getByTestId('admin-chart-connections').getByRole('img')
  const before = await connectionsNow(page)
  const summaryBefore = await summary.getAttribute('aria-label')

  const roomId = freshRoomId()
  const title = `Admin plaza ${roomId.slice(-4)}`
  const leave = [await publicMember(baseURL!, roomId, title, 'Ada'), await publicMember(baseURL!, roomId, title, 'Bob')]
  try {
    await expect.poll(() => connectionsNow(page), POLL_TIMEOUT).toBe(before + 2)
    expect(await summary.getAttribute('aria-label')).not.toBe(summaryBefore)
    await expect(page.getByTestId('admin-busy-room').filter({ hasText: title })).toContainText('2')
    await expect(page.getByTestId('admin-busiest')).not.toContainText(roomId)
  }
  finally {
    for (const close of leave) close()
  }
  await expect.poll(() => connectionsNow(page), POLL_TIMEOUT).toBe(before)

  // The token travels in a header only: in no URL the page asked for, nor its own.
  expect(page.url()).not.toContain(TOKEN)
  expect(requested.filter(url => url.includes(TOKEN))).toEqual([])
  // It is kept for this browser session: a reload shows the figures without asking again.
  await page.reload()
  await expect(page.getByTestId('admin-chart-connections')).toBeVisible()
  await expect(page.getByTestId('admin-token-form')).toHaveCount(0)
  await page.getByTestId('admin-forget').click()
  await expect(page.getByTestId('admin-token-form')).toBeVisible()
  expect(await page.evaluate(() => Object.values(sessionStorage).join(' '))).not.toContain(TOKEN)
})

test('a wrong token is refused with a message, and no figures are shown', async ({ page }) => {
  await openWithToken(page, 'not-the-token')
  await expect(page.getByTestId('admin-token-error')).toHaveText('That token is wrong. Check NUXT_METRICS_TOKEN.')
  await expect(page.getByTestId('admin-chart-connections')).toHaveCount(0)
})

for (const locale of ['en', 'zh-CN'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test.describe(`${locale}, ${theme} theme`, () => {
      test.use({ locale, colorScheme: theme })
      // Three axe passes over a page with four canvases: past 30 s on a busy machine.
      test.setTimeout(60_000)

      test('the admin page has no serious or critical axe violation, on a phone either', async ({ page, baseURL }) => {
        await page.context().addCookies([{ name: 'heartbeat_theme', value: theme, url: baseURL! }])
        await page.goto('/admin')
        await expect(page.locator('html')).toHaveAttribute('lang', locale)
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
        expect(await seriousViolations(page), 'token form').toEqual([])
        await page.getByTestId('admin-token').fill(TOKEN)
        await page.getByTestId('admin-token-submit').click()
        await expect(page.getByTestId('admin-chart-messagesPerSecond').locator('canvas')).toBeVisible()
        expect(await seriousViolations(page), 'figures').toEqual([])

        await page.setViewportSize({ width: 320, height: 640 })
        await expect(page.getByTestId('admin-chart-connections').locator('canvas')).toBeVisible()
        // Nothing wider than the phone: no sideways scrolling.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
        expect(await seriousViolations(page), 'figures on a phone').toEqual([])
      })
    })
  }
}
