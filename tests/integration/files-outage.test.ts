import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pngBytes, upload } from '../support/files'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let redis: RunningRedis
let server: RunningServer

beforeAll(async () => {
  redis = await startRedis()
  server = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_REDIS_COMMAND_TIMEOUT_MS: '300' })
})
afterAll(async () => {
  closeAllClients()
  await server.stop()
  await redis.kill()
})

describe('uploads while Redis is away', () => {
  it('get 503 UNAVAILABLE, not a 500, and work again once Redis is back', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-outage', 'Ada')
    const bytes = await pngBytes(20, 20)
    expect((await upload(server.url, 'files-outage', ada.joined.token, { bytes, name: 'before.png' })).status).toBe(201)
    await redis.kill()
    const during = await upload(server.url, 'files-outage', ada.joined.token, { bytes, name: 'during.png' })
    expect(during.status).toBe(503)
    expect(during.body.data?.code).toBe('UNAVAILABLE')
    expect(server.process.exitCode).toBeNull()
    // Back, but empty: a new member of a new room uploads again.
    await redis.restart()
    await expect.poll(async () => {
      const again = await joinRoom(server.wsUrl, 'files-outage-after', `Bob${Date.now()}`).catch(() => undefined)
      return again && (await upload(server.url, 'files-outage-after', again.joined.token, { bytes, name: 'after.png' })).status
    }, { timeout: 15_000, interval: 500 }).toBe(201)
  }, 30_000)
})
