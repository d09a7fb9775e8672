import { afterEach, describe, expect, it } from 'vitest'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let redis: RunningRedis | undefined
let server: RunningServer | undefined

afterEach(async () => {
  closeAllClients()
  redis?.process.kill('SIGCONT')
  await server?.stop()
  await redis?.kill()
  redis = server = undefined
})

/** Sends SIGTERM and resolves with how long the process took to exit, or Infinity past `limitMs`. */
async function terminate(running: RunningServer, limitMs: number): Promise<number> {
  const sentAt = Date.now()
  const exited = new Promise<number>(resolve => running.process.once('exit', () => resolve(Date.now() - sentAt)))
  running.process.kill('SIGTERM')
  return Promise.race([exited, new Promise<number>(resolve => setTimeout(() => resolve(Infinity), limitMs))])
}

describe('shutdown', () => {
  it('SIGTERM closes every socket with 1001 and the process exits cleanly within a few seconds', async () => {
    server = await startServer()
    const ada = await joinRoom(server.wsUrl, 'closing', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'closing', 'Bob')
    const exited = new Promise<number | null>(resolve => server!.process.once('exit', code => resolve(code)))
    const sentAt = Date.now()
    server.process.kill('SIGTERM')
    expect(await ada.client.closed).toBe(1001)
    expect(await bob.client.closed).toBe(1001)
    expect(await exited).toBe(0)
    expect(Date.now() - sentAt).toBeLessThan(5000)
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow()
  })

  it('SIGTERM with Redis gone for a while (its retries at their longest delay) exits within 5 s', async () => {
    redis = await startRedis()
    server = await startServer({ NUXT_REDIS_URL: redis.url })
    const ada = await joinRoom(server.wsUrl, 'orphaned', 'Ada')
    await redis.kill()
    await expect.poll(() => server!.output(), { timeout: 5000 }).toContain('redis unavailable')
    // ioredis waits 200 ms more per attempt, up to 2 s: the tenth is at the longest delay.
    await new Promise(resolve => setTimeout(resolve, 12_000))
    ada.client.send({ type: 'chat', text: 'anyone?' })
    fetch(`${server.url}/api/rooms/orphaned`).catch(() => {})
    expect(await terminate(server, 8000)).toBeLessThan(5000)
  }, 30_000)

  it('SIGTERM with Redis hung and requests waiting on it exits within 5 s', async () => {
    redis = await startRedis()
    server = await startServer({ NUXT_REDIS_URL: redis.url })
    const ada = await joinRoom(server.wsUrl, 'stuck', 'Ada')
    redis.process.kill('SIGSTOP')
    ada.client.send({ type: 'chat', text: 'anyone?' })
    const newcomer = await connect(server.wsUrl)
    newcomer.send({ type: 'join', roomId: 'stuck', name: 'Bob' })
    for (let i = 0; i < 3; i++) fetch(`${server.url}/api/rooms/stuck`).catch(() => {})
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(await terminate(server, 8000)).toBeLessThan(5000)
  })
})
