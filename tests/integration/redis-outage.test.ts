import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let redis: RunningRedis
let server: RunningServer

beforeAll(async () => {
  redis = await startRedis()
  server = await startServer({ NUXT_REDIS_URL: redis.url })
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await server.stop()
  await redis.kill()
})

const health = async () => (await fetch(`${server.url}/api/health`, { headers: METRICS_HEADERS })).json() as Promise<{ status: string, store: { kind: string, state: string } }>

describe('Redis goes away and comes back', () => {
  it('the instance stays up, says so, answers what it can, and recovers on its own', async () => {
    expect(await health()).toMatchObject({ status: 'ok', store: { kind: 'redis', state: 'ready' } })
    const ada = await joinRoom(server.wsUrl, 'outage', 'Ada')
    ada.client.send({ type: 'chat', text: 'before the outage' })
    await ada.client.next('chat')

    await redis.kill()
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 'degraded', store: { state: 'unavailable' } })
    ada.client.send({ type: 'ping' })
    expect(await ada.client.next('pong')).toMatchObject({ online: 1, members: 1 })
    ada.client.send({ type: 'chat', text: 'during the outage', clientId: 'c-1' })
    expect(await ada.client.next('error')).toMatchObject({ code: 'UNAVAILABLE' })
    expect(server.output()).toContain('[heartbeat] redis unavailable')

    // It comes back empty (no persistence): the instance notices and asks its clients to join again.
    await redis.restart()
    expect(await ada.client.closed).toBe(1012)
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 'ok', store: { state: 'ready' } })
    const back = await joinRoom(server.wsUrl, 'outage', 'Ada', { token: ada.joined.token, lastSeq: 1 })
    expect(back.joined.recovered).toBe(false)
    back.client.send({ type: 'chat', text: 'during the outage', clientId: 'c-1' })
    expect(await back.client.next('chat')).toMatchObject({ text: 'during the outage', seq: 1 })
    expect(server.process.exitCode).toBeNull()
  })
})
