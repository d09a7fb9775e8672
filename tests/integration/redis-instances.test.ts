import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisRoomStore } from '../../server/rooms/redis/redis-store'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

// FAST_ENV's heartbeat window is 1.5 s and the sweep runs every 100 ms.
const WINDOW_MS = 1500

let redis: RunningRedis
let one: RunningServer
let two: RunningServer
let three: RunningServer

beforeAll(async () => {
  redis = await startRedis()
  ;[one, two, three] = await Promise.all([1, 2, 3].map(() => startServer({ NUXT_REDIS_URL: redis.url })))
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([one, two, three].map(server => server.stop()))
  await redis.kill()
})

describe('several instances on one Redis', () => {
  it('members on different instances see one room: one count, one seq order, one history', async () => {
    const ada = await joinRoom(one.wsUrl, 'shared', 'Ada')
    const bob = await joinRoom(two.wsUrl, 'shared', 'Bob')
    expect(bob.joined.presence).toMatchObject({ online: 2, members: 2 })
    expect(await ada.client.next('presence')).toMatchObject({ online: 2, members: 2, changed: [{ name: 'Bob', active: true }] })

    ada.client.send({ type: 'chat', text: 'from one' })
    bob.client.send({ type: 'chat', text: 'from two' })
    const onOne = [await ada.client.next('chat'), await ada.client.next('chat')]
    const onTwo = [await bob.client.next('chat'), await bob.client.next('chat')]
    expect(onTwo.map(m => [m.seq, m.text])).toEqual(onOne.map(m => [m.seq, m.text]))
    expect(onOne[1]!.seq).toBe(onOne[0]!.seq + 1)

    const cy = await joinRoom(three.wsUrl, 'shared', 'Cy')
    expect(cy.joined.history.map(m => m.text)).toEqual(onOne.map(m => m.text))
    expect(cy.joined.presence).toMatchObject({ online: 3, members: 3 })
    expect((await ada.client.next('presence')).online).toBe(3)
    expect((await bob.client.next('presence')).online).toBe(3)
  })

  it('a name is unique across instances', async () => {
    await joinRoom(one.wsUrl, 'names', 'Ada')
    const twin = await connect(two.wsUrl)
    twin.send({ type: 'join', roomId: 'names', name: 'ADA' })
    expect(await twin.next('error')).toMatchObject({ code: 'NAME_TAKEN' })
  })

  it('a member on two instances (two tabs) is one member, online until both close', async () => {
    const watcher = await joinRoom(three.wsUrl, 'tabs', 'Watcher')
    const first = await joinRoom(one.wsUrl, 'tabs', 'Ada')
    const second = await joinRoom(two.wsUrl, 'tabs', 'Ada', { token: first.joined.token })
    expect(second.joined.you.id).toBe(first.joined.you.id)
    expect(second.joined.presence).toMatchObject({ online: 2, members: 2 })
    await new Promise(resolve => setTimeout(resolve, 300))
    first.client.close()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(watcher.client.frames.filter(f => f.type === 'presence').at(-1)).toMatchObject({ online: 2 })
    second.client.close()
    await expect.poll(() => watcher.client.frames.filter(f => f.type === 'presence').at(-1), { timeout: 1000 }).toMatchObject({ online: 1, members: 2 })
  })

  it('members of an instance killed without a goodbye leave online within the window plus about a second', async () => {
    const doomed = await startServer({ NUXT_REDIS_URL: redis.url })
    const ada = await joinRoom(one.wsUrl, 'sigkill', 'Ada')
    const keepAlive = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    try {
      const bob = await joinRoom(doomed.wsUrl, 'sigkill', 'Bob')
      await ada.client.next('presence')
      ada.client.send({ type: 'chat', text: 'before', clientId: 'a-1' })
      const before = await ada.client.next('chat')
      const killedAt = Date.now()
      doomed.process.kill('SIGKILL')
      const gone = await ada.client.next('presence', WINDOW_MS + 2000)
      expect(gone).toMatchObject({ online: 1, members: 2, changed: [{ id: bob.joined.you.id, active: false }] })
      expect(Date.now() - killedAt).toBeLessThan(WINDOW_MS + 1200)
      expect(ada.client.frames.filter(f => f.type === 'presence' && f.changed.some(c => c.id === bob.joined.you.id && !c.active))).toHaveLength(1)

      // Bob comes back on another instance with what it saw: everything after, once.
      ada.client.send({ type: 'chat', text: 'while Bob was away' })
      await ada.client.next('chat')
      const back = await joinRoom(two.wsUrl, 'sigkill', 'Bob', { token: bob.joined.token, lastSeq: before.seq })
      expect(back.joined).toMatchObject({ you: bob.joined.you, recovered: true })
      expect(back.joined.history.map(m => m.text)).toEqual(['while Bob was away'])
      back.client.send({ type: 'chat', text: 'sent before the crash?', clientId: 'b-1' })
      const posted = await back.client.next('chat')
      back.client.send({ type: 'chat', text: 'sent before the crash?', clientId: 'b-1' })
      expect(await back.client.next('chat')).toEqual(posted)
      await new Promise(resolve => setTimeout(resolve, 200))
      expect(ada.client.frames.filter(f => f.type === 'chat' && f.clientId === 'b-1')).toHaveLength(1)
    }
    finally {
      clearInterval(keepAlive)
      await doomed.stop()
    }
  })

  it('idle rooms cost Redis little whatever the number of instances, and health costs one command', async () => {
    const ROOMS = 300
    const store = new RedisRoomStore({ url: redis.url, historyLimit: 10, windowMs: WINDOW_MS, emptyRoomGraceMs: 30_000, commandTimeoutMs: 2000, log: () => {} })
    const admin = new Redis(redis.url)
    try {
      await store.ready()
      // Rooms whose one member closed its tab: nobody holds a socket in them.
      for (let i = 0; i < ROOMS; i++) {
        const roomId = `idle-${i}`
        await store.ensureRoom({ id: roomId, passwordHash: null, createdAt: Date.now(), title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 100_000)
        // Heard from after joining, so a lasting member rather than a drive-by to expire.
        await store.addMember({ id: `m${i}`, roomId, name: 'Idle', tokenHash: `t${i}`, joinedAt: Date.now() - 1000, lastSeenAt: Date.now() }, 10)
      }
      const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1])
      const before = await commands()
      const startedAt = Date.now()
      await new Promise(resolve => setTimeout(resolve, 6000))
      const perSecond = (await commands() - before) / ((Date.now() - startedAt) / 1000)
      // Three instances sweeping every room ten times a second cost ~50 commands per room per second.
      expect(perSecond / ROOMS).toBeLessThan(2)

      // The three instances go on sweeping while health is asked, so the
      // total seen during a probe is not health's alone: health's own command
      // (SCARD, used by nothing else here) is counted exactly, and the total
      // shows that nothing in the probe walks the rooms.
      const scards = async () => Number(/cmdstat_scard:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0)
      const PROBES = 5
      const scardsBefore = await scards()
      const seen: number[] = []
      for (let i = 0; i < PROBES; i++) {
        const start = await commands()
        expect((await fetch(`${one.url}/api/health`)).status).toBe(200)
        seen.push(await commands() - start - 1)
      }
      expect(await scards() - scardsBefore).toBe(PROBES)
      expect(Math.min(...seen)).toBeLessThan(ROOMS / 10)
    }
    finally {
      // Gone again, so the next test counts only its own rooms' commands.
      for (let i = 0; i < ROOMS; i++) {
        await store.removeMember(`idle-${i}`, `m${i}`)
        await store.deleteRoomIfEmpty(`idle-${i}`)
      }
      admin.disconnect()
      await store.close()
    }
  }, 30_000)

  it('rooms in use cost a few commands per room and tick, however many of their members are offline', async () => {
    const ROOMS = 40
    const OFFLINE = 8
    const store = new RedisRoomStore({ url: redis.url, historyLimit: 10, windowMs: WINDOW_MS, emptyRoomGraceMs: 30_000, commandTimeoutMs: 2000, log: () => {} })
    const admin = new Redis(redis.url)
    const pingers: ReturnType<typeof setInterval>[] = []
    try {
      await store.ready()
      for (let i = 0; i < ROOMS; i++) {
        const roomId = `busy-${i}`
        await store.ensureRoom({ id: roomId, passwordHash: null, createdAt: Date.now(), title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 100_000)
        for (let j = 0; j < OFFLINE; j++) {
          // Members who were here (heard from after they joined) and went offline: they stay members.
          await store.addMember({ id: `m${i}-${j}`, roomId, name: `Gone ${j}`, tokenHash: `t${i}-${j}`, joinedAt: Date.now() - 1000, lastSeenAt: Date.now() }, 100)
        }
        const { client } = await joinRoom(one.wsUrl, roomId, 'Here')
        pingers.push(setInterval(() => client.send({ type: 'ping' }), 500))
      }
      await new Promise(resolve => setTimeout(resolve, 1000))
      const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1])
      const before = await commands()
      const startedAt = Date.now()
      await new Promise(resolve => setTimeout(resolve, 5000))
      const perSecond = (await commands() - before) / ((Date.now() - startedAt) / 1000)
      // Looking at each room's offline members at every tick (ten a second
      // here) cost ~200 commands per room per second; a touch per ping costs ~14.
      expect(perSecond / ROOMS).toBeLessThan(60)
    }
    finally {
      for (const pinger of pingers) clearInterval(pinger)
      admin.disconnect()
      await store.close()
    }
  }, 40_000)
})
