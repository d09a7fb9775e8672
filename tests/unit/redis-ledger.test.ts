import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisUploadLedger } from '../../server/files/redis-ledger'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { describeUploadLedger, pending } from './upload-ledger.contract'

let redis: RunningRedis
const ledgers: RedisUploadLedger[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterEach(async () => {
  await Promise.all(ledgers.splice(0).map(ledger => ledger.close()))
  const admin = new Redis(redis.url)
  await admin.flushall()
  admin.disconnect()
})
afterAll(() => redis.kill())

describeUploadLedger('RedisUploadLedger', async () => {
  const ledger = new RedisUploadLedger(redis.url, 1000)
  ledgers.push(ledger)
  return ledger
})

describe('RedisUploadLedger', () => {
  it('an upload not sent in time cannot be sent: Redis expires it', async () => {
    const ledger = new RedisUploadLedger(redis.url, 1000)
    ledgers.push(ledger)
    await ledger.add(pending('a'), 1000, 200)
    await ledger.add(pending('b'), 1000, 60_000)
    await new Promise(resolve => setTimeout(resolve, 400))
    expect(await ledger.claim('r', 'm1', ['a'], undefined)).toBeUndefined()
    expect(await ledger.claim('r', 'm1', ['b'], undefined)).toHaveLength(1)
  })
})
