import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { freshRoomId, joinFromHome, joinFromLink, newPerson } from './room'

/**
 * Watches the page's room socket: how many it opened, how many closed, and
 * the error frames the server sent on them (a RATE_LIMITED would mean the
 * page sent a frame the server dropped).
 */
function watchSockets(page: Page) {
  const seen = { opened: 0, closed: 0, errors: [] as string[] }
  page.on('websocket', (socket) => {
    seen.opened++
    socket.on('close', () => seen.closed++)
    socket.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string, code?: string }
      if (frame.type === 'error') seen.errors.push(frame.code ?? '')
    })
  })
  return seen
}

function texts(page: Page) {
  return page.getByTestId('message-item').locator('.message-item__text').allTextContents()
}

function stillSending(page: Page) {
  return page.locator('[data-testid="message-status"][data-state="sending"]')
}

test('thirty messages entered as fast as Playwright can all reach the other page in order, none left sending, nothing dropped', async ({ browser }) => {
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaSockets = watchSockets(ada)
  await joinFromHome(ada, 'Ada', roomId)
  await joinFromLink(bob, 'Bob', roomId)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)

  const messages = Array.from({ length: 30 }, (_, index) => `fast-${index}`)
  const box = ada.getByTestId('message-input')
  const startedAt = Date.now()
  for (const text of messages) {
    await box.fill(text)
    await box.press('Enter')
  }
  const typedInMs = Date.now() - startedAt

  await expect(bob.getByTestId('message-item')).toHaveCount(30, { timeout: 15_000 })
  const deliveredInMs = Date.now() - startedAt
  expect(await texts(bob)).toEqual(messages)
  await expect(stillSending(ada)).toHaveCount(0)
  expect(adaSockets.opened).toBe(1)
  expect(adaSockets.closed).toBe(0)
  expect(adaSockets.errors).toEqual([])
  test.info().annotations.push({ type: 'fast typing', description: `30 messages entered in ${typedInMs} ms, all on the other page after ${deliveredInMs} ms` })
  await ada.context().close()
  await bob.context().close()
})

test('about 25 messages a second for five seconds: the link stays open and every message arrives, in order', async ({ browser }) => {
  test.setTimeout(90_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaSockets = watchSockets(ada)
  await joinFromHome(ada, 'Ada', roomId)
  await joinFromLink(bob, 'Bob', roomId)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)

  const box = ada.getByTestId('message-input')
  const messages: string[] = []
  const startedAt = Date.now()
  // One message every 40 ms for 5 s, as far as Playwright keeps up.
  for (let index = 0; Date.now() - startedAt < 5000; index++) {
    const text = `steady-${index}`
    await box.fill(text)
    await box.press('Enter')
    messages.push(text)
    const due = startedAt + (index + 1) * 40
    if (due > Date.now()) await ada.waitForTimeout(due - Date.now())
  }
  const typedInMs = Date.now() - startedAt
  const perSecond = messages.length * 1000 / typedInMs
  expect(perSecond).toBeGreaterThan(15)

  // The server takes 10 frames a second: the page sends them as fast as that, no faster.
  await expect(bob.getByTestId('message-item')).toHaveCount(messages.length, { timeout: 60_000 })
  const deliveredInMs = Date.now() - startedAt
  expect(await texts(bob)).toEqual(messages)
  await expect(stillSending(ada)).toHaveCount(0)
  expect(adaSockets.opened).toBe(1)
  expect(adaSockets.closed).toBe(0)
  expect(adaSockets.errors).toEqual([])
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)
  test.info().annotations.push({ type: 'sustained typing', description: `${messages.length} messages in ${typedInMs} ms (${perSecond.toFixed(1)} a second), all on the other page after ${deliveredInMs} ms` })
  await ada.context().close()
  await bob.context().close()
})
