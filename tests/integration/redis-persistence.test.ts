import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

// Redis run as docs/deploy.md says: append-only file, fsync every second.
let dataDir: string
let redis: RunningRedis
let one: RunningServer
let two: RunningServer

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hb-redis-aof-'))
  redis = await startRedis({ dataDir })
  ;[one, two] = await Promise.all([1, 2].map(() => startServer({ NUXT_REDIS_URL: redis.url })))
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([one.stop(), two.stop()])
  await redis.kill()
  rmSync(dataDir, { recursive: true, force: true })
})

const health = (server: RunningServer) => async () => (await fetch(`${server.url}/api/health`, { headers: METRICS_HEADERS })).json() as Promise<{ status: string }>

describe('Redis with persistence, killed mid-chat and restarted on the same data folder', () => {
  it('the instances reconnect, members and history are intact, and no socket is closed with 1012', async () => {
    const ada = await joinRoom(one.wsUrl, 'aof', 'Ada')
    const bob = await joinRoom(two.wsUrl, 'aof', 'Bob')
    const closes: number[] = []
    for (const client of [ada.client, bob.client]) void client.closed.then(code => closes.push(code))
    for (let i = 1; i <= 5; i++) {
      ada.client.send({ type: 'chat', text: `m${i}`, clientId: `c${i}` })
      expect(await ada.client.next('chat')).toMatchObject({ text: `m${i}`, seq: i })
    }
    // Mid-chat: m6 may or may not be taken before Redis dies; the outbox sends it again.
    ada.client.send({ type: 'chat', text: 'm6', clientId: 'c6' })
    await redis.kill()
    await expect.poll(health(one), { timeout: 5000 }).toMatchObject({ status: 'degraded' })

    await redis.restart()
    for (const server of [one, two]) await expect.poll(health(server), { timeout: 10_000 }).toMatchObject({ status: 'ok' })
    ada.client.send({ type: 'chat', text: 'm6', clientId: 'c6' })
    const chats = () => ada.client.frames.filter((frame): frame is ChatMessage => frame.type === 'chat' && frame.clientId === 'c6')
    await expect.poll(() => chats().length, { timeout: 5000 }).toBeGreaterThan(0)
    expect(chats().every(m => m.seq === 6)).toBe(true)

    const cy = await joinRoom(two.wsUrl, 'aof', 'Cy')
    expect(cy.joined.presence.members).toBe(3)
    expect(cy.joined.history.map(m => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'])
    const adaAgain = await joinRoom(two.wsUrl, 'aof', 'Ada', { token: ada.joined.token, lastSeq: 5 })
    expect(adaAgain.joined).toMatchObject({ recovered: true, you: ada.joined.you })
    expect(adaAgain.joined.history.map(m => m.text)).toEqual(['m6'])
    expect(closes).toEqual([])
    expect(one.output() + two.output()).not.toContain('came back without its data')
  })
})
