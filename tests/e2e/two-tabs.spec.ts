import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { adaInANewRoom, joinFromLink, newPerson, onlineCount, openInAnotherTab } from './room'

/** Records, in the page, every active state it shows for the member named `name`, and the lowest online count (a MutationObserver misses no blip). */
async function watchMember(page: Page, name: string): Promise<() => Promise<{ states: string[], lowestOnline: number }>> {
  await page.evaluate((watched) => {
    const record = { states: [] as string[], lowestOnline: Number.POSITIVE_INFINITY }
    ;(window as unknown as { watched: typeof record }).watched = record
    const read = () => {
      const item = [...document.querySelectorAll('[data-testid="member-item"]')].find(element => element.textContent?.includes(watched))
      const state = item?.getAttribute('data-active') ?? 'absent'
      if (record.states.at(-1) !== state) record.states.push(state)
      const online = Number.parseInt(document.querySelector('[data-testid="online-count"]')?.textContent ?? '', 10)
      if (!Number.isNaN(online)) record.lowestOnline = Math.min(record.lowestOnline, online)
    }
    read()
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  }, name)
  return () => page.evaluate(() => (window as unknown as { watched: { states: string[], lowestOnline: number } }).watched)
}

test('closing one of two tabs does not make the member idle for the others, not even for a moment', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser)
  const bob = await newPerson(browser)
  const adaSecondTab = await openInAnotherTab(ada, roomId)
  await joinFromLink(bob, 'Bob', roomId)
  await expect(onlineCount(bob)).toHaveText(/^\s*2 online/)
  const seenByBob = await watchMember(bob, 'Ada')

  await ada.close({ runBeforeUnload: true })
  // Longer than the heartbeat window (2.5 s here): an idle mark would have come and gone.
  await bob.waitForTimeout(3500)

  expect(await seenByBob()).toEqual({ states: ['true'], lowestOnline: 2 })
  await expect(bob.getByTestId('member-item')).toHaveCount(2)

  // Closing the last tab does make the member idle, at once.
  await adaSecondTab.close({ runBeforeUnload: true })
  await expect(bob.getByTestId('member-item').filter({ hasText: 'Ada' })).toHaveAttribute('data-active', 'false', { timeout: 1000 })
  await adaSecondTab.context().close()
  await bob.context().close()
})
