import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisRoomStore } from '../../server/rooms/redis/redis-store'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { describeRoomHub } from './room-hub.contract'
import { describeRoomStore } from './room-store.contract'

let redis: RunningRedis
const stores: RedisRoomStore[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterEach(async () => {
  await Promise.all(stores.splice(0).map(store => store.close()))
  const admin = new Redis(redis.url)
  await admin.flushall()
  admin.disconnect()
})
afterAll(() => redis.kill())

async function createStore(historyLimit = 10, windowMs = 8000) {
  const store = new RedisRoomStore({ url: redis.url, historyLimit, windowMs, emptyRoomGraceMs: 30_000, log: () => {} })
  stores.push(store)
  await store.ready()
  return store
}

describeRoomStore('RedisRoomStore', historyLimit => createStore(historyLimit))
describeRoomHub('Redis store', () => createStore(500, 400))

describe('RedisRoomStore across instances', () => {
  const member = { id: 'a', roomId: 'lobby', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1, offline: false }

  it('a member with sockets on two instances stays online until both let go', async () => {
    const [one, two] = [await createStore(), await createStore()]
    await one.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1 }, 10)
    await one.addMember(member, 10)
    await one.touchMember('lobby', 'a', Date.now())
    await two.touchMember('lobby', 'a', Date.now())
    expect(await one.releaseMember('lobby', 'a')).toMatchObject({ offline: false })
    expect(await two.releaseMember('lobby', 'a')).toMatchObject({ offline: true })
  })

  it('an instance that stopped heartbeating (it died) does not keep a member online', async () => {
    const [survivor, dead] = [await createStore(10, 200), await createStore(10, 200)]
    await survivor.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1 }, 10)
    await survivor.addMember(member, 10)
    await dead.touchMember('lobby', 'a', Date.now() - 500)
    await survivor.touchMember('lobby', 'a', Date.now())
    expect(await survivor.releaseMember('lobby', 'a')).toMatchObject({ offline: true })
  })

  it('two instances racing to take over a silent member\'s name: exactly one gets it, and one leave is published', async () => {
    const [one, two] = [await createStore(), await createStore()]
    const events: string[] = []
    for (const store of [one, two]) store.onEvent((_, event) => event.kind === 'left' && events.push(event.memberId))
    await one.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1 }, 10)
    await one.subscribe('lobby')
    await one.addMember(member, 10)
    const now = Date.now()
    const results = await Promise.all([one, two].flatMap((store, i) => [0, 1].map(j =>
      store.addMember({ ...member, id: `n${i}${j}`, name: 'ada', tokenHash: `t${i}${j}`, lastSeenAt: now }, 10, now - 100))))
    expect(results.filter(r => r === 'added')).toHaveLength(1)
    expect(results.filter(r => r === 'name-taken')).toHaveLength(3)
    expect((await one.listMembers('lobby')).map(m => m.name)).toEqual(['ada'])
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(events).toEqual(['a'])
  })

  it('names are unique across instances and every key of an empty room expires', async () => {
    const [one, two] = [await createStore(), await createStore()]
    await one.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1 }, 10)
    expect(await one.addMember(member, 10)).toBe('added')
    expect(await two.addMember({ ...member, id: 'b', name: 'ADA', tokenHash: 'h2' }, 10)).toBe('name-taken')
    await one.appendMessage({ type: 'chat', id: 'm', roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: 'hi', at: 1 })
    await two.removeMember('lobby', 'a')
    const admin = new Redis(redis.url)
    const keys = await admin.keys('hb:{lobby}:*')
    const ttls = await Promise.all(keys.map(key => admin.pttl(key)))
    admin.disconnect()
    expect(keys.length).toBeGreaterThan(0)
    expect(ttls.every(ttl => ttl > 0 && ttl <= 30_000)).toBe(true)
  })
})
