import { expect, test } from '@playwright/test'
import { messageSaying, postAsOthers, seriousViolations } from './conversation-support'
import { adaInANewRoom, say } from './room'

test('search finds a message 300 messages back and shows it in its context, highlighted', async ({ browser, baseURL }) => {
  test.setTimeout(120_000)
  const { ada, roomId } = await adaInANewRoom(browser)
  await say(ada, 'kick-off')
  await expect(messageSaying(ada, 'kick-off')).toHaveAttribute('data-delivery', 'sent')
  // Away while the room fills, as a member who comes back to a long conversation.
  await ada.goto('/')
  const texts = ['the Quarterly budget is agreed', ...Array.from({ length: 300 }, (_, index) => `filler #${index + 1}`)]
  await postAsOthers(baseURL!, roomId, texts)
  await ada.goto(`/room/${roomId}`)
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await ada.getByTestId('message-list').evaluate((list) => { list.scrollTop = list.scrollHeight })
  await expect(messageSaying(ada, 'filler #300')).toBeVisible()
  // Far beyond what the live list holds on joining: only search can reach it.
  await expect(messageSaying(ada, 'the Quarterly budget')).toHaveCount(0)

  await ada.getByTestId('room-search-button').click()
  await ada.getByTestId('room-search-input').fill('quarterly BUD')
  await ada.getByTestId('room-search-input').press('Enter')
  const result = ada.getByTestId('search-result')
  await expect(result).toHaveCount(1)
  await expect(result.locator('mark')).toHaveText('Quarterly bud')
  expect(await seriousViolations(ada)).toEqual([])

  await result.click()
  const chosen = ada.locator('[data-testid="message-item"][data-highlighted="true"]')
  await expect(chosen.getByTestId('message-text')).toHaveText('the Quarterly budget is agreed')
  await expect(chosen).toBeInViewport()
  // In its context: what was said right before and after it.
  await expect(messageSaying(ada, 'kick-off')).toBeVisible()
  await expect(messageSaying(ada, 'filler #1').first()).toBeVisible()
  await expect(messageSaying(ada, 'filler #300')).toHaveCount(0)

  await ada.getByTestId('context-back').click()
  await expect(messageSaying(ada, 'filler #300')).toBeInViewport()
  await expect(ada.locator('[data-highlighted]')).toHaveCount(0)
})

test('a search that matches nothing says so', async ({ browser }) => {
  const { ada } = await adaInANewRoom(browser)
  await say(ada, 'only this')
  await ada.getByTestId('room-search-button').click()
  await ada.getByTestId('room-search-input').fill('absent words')
  await ada.getByTestId('room-search-input').press('Enter')
  await expect(ada.getByTestId('search-status')).toHaveText('No message holds “absent words”.')
  await expect(ada.getByTestId('search-result')).toHaveCount(0)
})
