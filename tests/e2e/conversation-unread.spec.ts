import { expect, test } from '@playwright/test'
import { messageSaying, postAsOthers, seriousViolations } from './conversation-support'
import { say, twoMembersInARoom } from './room'

test('coming back to a room, "New messages" sits above the first unread, agrees with the lobby count, and Jump brings it back', async ({ browser, baseURL }) => {
  test.setTimeout(60_000)
  const { ada, bob, roomId } = await twoMembersInARoom(browser)
  await say(bob, 'read before')
  await expect(messageSaying(ada, 'read before')).toBeVisible()
  // No line while everything is read.
  await expect(ada.getByTestId('unread-divider')).toHaveCount(0)

  await ada.goto('/')
  const unread = Array.from({ length: 30 }, (_, index) => `unread #${index + 1}`)
  await postAsOthers(baseURL!, roomId, unread)
  const yourRoom = ada.locator(`[data-testid="your-room"][data-room-id="${roomId}"]`)
  await expect(yourRoom.getByTestId('your-room-unread')).toHaveAttribute('data-count', '30')

  await ada.goto(`/room/${roomId}`)
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  const divider = ada.getByTestId('unread-divider')
  await expect(divider).toHaveCount(1)
  await expect(divider).toHaveText('New messages')
  await expect(divider).toBeInViewport()
  // Right above the first message the lobby counted.
  await expect(ada.locator('[data-testid="unread-divider"] + [data-testid="message-item"]').getByTestId('message-text')).toHaveText('unread #1')
  const countedBelow = await ada.locator('[data-testid="unread-divider"] ~ [data-testid="message-item"]').count()
  expect(countedBelow).toBe(30)
  await expect(ada.getByTestId('jump-to-unread')).toHaveCount(0)
  expect(await seriousViolations(ada)).toEqual([])

  await ada.getByTestId('message-list').evaluate((list) => { list.scrollTop = list.scrollHeight })
  await expect(divider).not.toBeInViewport()
  await ada.getByTestId('jump-to-unread').click()
  await expect(divider).toBeInViewport()
  await expect(ada.getByTestId('jump-to-unread')).toHaveCount(0)

  // Read now: after another reload there is no line.
  await ada.reload()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(messageSaying(ada, 'unread #30')).toBeVisible()
  await expect(ada.getByTestId('unread-divider')).toHaveCount(0)
})
