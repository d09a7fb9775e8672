import Redis from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'
import { logLines } from '../support/log-lines'

// FAST_ENV: heartbeat window 1.5 s, so a socket silent for 3 s is closed (4001).
const IDLE_TIMEOUT_MS = 3000
const COMMAND_TIMEOUT_MS = 1000

let redis: RunningRedis
let server: RunningServer

beforeEach(async () => {
  redis = await startRedis()
  server = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) })
})
afterEach(async () => {
  closeAllClients()
  redis.process.kill('SIGCONT')
  await server.stop()
  await redis.kill()
})

const health = async () => (await fetch(`${server.url}/api/health`, { headers: METRICS_HEADERS })).json() as Promise<{ status: string, store: { kind: string, state: string } }>
const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) })

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
    expect(logLines(server.output())).toContainEqual(expect.objectContaining({ event: 'store_degraded', level: 'error', msg: expect.stringMatching(/^redis unavailable/) }))

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

  it('with Redis down, the HTTP routes answer 503 UNAVAILABLE and log one line each, no stack', async () => {
    const ada = await joinRoom(server.wsUrl, 'http-outage', 'Ada')
    await redis.kill()
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 'degraded' })
    const logged = server.output().length
    const answers = [
      await fetch(`${server.url}/api/rooms/http-outage`),
      await post('/api/rooms/http-outage/away', { token: ada.joined.token }),
      await post('/api/rooms/http-outage/leave', { token: ada.joined.token }),
    ]
    for (const res of answers) {
      expect(res.status).toBe(503)
      expect((await res.json() as { data: unknown }).data).toMatchObject({ code: 'UNAVAILABLE' })
    }
    const log = server.output().slice(logged)
    expect(log.match(/room store unavailable/g)).toHaveLength(3)
    expect(log).not.toContain('request error')
    expect(log).not.toMatch(/^\s+at /m)
  })
})

describe('Redis hangs', () => {
  it('chat and join answer UNAVAILABLE within the command timeout, health says degraded, and a silent socket is still closed on time', async () => {
    const ada = await joinRoom(server.wsUrl, 'hung', 'Ada')
    const silent = await joinRoom(server.wsUrl, 'hung', 'Bob')
    const keepAlive = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    try {
      silent.client.send({ type: 'ping' })
      await silent.client.next('pong')
      const silentSince = Date.now()
      redis.process.kill('SIGSTOP')

      const sentAt = Date.now()
      ada.client.send({ type: 'chat', text: 'into a hung Redis', clientId: 'h-1' })
      expect(await ada.client.next('error', 4 * COMMAND_TIMEOUT_MS)).toMatchObject({ code: 'UNAVAILABLE' })
      expect(Date.now() - sentAt).toBeLessThan(3 * COMMAND_TIMEOUT_MS)
      expect(await health()).toMatchObject({ status: 'degraded', store: { state: 'unavailable' } })

      const newcomer = await connect(server.wsUrl)
      newcomer.send({ type: 'join', roomId: 'hung', name: 'Cy' })
      expect(await newcomer.next('error', 8 * COMMAND_TIMEOUT_MS)).toMatchObject({ code: 'UNAVAILABLE' })

      expect(await silent.client.closed).toBe(4001)
      expect(Date.now() - silentSince).toBeLessThan(IDLE_TIMEOUT_MS + 1500)
    }
    finally {
      redis.process.kill('SIGCONT')
    }
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 'ok', store: { state: 'ready' } })
    // The timed-out post may still run once Redis wakes; the page's resend
    // under the same clientId then gets that one back, never a second copy.
    ada.client.send({ type: 'chat', text: 'into a hung Redis', clientId: 'h-1' })
    ada.client.send({ type: 'chat', text: 'after the hang', clientId: 'h-2' })
    await expect.poll(() => ada.client.frames.filter(f => f.type === 'chat').map(f => f.type === 'chat' && f.text)).toContain('after the hang')
    expect(ada.client.frames.filter(f => f.type === 'chat' && f.text === 'into a hung Redis').map(f => f.type === 'chat' && f.seq)).toSatisfy((seqs: number[]) => seqs.length >= 1 && new Set(seqs).size === 1)
    clearInterval(keepAlive)
  })
})

describe('Redis loses its data without a reconnect', () => {
  it('FLUSHALL: the instance notices and closes its sockets with 1012; they join again and chat works', async () => {
    const ada = await joinRoom(server.wsUrl, 'flushed', 'Ada')
    const keepAlive = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    try {
      ada.client.send({ type: 'chat', text: 'before the flush' })
      await ada.client.next('chat')
      const admin = new Redis(redis.url)
      await admin.flushall()
      admin.disconnect()
      const flushedAt = Date.now()
      expect(await ada.client.closed).toBe(1012)
      expect(Date.now() - flushedAt).toBeLessThan(3000)
    }
    finally {
      clearInterval(keepAlive)
    }
    const back = await joinRoom(server.wsUrl, 'flushed', 'Ada', { token: ada.joined.token, lastSeq: 1 })
    expect(back.joined.recovered).toBe(false)
    back.client.send({ type: 'chat', text: 'after the flush' })
    expect(await back.client.next('chat')).toMatchObject({ text: 'after the flush', seq: 1 })
  })
})
