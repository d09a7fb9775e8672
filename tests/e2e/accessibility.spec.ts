import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { busyRoom } from './busy-room'
import { freshRoomId, say } from './room'

/** Serious and critical findings of axe's default rules (WCAG 2 A and AA among them), in a readable form. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap(violation => violation.nodes.map(node => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary}`))
}

for (const locale of ['en', 'zh-CN'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test.describe(`${locale}, ${theme} theme`, () => {
      // The browser's language (Accept-Language) picks the locale; the theme is what the toggle would have stored.
      test.use({ locale, colorScheme: theme })

      test('the start page, the join form and a busy room have no serious or critical axe violation', async ({ page, baseURL }) => {
        await page.context().addCookies([{ name: 'heartbeat_theme', value: theme, url: baseURL! }])
        await page.goto('/')
        await expect(page.locator('html')).toHaveAttribute('lang', locale)
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
        expect(await seriousViolations(page), 'start page').toEqual([])

        const roomId = freshRoomId()
        const others = await busyRoom(baseURL!, roomId)
        await page.goto(`/room/${roomId}`)
        await expect(page.getByTestId('join-button')).toBeVisible()
        expect(await seriousViolations(page), 'join form').toEqual([])

        await page.getByTestId('name-input').fill('Ada')
        await page.getByTestId('join-button').click()
        await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
        await say(page, 'Thanks, 我看看。')
        await expect(page.getByTestId('reaction')).toHaveCount(2)
        await expect(page.getByTestId('reply-quote')).toHaveCount(1)
        await expect(page.getByTestId('edited-mark')).toHaveCount(1)
        await expect(page.getByTestId('message-deleted')).toHaveCount(1)
        // A message's actions as the keyboard shows them.
        await page.getByTestId('message-item').first().hover()
        expect(await seriousViolations(page), 'busy room').toEqual([])
        for (const other of others) other.close()
      })
    })
  }
}
