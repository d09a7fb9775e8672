import { randomBytes } from 'node:crypto'
import type Redis from 'ioredis'
import type { StoreHealth } from '../types'

const EPOCH_KEY = 'hb:epoch'

/**
 * Follows the connection: logs each change of state once (not every retry),
 * turns the offline queue off after the first connect so that commands fail
 * fast while Redis is away, and tells a Redis that came back empty (restarted
 * without persistence) from one that was only out of reach, by a random epoch
 * written on first connect.
 */
export function watchConnection(redis: Redis, options: { log: (message: string) => void, onDataLost?: () => void }) {
  let state: StoreHealth['state'] = 'connecting'
  let epoch: string | undefined
  let markReady: () => void
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })

  redis.on('ready', async () => {
    try {
      const mine = randomBytes(9).toString('base64url')
      await redis.set(EPOCH_KEY, mine, 'NX')
      const current = await redis.get(EPOCH_KEY)
      if (epoch !== undefined && current !== epoch) {
        options.log('redis came back without its data: asking every client to join again')
        options.onDataLost?.()
      }
      epoch = current ?? mine
      if (state !== 'ready') options.log('redis ready')
      state = 'ready'
      redis.options.enableOfflineQueue = false
      markReady()
    }
    catch (error) {
      options.log(`redis epoch check failed: ${String(error)}`)
    }
  })
  redis.on('error', (error: Error) => {
    if (state === 'unavailable') return
    options.log(`redis unavailable: ${error.message}`)
    state = 'unavailable'
  })
  redis.on('reconnecting', () => {
    if (state === 'ready') state = 'connecting'
  })

  return { state: () => state, ready }
}
