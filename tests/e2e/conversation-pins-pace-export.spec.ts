import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { messageSaying, seriousViolations } from './conversation-support'
import { say, twoMembersInARoom } from './room'

test('a pin shows for another member, and choosing it shows the message in context', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(bob, 'the address is 12 Elm Street')
  await say(bob, 'see you there')
  const message = messageSaying(ada, 'the address is')
  await message.hover()
  await message.getByTestId('action-pin').click()

  const bar = bob.getByTestId('pinned-bar')
  await expect(bar.getByTestId('pinned-message')).toHaveText('Bob: the address is 12 Elm Street')
  // Only the owner may unpin, and only the owner is offered Pin.
  await expect(bar.getByTestId('unpin')).toHaveCount(0)
  await messageSaying(bob, 'see you there').hover()
  await expect(messageSaying(bob, 'see you there').getByTestId('action-pin')).toHaveCount(0)
  // Only what this test drew: a member shown away meanwhile is the member list's own matter.
  expect(await seriousViolations(bob, ['[data-testid="pinned-bar"]', '[data-testid="message-list"]', '[data-testid="slow-mode-line"]'])).toEqual([])

  await bar.getByTestId('pinned-message').click()
  await expect(bob.locator('[data-testid="message-item"][data-highlighted="true"]').getByTestId('message-text')).toHaveText('the address is 12 Elm Street')
  await bob.getByTestId('context-back').click()

  await ada.getByTestId('pinned-bar').getByTestId('unpin').click()
  await expect(bob.getByTestId('pinned-bar')).toHaveCount(0)
})

test('slow mode counts down and sends later: nothing lost, nothing out of order', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await ada.getByTestId('slow-mode-select').selectOption('5')
  await expect(bob.getByTestId('slow-mode-line')).toContainText('5 s')

  await say(bob, 'first, at once')
  await expect(messageSaying(ada, 'first, at once')).toBeVisible()
  const countdown = bob.getByTestId('slow-mode-countdown')
  await expect(countdown).toBeVisible()
  const startedAt = Number(await countdown.getAttribute('data-seconds'))
  expect(startedAt).toBeGreaterThan(0)
  expect(startedAt).toBeLessThanOrEqual(5)

  await say(bob, 'second, waits')
  await say(bob, 'third, waits longer')
  // Written, shown as sending, not yet in the room.
  await expect(messageSaying(bob, 'second, waits')).toHaveAttribute('data-delivery', 'sending')
  await expect(messageSaying(ada, 'second, waits')).toHaveCount(0)
  await expect.poll(async () => Number(await countdown.getAttribute('data-seconds') ?? 0)).toBeLessThan(startedAt)

  await expect(messageSaying(ada, 'second, waits')).toBeVisible({ timeout: 10_000 })
  await expect(messageSaying(ada, 'third, waits longer')).toBeVisible({ timeout: 10_000 })
  const order = await ada.getByTestId('message-text').allTextContents()
  expect(order.filter(text => /first|second|third/.test(text))).toEqual(['first, at once', 'second, waits', 'third, waits longer'])
  await expect(messageSaying(bob, 'third, waits longer')).toHaveAttribute('data-delivery', 'sent')
  // The owner is not held back.
  await expect(ada.getByTestId('slow-mode-countdown')).toHaveCount(0)
})

test('an export downloads a file that holds the messages, in Markdown and in JSON', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(ada, 'minutes of the **meeting**')
  await say(bob, '会议记录 agreed')
  await expect(messageSaying(bob, 'minutes of the')).toBeVisible()
  const exportRequests: string[] = []
  bob.on('request', (request) => {
    if (request.url().includes('/export')) exportRequests.push(`${request.url()} ${request.headers().authorization ? 'with' : 'without'} Authorization`)
  })

  await bob.getByTestId('export-button').click()
  const [markdown] = await Promise.all([bob.waitForEvent('download'), bob.getByTestId('export-md').click()])
  const markdownText = await readFile((await markdown.path())!, 'utf8')
  expect(markdown.suggestedFilename()).toMatch(/\.md$/)
  expect(markdownText).toContain('minutes of the **meeting**')
  expect(markdownText).toContain('会议记录 agreed')

  await bob.getByTestId('export-button').click()
  const [json] = await Promise.all([bob.waitForEvent('download'), bob.getByTestId('export-json').click()])
  const exported = JSON.parse(await readFile((await json.path())!, 'utf8')) as unknown
  expect(JSON.stringify(exported)).toContain('会议记录 agreed')

  // The token went in the header, never in the address.
  expect(exportRequests).toHaveLength(2)
  for (const request of exportRequests) {
    expect(request).toMatch(/ with Authorization$/)
    expect(request).not.toMatch(/token/i)
  }
})
