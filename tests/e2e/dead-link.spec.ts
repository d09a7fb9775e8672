import { connect, createServer } from 'node:net'
import type { Socket } from 'node:net'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { meetInNewRoom, newPerson, onlineCount } from './room'

/**
 * A TCP proxy to the test server that can stop forwarding without closing
 * anything: the page's socket stays open and silent, as on a network that
 * dropped away (`setOffline` closes sockets, so it cannot play this).
 */
async function cuttableProxy(targetPort: number) {
  const sockets = new Set<Socket>()
  let cut = false
  const server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => {})
    client.on('close', () => sockets.delete(client))
    if (cut) return client.pause()
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    upstream.on('close', () => sockets.delete(upstream))
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the proxy has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      cut = true
      for (const socket of sockets) {
        socket.unpipe()
        socket.pause()
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
}

/** Records every change of an attribute or the text of one element, with Date.now(). */
async function recordChanges(page: Page, testId: string, read: 'data-state' | 'text') {
  await page.evaluate(([id, what]) => {
    const element = document.querySelector(`[data-testid="${id}"]`)!
    const value = () => (what === 'text' ? element.textContent ?? '' : element.getAttribute(what) ?? '')
    const log: [string, number][] = [[value(), Date.now()]]
    ;(window as unknown as { changes: [string, number][] }).changes = log
    new MutationObserver(() => {
      if (log.at(-1)![0] !== value()) log.push([value(), Date.now()])
    }).observe(element, { attributes: true, characterData: true, childList: true, subtree: true })
  }, [testId, read] as const)
}

const changes = (page: Page) => page.evaluate(() => (window as unknown as { changes: [string, number][] }).changes)

test('a silently dead link shows "Checking connection…" within a few seconds and is called dead no later than the others see it go', async ({ browser }) => {
  // NUXT_HEARTBEAT_WINDOW_MS is 2500 and the ping interval 1000 in playwright.config.ts.
  test.setTimeout(60_000)
  const windowMs = 2500
  const proxy = await cuttableProxy(Number(process.env.E2E_PORT))
  try {
    const ada = await newPerson(browser, { baseURL: proxy.url })
    const bob = await newPerson(browser)
    await meetInNewRoom(ada, bob)
    await expect(onlineCount(bob)).toHaveText(/^\s*2 online/)
    await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
    await recordChanges(ada, 'connection-status', 'data-state')
    await recordChanges(bob, 'online-count', 'text')

    const cutAt = Date.now()
    proxy.cut()
    await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', /reconnecting|disconnected/, { timeout: windowMs + 2000 })
    await expect(onlineCount(bob)).toHaveText(/^\s*1 online/, { timeout: windowMs + 2000 })

    const adaStates = await changes(ada)
    const checkingAt = adaStates.find(([state, at]) => state === 'checking' && at >= cutAt)?.[1]
    const deadAt = adaStates.find(([state, at]) => /reconnecting|disconnected/.test(state) && at >= cutAt)![1]
    const goneForBobAt = (await changes(bob)).find(([text]) => /^\s*1 online/.test(text))![1]
    test.info().annotations.push({ type: 'dead link', description: `cut at 0; Ada checking at ${checkingAt! - cutAt} ms, dead at ${deadAt - cutAt} ms; Bob saw her go at ${goneForBobAt - cutAt} ms` })

    expect(checkingAt).toBeDefined()
    expect(checkingAt!).toBeLessThan(deadAt)
    // The last pong came before the cut: dead within the window of it, give or take a timer.
    expect(deadAt - cutAt).toBeLessThanOrEqual(windowMs + 300)
    // Ada's page never says she is connected after the others see her gone.
    expect(checkingAt!).toBeLessThanOrEqual(goneForBobAt + 300)
    expect(deadAt).toBeLessThanOrEqual(goneForBobAt + 300)
    await ada.context().close()
    await bob.context().close()
  }
  finally {
    await proxy.close()
  }
})
