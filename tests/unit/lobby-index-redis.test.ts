import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { RedisRoomStore } from '../../server/rooms/redis/redis-store'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { describeLobbyIndex } from './lobby-index.contract'

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

describeLobbyIndex('RedisLobbyIndex', async () => {
  const store = new RedisRoomStore({ url: redis.url, historyLimit: 10, windowMs: 8000, emptyRoomGraceMs: 30_000, commandTimeoutMs: 2000, log: () => {} })
  stores.push(store)
  await store.ready()
  return store.lobbyIndex()
})
