import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { startNginx } from '../support/nginx'
import type { RunningNginx } from '../support/nginx'
import { freePort } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { freshRoomId, newPerson, onlineCount, say } from './room'

// A network that does not carry WebSocket: deploy/nginx.conf with the
// Upgrade header stripped, as a corporate proxy does, so every WebSocket
// handshake through it fails. Ada's page comes through it; Bob's goes to the
// app directly, on a WebSocket. The app is this test's own (it restarts), on
// a fixed port so that nginx and Bob's page find it again.

let dataDir: string
let port: number
let server: RunningServer | undefined
let nginx: RunningNginx | undefined

// A page on the fallback tries a WebSocket this often (30 s unless set).
const PROBE_INTERVAL_MS = 5000
const start = () => startServer({ NUXT_DATA_DIR: dataDir, NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '1000', NUXT_HEARTBEAT_WINDOW_MS: '2500', NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '10', NUXT_PUBLIC_FALLBACK_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS), NUXT_TRUSTED_PROXIES: '127.0.0.1' }, { port })

const stripUpgrade = (site: string) => site
  .replace('proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Upgrade "";')
  .replace('proxy_set_header Connection $connection_upgrade;', 'proxy_set_header Connection "";')

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hb-e2e-fallback-'))
  port = await freePort()
  server = await start()
  nginx = await startNginx([`127.0.0.1:${port}`], undefined, { alterSite: stripUpgrade })
})
test.afterEach(async () => {
  await nginx?.stop()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const conversation = (page: Page) => page.getByTestId('message-item').locator('.message-item__text')
const status = (page: Page) => page.getByTestId('connection-status')

/** Opens the room's link and joins; resolves with when the page had loaded. */
async function joinAt(page: Page, origin: string, name: string, roomId: string): Promise<number> {
  await page.goto(`${origin}/room/${roomId}`)
  const loadedAt = Date.now()
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('join-button').click()
  return loadedAt
}

test('behind a proxy that strips Upgrade, the page connects over the fallback, chats with a WebSocket member, survives a restart, and a reload connects at once', async ({ browser }) => {
  test.setTimeout(90_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaSockets: string[] = []
  ada.on('websocket', socket => adaSockets.push(socket.url()))

  const loadedAt = await joinAt(ada, nginx!.url, 'Ada', roomId)
  await expect(status(ada)).toHaveAttribute('data-state', 'connected', { timeout: 5000 })
  expect(Date.now() - loadedAt).toBeLessThan(5000)
  expect(adaSockets.length).toBeGreaterThanOrEqual(1)
  await expect(status(ada)).toHaveAttribute('data-transport', 'fallback')
  await expect(ada.getByTestId('connection-transport')).toHaveText('HTTP')

  await joinAt(bob, `http://127.0.0.1:${port}`, 'Bob', roomId)
  await expect(status(bob)).toHaveAttribute('data-state', 'connected')
  await expect(status(bob)).toHaveAttribute('data-transport', 'websocket')
  for (const page of [ada, bob]) await expect(onlineCount(page)).toHaveText(/^\s*2 online/)

  await say(ada, 'hello from behind the proxy')
  await expect(conversation(bob)).toHaveText(['hello from behind the proxy'])
  await say(bob, 'hi Ada, on a socket')
  await expect(conversation(ada)).toHaveText(['hello from behind the proxy', 'hi Ada, on a socket'])

  await server!.stop()
  await expect(status(ada)).not.toHaveAttribute('data-state', 'connected')
  // Written while the server is down: it waits in the outbox.
  await say(ada, 'written during the restart')
  server = await start()
  const lines = ['hello from behind the proxy', 'hi Ada, on a socket', 'written during the restart']
  for (const page of [ada, bob]) {
    await expect(status(page)).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
    await expect(conversation(page)).toHaveText(lines, { timeout: 10_000 })
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
  }
  await expect(status(ada)).toHaveAttribute('data-transport', 'fallback')

  // The browser session remembers the fallback: no WebSocket is tried, so no 2.5 s wait.
  adaSockets.length = 0
  const reloadedAt = Date.now()
  await ada.reload()
  await expect(status(ada)).toHaveAttribute('data-state', 'connected', { timeout: 5000 })
  expect(Date.now() - reloadedAt).toBeLessThan(2500)
  expect(adaSockets).toEqual([])
  await expect(conversation(ada)).toHaveText(lines)
  await say(ada, 'back after the reload')
  await expect(conversation(bob)).toHaveText([...lines, 'back after the reload'])

  await ada.context().close()
  await bob.context().close()
})

/**
 * Every value `read` takes on the page from now on (each change, in order),
 * for a check afterwards that nothing else showed meanwhile.
 */
async function recordChanges(page: Page, name: string, testId: string, attribute?: string): Promise<() => Promise<string[]>> {
  await page.evaluate(({ name, testId, attribute }) => {
    const seen: string[] = []
    const read = () => {
      const element = document.querySelector(`[data-testid="${testId}"]`)
      const value = element ? (attribute ? element.getAttribute(attribute) ?? '' : element.textContent?.trim() ?? '') : '(gone)'
      if (seen.at(-1) !== value) seen.push(value)
    }
    read()
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
    Object.assign(window, { [name]: seen })
  }, { name, testId, attribute })
  return () => page.evaluate(name => (window as unknown as Record<string, string[]>)[name]!, name)
}

test('once WebSocket passes the proxy again, the page on the fallback moves back to it without a visible reconnect, and nothing is lost', async ({ browser }) => {
  test.setTimeout(60_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaSockets: Array<{ url: string, closed: () => boolean }> = []
  ada.on('websocket', (socket) => {
    let closed = false
    socket.on('close', () => (closed = true))
    adaSockets.push({ url: socket.url(), closed: () => closed })
  })

  await joinAt(ada, nginx!.url, 'Ada', roomId)
  await expect(status(ada)).toHaveAttribute('data-state', 'connected', { timeout: 5000 })
  await expect(status(ada)).toHaveAttribute('data-transport', 'fallback')
  await joinAt(bob, `http://127.0.0.1:${port}`, 'Bob', roomId)
  for (const page of [ada, bob]) await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
  await say(bob, 'before the proxy changed')
  await expect(conversation(ada)).toHaveText(['before the proxy changed'])

  const adaStates = await recordChanges(ada, '__adaStates', 'connection-status', 'data-state')
  const bobCounts = await recordChanges(bob, '__bobCounts', 'online-count')
  // The proxy is fixed: the documented site, Upgrade passed through. Ada's stream stays on the old worker.
  await nginx!.reload()
  const socketsBefore = adaSockets.length
  // Bob keeps talking while Ada's page finds out; Ada too.
  const fromBob = ['one while the proxy changes', 'two while the proxy changes']
  for (const text of fromBob) await say(bob, text)
  await expect(conversation(ada)).toHaveText(['before the proxy changed', ...fromBob])
  await say(ada, 'from Ada, still on the fallback')
  await expect(conversation(bob)).toHaveText(['before the proxy changed', ...fromBob, 'from Ada, still on the fallback'])

  // Within a probe interval or two of the reload (a probe may have started just before it).
  await expect(status(ada)).toHaveAttribute('data-transport', 'websocket', { timeout: 3 * PROBE_INTERVAL_MS })
  const viaProxy = adaSockets.slice(socketsBefore).filter(socket => socket.url.startsWith(nginx!.wsUrl))
  expect(viaProxy.length).toBeGreaterThanOrEqual(1)
  expect(viaProxy.at(-1)!.closed()).toBe(false)
  await expect(ada.getByTestId('connection-transport')).toHaveCount(0)

  // Now over the socket: both ways, and all of it once.
  const before = ['before the proxy changed', ...fromBob, 'from Ada, still on the fallback']
  await say(bob, 'after the move')
  await expect(conversation(ada)).toHaveText([...before, 'after the move'])
  await say(ada, 'Ada on a socket')
  const lines = [...before, 'after the move', 'Ada on a socket']
  for (const page of [ada, bob]) {
    await expect(conversation(page)).toHaveText(lines)
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
  }
  // Nobody saw a reconnect: Ada's status never left "connected", and Bob never saw her go.
  expect(await adaStates()).toEqual(['connected'])
  expect((await bobCounts()).every(text => /^2 online/.test(text))).toBe(true)

  await ada.context().close()
  await bob.context().close()
})
