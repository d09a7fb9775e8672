import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { freePort } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { freshRoomId, newPerson, onlineCount, say } from './room'

// A server of this test's own (the shared one cannot be restarted), on a fixed
// port so that the pages find it again, with its rooms database in a temp folder.
let dataDir: string
let port: number
let server: RunningServer | undefined

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hb-e2e-restart-'))
  port = await freePort()
})
test.afterEach(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const start = () => startServer({ NUXT_DATA_DIR: dataDir, NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '1000', NUXT_HEARTBEAT_WINDOW_MS: '2500', NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '10' }, { port })

async function joinRoomPage(page: Page, name: string, roomId: string) {
  await page.goto(`http://127.0.0.1:${port}/room/${roomId}`)
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('join-button').click()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
}

const conversation = (page: Page) => page.getByTestId('message-item').locator('.message-item__text')

test('two people chat, the server restarts, and both pages show the conversation as it was', async ({ browser }) => {
  server = await start()
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  await joinRoomPage(ada, 'Ada', roomId)
  await joinRoomPage(bob, 'Bob', roomId)
  await say(ada, 'hello Bob')
  await expect(conversation(bob)).toHaveText(['hello Bob'])
  await say(bob, 'hi Ada, how are you?')
  await say(ada, 'fine, and the server is about to die')
  const lines = ['hello Bob', 'hi Ada, how are you?', 'fine, and the server is about to die']
  for (const page of [ada, bob]) {
    await expect(conversation(page)).toHaveText(lines)
    await expect(page.getByTestId('message-status').filter({ hasText: 'sending' })).toHaveCount(0)
  }

  await server.stop()
  await expect(ada.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'connected')
  server = await start()

  for (const page of [ada, bob]) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 })
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
    await expect(conversation(page)).toHaveText(lines)
    await expect(page.getByTestId('system-item').filter({ hasText: 'could not be recovered' })).toHaveCount(0)
    await expect(page.getByTestId('member-item')).toHaveCount(2)
  }
  await say(bob, 'still here')
  await expect(conversation(ada)).toHaveText([...lines, 'still here'])
  await ada.context().close()
  await bob.context().close()
})
