import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { messageWithText, onlineCount, say, twoMembersInARoom } from './room'

// A duplicate would arrive within a heartbeat or two (1 s each here), so a count
// of one is checked again after this long.
const duplicateGraceMs = 2500

/** Records, in the page, the lowest online count it shows from now on (a MutationObserver misses no dip, however short). */
async function watchLowestOnlineCount(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const read = () => Number.parseInt(document.querySelector('[data-testid="online-count"]')?.textContent ?? '', 10)
    const record = window as unknown as { lowestOnline: number }
    record.lowestOnline = read()
    new MutationObserver(() => {
      const count = read()
      if (!Number.isNaN(count)) record.lowestOnline = Math.min(record.lowestOnline, count)
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
  return () => page.evaluate(() => (window as unknown as { lowestOnline: number }).lowestOnline)
}

test('a message typed while offline appears once for the other member after coming back online', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await expect(onlineCount(ada)).toHaveText(/^\s*2 online/)

  await ada.context().setOffline(true)
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline', { timeout: 1000 })
  await say(ada, 'written offline')
  await expect(messageWithText(ada, 'written offline').getByTestId('message-status')).toHaveAttribute('data-state', 'sending')
  await expect(messageWithText(bob, 'written offline')).toHaveCount(0)

  await ada.context().setOffline(false)
  await expect(messageWithText(bob, 'written offline')).toHaveCount(1, { timeout: 8000 })
  await expect(messageWithText(ada, 'written offline')).toHaveAttribute('data-delivery', 'sent')
  await expect(messageWithText(ada, 'written offline').getByTestId('message-status')).toHaveCount(0)
  await bob.waitForTimeout(duplicateGraceMs)
  await expect(messageWithText(bob, 'written offline')).toHaveCount(1)
  await expect(messageWithText(ada, 'written offline')).toHaveCount(1)
  await ada.context().close()
  await bob.context().close()
})

test('a page reload keeps the member\'s identity and does not blip the online count of the others by more than one', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  for (const page of [ada, bob]) {
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
    await expect(page.getByTestId('member-item')).toHaveCount(2)
  }
  const lowestOnlineOnBobsPage = await watchLowestOnlineCount(bob)

  await ada.reload()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(onlineCount(bob)).toHaveText(/^\s*2 online/)
  // Late presence frames would still show up within the server's merge window (100 ms).
  await bob.waitForTimeout(500)
  await expect(onlineCount(bob)).toHaveText(/^\s*2 online/)

  expect(await lowestOnlineOnBobsPage()).toBeGreaterThanOrEqual(1)
  for (const page of [ada, bob]) {
    await expect(page.getByTestId('member-item')).toHaveCount(2)
    await expect(page.getByTestId('member-item').filter({ hasText: 'Ada' })).toHaveCount(1)
    await expect(page.getByTestId('member-count')).toHaveText(/2 members/)
  }
  await expect(ada.getByTestId('member-item').filter({ hasText: 'Ada' })).toContainText('(you)')
  await ada.context().close()
  await bob.context().close()
})
