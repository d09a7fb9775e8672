import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

// FAST_ENV's heartbeat window is 1.5 s: an instance silent for that long is
// taken for dead (the app's 8 s window makes it 3 s), beats every 0.5 s.
const WINDOW_MS = 1500

let redis: RunningRedis
let one: RunningServer
let two: RunningServer

beforeAll(async () => {
  redis = await startRedis()
  ;[one, two] = await Promise.all([1, 2].map(() => startServer({ NUXT_REDIS_URL: redis.url })))
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([one, two].map(server => server.stop()))
  await redis.kill()
})

async function commandsProcessed(admin: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1])
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('presence kept in the process that holds the sockets (issue 20)', () => {
  it('pings never reach Redis: 40 sockets pinging five times a second cost fewer commands than sockets', async () => {
    const members: Array<Awaited<ReturnType<typeof joinRoom>>> = []
    for (let i = 0; i < 40; i++) members.push(await joinRoom((i % 2 ? two : one).wsUrl, `quiet-${i % 4}`, `M${i}`))
    // Joins, their presence news and each member's first ping (which the
    // store hears of once, for the membership's TTL) settle first.
    for (const { client } of members) client.send({ type: 'ping' })
    await sleep(500)
    const pinging = setInterval(() => {
      for (const { client } of members) client.send({ type: 'ping' })
    }, 200)
    const admin = new Redis(redis.url)
    try {
      const before = await commandsProcessed(admin)
      await sleep(3000)
      const during = await commandsProcessed(admin) - before
      // 600 pings went to the instances meanwhile; what reached Redis is the
      // instances' beats, the lease and the slow passes, and this probe.
      expect(during).toBeLessThan(members.length)
      for (const { client } of members) expect(client.frames.filter(f => f.type === 'pong').length).toBeGreaterThan(5)
      const last = members[0]!.client.frames.filter(f => f.type === 'pong').at(-1)
      expect(last).toMatchObject({ online: 10, members: 10 })
    }
    finally {
      clearInterval(pinging)
      admin.disconnect()
    }
  })

  it('an instance that stalls past the silence is taken for dead, and its members come back online once it runs again', async () => {
    const ada = await joinRoom(one.wsUrl, 'stall', 'Ada')
    const bob = await joinRoom(two.wsUrl, 'stall', 'Bob')
    await ada.client.next('presence')
    const pinging = setInterval(() => {
      ada.client.send({ type: 'ping' })
      bob.client.send({ type: 'ping' })
    }, 300)
    try {
      two.process.kill('SIGSTOP')
      const gone = await ada.client.next('presence', WINDOW_MS + 2000)
      expect(gone).toMatchObject({ online: 1, members: 2, changed: [{ id: bob.joined.you.id, active: false }] })
      // Shorter than the idle timeout (two windows): Bob's socket lives through it.
      await sleep(2500 - WINDOW_MS)
      two.process.kill('SIGCONT')
      const back = await ada.client.next('presence', 3000)
      expect(back).toMatchObject({ online: 2, members: 2, changed: [{ id: bob.joined.you.id, active: true }] })
      await sleep(500)
      expect(bob.client.frames.filter(f => f.type === 'pong').at(-1)).toMatchObject({ online: 2, members: 2 })
    }
    finally {
      clearInterval(pinging)
      two.process.kill('SIGCONT')
    }
  })

  it('an instance that reconnects to Redis says its state again: a member who joined elsewhere meanwhile sees everyone online', async () => {
    const ada = await joinRoom(one.wsUrl, 'reconnect', 'Ada')
    const pinging = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    const admin = new Redis(redis.url)
    try {
      // Cut every link of the instances and wipe what instance one recorded:
      // what its peers know of Ada comes back only from its announcement.
      await admin.del('hb:{reconnect}:live')
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
      await sleep(1500)
      const bob = await joinRoom(two.wsUrl, 'reconnect', 'Bob')
      expect(bob.joined.presence).toMatchObject({ online: 2, members: 2 })
    }
    finally {
      clearInterval(pinging)
      admin.disconnect()
    }
  })
})
