import { expect, test } from '@playwright/test'
import { freePort } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { createFromHome, freshRoomId, newPerson } from './room'

// A server of this test's own: NUXT_MEMBER_TTL_MS removed offline members
// after it (10 minutes by default); it is gone, and this 1 s stands for it.
let server: RunningServer | undefined

test.afterEach(async () => {
  await server?.stop()
  server = undefined
})

test('the owner closes her room for longer than the old member TTL and comes back from "Your rooms" as the owner, with no password asked', async ({ browser }) => {
  // Starting a server of its own takes a while on a busy machine.
  test.setTimeout(90_000)
  const port = await freePort()
  server = await startServer({
    NUXT_MEMBER_TTL_MS: '1000',
    NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '1000',
    NUXT_HEARTBEAT_WINDOW_MS: '5000',
    NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '10',
    NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: '100',
  }, { port })
  const origin = `http://127.0.0.1:${port}`
  const roomId = freshRoomId()
  const ada = await newPerson(browser, { baseURL: origin })
  await createFromHome(ada, 'Ada', roomId, { title: 'Secret plans', password: 'pw' })
  await expect(ada.getByTestId('rename-button')).toBeVisible()

  // The tab is gone: offline at once, and then long past the old TTL (1 s here) and the window.
  await ada.goto('about:blank')
  await new Promise(resolve => setTimeout(resolve, 6000))

  await ada.goto(`${origin}/`)
  const yours = ada.getByTestId('your-room').and(ada.locator(`[data-room-id="${roomId}"]`))
  await expect(yours).toContainText('Secret plans')
  await yours.getByRole('link').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(ada.getByTestId('password-input')).toHaveCount(0)
  await expect(ada.getByTestId('rename-button')).toBeVisible()
  await expect(ada.getByTestId('owner-mark')).toBeVisible()
  await expect(ada.getByTestId('member-item')).toHaveCount(1)
  await ada.context().close()
})
