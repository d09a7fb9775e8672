import { expect, test } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import { startProxiedDeploy } from '../support/nginx'
import type { ProxiedDeploy } from '../support/nginx'
import { meetInNewRoom, messageWithText, newPerson, onlineCount, say } from './room'

// The deploy of docs/deploy.md in a real browser: Debian's nginx with
// deploy/nginx.conf in front of two instances on one redis-server, instead of
// the one server playwright.config.ts starts. The page finds its socket from
// its own location, so everything goes through nginx.

let deploy: ProxiedDeploy

test.beforeAll(async () => {
  test.setTimeout(60_000)
  deploy = await startProxiedDeploy({
    // The timings of playwright.config.ts's server, and the app's own per-address caps.
    NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '1000',
    NUXT_HEARTBEAT_WINDOW_MS: '2500',
    NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '5',
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: undefined,
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: undefined,
  })
})
test.afterAll(() => deploy?.stop())

/** A new person who opens the app at nginx's address; the socket URLs their page opens are collected. */
async function personThroughNginx(browser: Browser): Promise<{ page: Page, socketUrls: string[] }> {
  const page = await newPerson(browser, { baseURL: deploy.nginx.url })
  const socketUrls: string[] = []
  page.on('websocket', socket => socketUrls.push(socket.url()))
  return { page, socketUrls }
}

test('through nginx, two people chat, see the right count, and a reload comes back as the same member', async ({ browser }) => {
  const ada = await personThroughNginx(browser)
  const bob = await personThroughNginx(browser)

  await meetInNewRoom(ada.page, bob.page)
  for (const { page } of [ada, bob]) {
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
    await expect(page.getByTestId('member-count')).toHaveText(/2 members/)
    await expect(page.getByTestId('member-item')).toHaveCount(2)
  }
  expect([...ada.socketUrls, ...bob.socketUrls].every(url => url === deploy.nginx.wsUrl)).toBe(true)

  await say(ada.page, 'hello through nginx')
  await expect(messageWithText(bob.page, 'hello through nginx')).toContainText('Ada')
  await say(bob.page, 'hi Ada')
  await expect(messageWithText(ada.page, 'hi Ada')).toContainText('Bob')

  await bob.page.reload()
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(bob.page.getByTestId('message-item')).toHaveCount(2)
  for (const { page } of [ada, bob]) {
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
    await expect(page.getByTestId('member-count')).toHaveText(/2 members/)
    await expect(page.getByTestId('member-item').filter({ hasText: 'Bob' })).toHaveCount(1)
  }
  await say(bob.page, 'back after the reload')
  await expect(messageWithText(ada.page, 'back after the reload')).toContainText('Bob')
  expect(bob.socketUrls.length).toBeGreaterThanOrEqual(2)

  await ada.page.context().close()
  await bob.page.context().close()
})
