import { expect, test } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import { meetInNewRoom, newPerson } from './room'

/**
 * Records, from before the page loads, how each of its sockets closed, every
 * error frame the server sent (a RATE_LIMITED would mean the page sent a frame
 * the server dropped, a close with 1008 that it was cut for flooding), and
 * the text of every chat message that came, live or in a rejoin's history,
 * in the room's order (by seq; the page draws only the newest 100).
 */
async function watchSockets(page: Page) {
  await page.addInitScript(() => {
    const seen = { closes: [] as number[], errors: [] as string[], chats: [] as string[] }
    const bySeq = new Map<number, string>()
    const take = (message: { seq: number, text: string }) => {
      bySeq.set(message.seq, message.text)
      seen.chats = [...bySeq].sort(([a], [b]) => a - b).map(([, text]) => text)
    }
    ;(window as unknown as { seen: typeof seen }).seen = seen
    const Native = window.WebSocket
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        this.addEventListener('close', event => seen.closes.push(event.code))
        this.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data)) as { type: string, code?: string, seq: number, text: string, history?: { seq: number, text: string }[] }
          if (frame.type === 'error') seen.errors.push(frame.code ?? '')
          if (frame.type === 'chat') take(frame)
          if (frame.type === 'joined') frame.history?.forEach(take)
        })
      }
    }
  })
  return () => page.evaluate(() => (window as unknown as { seen: { closes: number[], errors: string[], chats: string[] } }).seen)
}

function texts(page: Page) {
  return page.getByTestId('message-item').locator('.message-item__text').allTextContents()
}

function stillSending(page: Page) {
  return page.locator('[data-testid="message-status"][data-state="sending"]')
}

/** Ada's new room with Bob in it by its link, both pages' sockets watched from before they load. */
async function twoWatchedMembers(browser: Browser) {
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaSockets = await watchSockets(ada)
  const bobSockets = await watchSockets(bob)
  await meetInNewRoom(ada, bob)
  return { ada, bob, adaSockets, bobSockets }
}

test('thirty messages entered as fast as Playwright can all reach the other page in order, none left sending, nothing dropped', async ({ browser }) => {
  test.setTimeout(150_000)
  const { ada, bob, adaSockets } = await twoWatchedMembers(browser)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)

  const messages = Array.from({ length: 30 }, (_, index) => `fast-${index}`)
  const box = ada.getByTestId('message-input')
  const startedAt = Date.now()
  for (const text of messages) {
    await box.fill(text)
    await box.press('Enter')
  }
  const typedInMs = Date.now() - startedAt

  await expect(bob.getByTestId('message-item')).toHaveCount(30, { timeout: 60_000 })
  const deliveredInMs = Date.now() - startedAt
  expect(await texts(bob)).toEqual(messages)
  await expect(stillSending(ada)).toHaveCount(0)
  // The server refused nothing and never cut Ada off. (A socket the page
  // itself closes is the lobby's, left for the room, or, on a machine too
  // busy to answer a ping within the window, its own heartbeat.)
  const { closes, errors } = await adaSockets()
  expect(errors).toEqual([])
  expect(closes.filter(code => code !== 1000 && code !== 1005)).toEqual([])
  test.info().annotations.push({ type: 'fast typing', description: `30 messages entered in ${typedInMs} ms, all on the other page after ${deliveredInMs} ms` })
  await ada.context().close()
  await bob.context().close()
})

test('about 25 messages a second for four seconds: the link is never cut and every message arrives, in order', async ({ browser }) => {
  // Messages go one at a time, each once the one before is posted: on a
  // loaded machine the round trip, not the budget, sets the pace.
  test.setTimeout(240_000)
  const { ada, bob, adaSockets, bobSockets } = await twoWatchedMembers(browser)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)

  // Typed in the page itself, 25 messages a second for 4 s: Playwright's own
  // fill and press cost a round trip each, too slow on a busy machine. A
  // message that falls behind that pace goes at the next turn, so the page
  // gets 25 a second on average however slowly it renders.
  const startedAt = Date.now()
  const { messages, typedInMs } = await ada.evaluate(async () => {
    const box = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
    const sent: string[] = []
    const start = performance.now()
    let lastSentAt = start
    while (performance.now() - start < 4000) {
      const due = Math.floor((performance.now() - start) / 40) + 1
      while (sent.length < due) {
        const text = `steady-${sent.length}`
        box.value = text
        box.dispatchEvent(new Event('input'))
        box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
        sent.push(text)
        lastSentAt = performance.now()
      }
      await new Promise(resolve => setTimeout(resolve, Math.max(0, start + sent.length * 40 - performance.now())))
    }
    return { messages: sent, typedInMs: lastSentAt - start }
  })
  const perSecond = messages.length * 1000 / typedInMs
  expect(perSecond).toBeGreaterThan(20)

  await expect.poll(async () => (await bobSockets()).chats.length, { timeout: 180_000 }).toBe(messages.length)
  const deliveredInMs = Date.now() - startedAt
  expect((await bobSockets()).chats).toEqual(messages)
  await expect(bob.getByTestId('message-item').last()).toContainText(messages.at(-1)!)
  await expect(stillSending(ada)).toHaveCount(0)
  // The server refused nothing and never cut Ada off. (A socket the page
  // itself closes is the lobby's, left for the room, or, on a machine too
  // busy to answer a ping within the window, its own heartbeat.)
  const { closes, errors } = await adaSockets()
  expect(errors).toEqual([])
  expect(closes.filter(code => code !== 1000 && code !== 1005)).toEqual([])
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', /connected|checking/)
  test.info().annotations.push({ type: 'sustained typing', description: `${messages.length} messages in ${Math.round(typedInMs)} ms (${perSecond.toFixed(1)} a second), all on the other page after ${deliveredInMs} ms` })
  await ada.context().close()
  await bob.context().close()
})
