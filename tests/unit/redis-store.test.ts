import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { RedisRoomStore } from '../../server/rooms/redis/redis-store'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { describeRoomConversation } from './room-conversation.contract'
import { describeConversationTools } from './room-finding.contract'
import { describeThreads } from './room-threads.contract'
import { describeRoomCreation } from './room-create.contract'
import { describeRoomHub } from './room-hub.contract'
import { describeRoomOwnership } from './room-owner.contract'
import { describePrivateRooms } from './room-private.contract'
import { describeRoomRules } from './room-rules.contract'
import { describeRoomStore } from './room-store.contract'

let redis: RunningRedis
const stores: RedisRoomStore[] = []
const hubs: RoomHub[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterEach(async () => {
  for (const hub of hubs.splice(0)) hub.stop()
  await Promise.all(stores.splice(0).map(store => store.close()))
  const admin = new Redis(redis.url)
  await admin.flushall()
  admin.disconnect()
})
afterAll(() => redis.kill())

async function createStore(historyLimit = 10, windowMs = 8000, onDataLost?: () => void) {
  const store = new RedisRoomStore({ url: redis.url, historyLimit, windowMs, emptyRoomGraceMs: 30_000, commandTimeoutMs: 1000, log: () => {}, onDataLost })
  stores.push(store)
  await store.ready()
  return store
}

describeRoomStore('RedisRoomStore', historyLimit => createStore(historyLimit))
describeRoomHub('Redis store', () => createStore(500, 400))
describeRoomConversation('Redis store', () => createStore(500, 400))
describeConversationTools('Redis store', () => createStore(500, 400))
describeThreads('Redis store', () => createStore(500, 400))
describeRoomOwnership('Redis store', () => createStore(500, 400))
describePrivateRooms('Redis store', () => createStore(500, 400))
describeRoomCreation('Redis store', () => createStore(500, 400))
describeRoomRules('RedisRoomStore', () => createStore(500))

describe('RedisRoomStore across instances', () => {
  const member = { id: 'a', roomId: 'lobby', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1, offline: false }

  it('finds a message by id with one probe of the room\'s id index, never an LRANGE of the history; the index holds only held messages', async () => {
    const store = await createStore(100)
    await store.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
    await store.addMember(member, 10)
    for (let i = 1; i <= 150; i++) await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: `t${i}`, at: i })
    const admin = new Redis(redis.url)
    await admin.config('RESETSTAT')
    for (let i = 0; i < 50; i++) expect(await store.toggleReaction('lobby', `nope-${i}`, 'a', '👍')).toBe('not-found')
    expect(await store.toggleReaction('lobby', 'm120', 'a', '👍')).toMatchObject({ seq: 120, reactions: { '👍': ['a'] } })
    expect(await store.editMessage('lobby', 'm150', 'a', 'edited', 5)).toMatchObject({ seq: 150, text: 'edited' })
    expect(await store.findMessage('lobby', 'm51')).toMatchObject({ seq: 51 })
    // Trimmed out of the history, and out of the index with it.
    expect(await store.findMessage('lobby', 'm50')).toBeUndefined()
    const stats = await admin.info('commandstats')
    expect(stats).not.toMatch(/cmdstat_lrange:/)
    const indexed = (await admin.hkeys('hb:{lobby}:room')).filter(field => field.startsWith('msg:'))
    admin.disconnect()
    expect(indexed).toHaveLength(100)
  })

  it('instances see each other alive while they beat, and one that stops beating falls silent', async () => {
    const [one, two] = [await createStore(), await createStore()]
    await one.peers.beat(300)
    expect(await two.peers.beat(300)).toEqual(new Set([one.peers.instanceId]))
    expect(await one.peers.beat(300)).toEqual(new Set([two.peers.instanceId]))
    await new Promise(resolve => setTimeout(resolve, 400))
    // `one` beats on; `two` has not beaten for longer than the silence allowed.
    await two.peers.beat(300)
    await new Promise(resolve => setTimeout(resolve, 400))
    expect(await two.peers.beat(300)).toEqual(new Set())
    expect(await one.peers.beat(300)).toEqual(new Set([two.peers.instanceId]))
  })

  it('records who each instance holds active in a room, on changes only, and drops dead instances\' records', async () => {
    const [one, two] = [await createStore(), await createStore()]
    await one.peers.writeLive('lobby', [['a', true], ['b', true]])
    await two.peers.writeLive('lobby', [['a', true]])
    await one.peers.writeLive('lobby', [['b', false]])
    expect(await one.peers.readLive('lobby')).toEqual(new Map([[one.peers.instanceId, ['a']], [two.peers.instanceId, ['a']]]))
    await one.peers.replaceLive('lobby', ['c', 'd'])
    expect((await two.peers.readLive('lobby')).get(one.peers.instanceId)?.sort()).toEqual(['c', 'd'])
    await two.peers.pruneLive('lobby', new Set([two.peers.instanceId]))
    expect(await two.peers.readLive('lobby')).toEqual(new Map([[two.peers.instanceId, ['a']]]))
    expect(await two.peers.readLive('nowhere')).toEqual(new Map())
  })

  it('two instances racing for a name: exactly one gets a free one, nobody takes a silent member\'s, and nobody leaves', async () => {
    const [one, two] = [await createStore(), await createStore()]
    const events: string[] = []
    for (const store of [one, two]) store.onEvent((_, event) => event.kind === 'left' && events.push(event.memberId))
    await one.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
    await one.subscribe('lobby')
    await one.addMember(member, 10)
    const now = Date.now()
    const race = (name: string) => Promise.all([one, two].flatMap((store, i) => [0, 1].map(j =>
      store.addMember({ ...member, id: `${name}${i}${j}`, name, tokenHash: `t${name}${i}${j}`, lastSeenAt: now }, 10))))
    expect(await race('ada')).toEqual(['name-taken', 'name-taken', 'name-taken', 'name-taken'])
    const bea = await race('Bea')
    expect(bea.filter(r => r === 'added')).toHaveLength(1)
    expect(bea.filter(r => r === 'name-taken')).toHaveLength(3)
    expect((await one.listMembers('lobby')).map(m => m.name).sort()).toEqual(['Ada', 'Bea'])
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(events).toEqual([])
  })

  it('names are unique across instances and every key of an empty room expires', async () => {
    const [one, two] = [await createStore(), await createStore()]
    await one.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
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

describe('RedisRoomStore when Redis misbehaves', () => {
  const member = { id: 'a', roomId: 'lobby', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1, offline: false }
  let admin: Redis

  beforeEach(() => {
    admin = new Redis(redis.url)
  })
  afterEach(() => admin.disconnect())

  async function hubOn(store: RedisRoomStore) {
    const hub = new RoomHub({ store, heartbeatWindowMs: 400, sweepIntervalMs: 50, log: () => {} })
    hub.start()
    hubs.push(hub)
    return hub
  }

  async function join(hub: RoomHub, roomId: string, name: string) {
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true }))
    return { conn, joined: await conn.waitFor('joined') }
  }

  it('a member\'s dedupe window is bounded, and goes with the member and the room', async () => {
    const store = await createStore(500)
    await store.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
    await store.addMember(member, 10)
    for (let i = 0; i < 300; i++) {
      await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: 'x'.repeat(1000), at: 1, clientId: `c${i}` })
    }
    const sentKeys = await admin.keys('*sent*')
    expect(sentKeys.every(key => key.startsWith('hb:{lobby}:'))).toBe(true)
    const remembered = await Promise.all(sentKeys.map(key => admin.type(key).then(type => type === 'hash' ? admin.hlen(key) : type === 'list' ? admin.llen(key) : 1)))
    expect(Math.max(...remembered)).toBe(256)
    expect(remembered.reduce((sum, n) => sum + n, 0)).toBe(2 * 256)

    await store.removeMember('lobby', 'a')
    expect(await admin.keys('*sent*')).toEqual([])
    await store.deleteRoomIfEmpty('lobby')
    expect(await admin.keys('hb:{lobby}:*')).toEqual([])
  })

  it('a command Redis does not answer in time fails as unavailable, and health says so until Redis answers again', async () => {
    const store = await createStore()
    await store.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
    const sleeping = admin.call('DEBUG', 'SLEEP', '2')
    await new Promise(resolve => setTimeout(resolve, 50))
    const startedAt = Date.now()
    const error = await store.getRoom('lobby').then(() => undefined, (failure: unknown) => failure)
    expect(Date.now() - startedAt).toBeLessThan(1500)
    expect(store.isUnavailableError(error)).toBe(true)
    expect(store.health().state).toBe('unavailable')
    await sleeping
    await vi.waitFor(() => expect(store.health().state).toBe('ready'), { timeout: 2500 })
    expect(await store.getRoom('lobby')).toMatchObject({ id: 'lobby' })
  })

  it('a join whose link drops while its member is added can join again under its name', async () => {
    const store = await createStore(500, 400)
    const commands = (store as unknown as { redis: Redis }).redis
    const addMember = store.addMember.bind(store)
    let dropped = false
    // Redis is busy when the add-member script arrives, and the link drops
    // before the reply: Redis runs the script, and its answer is lost.
    store.addMember = async (...args) => {
      if (dropped) return addMember(...args)
      dropped = true
      const sleeping = admin.call('DEBUG', 'SLEEP', '0.3')
      await new Promise(resolve => setTimeout(resolve, 50))
      const adding = addMember(...args)
      await new Promise(resolve => setTimeout(resolve, 50))
      commands.stream.destroy()
      await sleeping
      return adding
    }
    const hub = await hubOn(store)
    const first = new FakeConnection()
    hub.open(first)
    hub.receive(first, JSON.stringify({ type: 'join', roomId: 'blip', name: 'Ada', create: true }))
    expect(await first.waitFor('error')).toMatchObject({ code: 'UNAVAILABLE' })
    const again = await join(hub, 'blip', 'Ada')
    expect(again.joined.presence).toMatchObject({ online: 1, members: 1 })
  })

  it('a member a failed join added is taken out once Redis is back, if it was out of reach then', async () => {
    const store = await createStore()
    await store.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 10)
    await store.addMember(member, 10)
    const commands = (store as unknown as { redis: Redis }).redis
    commands.stream.destroy()
    await store.undoAddMember('lobby', 'a')
    expect(await admin.hlen('hb:{lobby}:members')).toBe(1)
    await vi.waitFor(async () => expect(await admin.hlen('hb:{lobby}:members')).toBe(0), { timeout: 3000 })
    expect(await store.addMember({ ...member, id: 'b', tokenHash: 'h2' }, 10)).toBe('added')
  })

  it('a room lost from Redis (evicted, flushed) closes its sockets with 1012 so they join again; other rooms go on', async () => {
    // As the server wires it (server/utils/room-hub.ts): a Redis that lost
    // everything is noticed by the epoch, since pings no longer reach Redis.
    let lost = () => {}
    const hub = await hubOn(await createStore(500, 400, () => lost()))
    lost = () => hub.restartSessions()
    const ada = await join(hub, 'evicted', 'Ada')
    const bob = await join(hub, 'kept', 'Bob')
    await admin.del(...await admin.keys('hb:{evicted}:*'))
    hub.receive(ada.conn, '{"type":"chat","text":"into the void"}')
    await vi.waitFor(() => expect(ada.conn.closedWith?.code).toBe(1012))
    hub.receive(bob.conn, '{"type":"chat","text":"still here"}')
    expect(await bob.conn.waitFor('chat')).toMatchObject({ text: 'still here' })
    expect(bob.conn.closedWith).toBeUndefined()

    await admin.flushall()
    await vi.waitFor(() => expect(bob.conn.closedWith?.code).toBe(1012), { timeout: 3000 })
  })
})
