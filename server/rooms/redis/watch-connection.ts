import { randomBytes } from 'node:crypto'
import type Redis from 'ioredis'
import type { StoreHealth } from '../types'
import type { CoreLog } from '../../log'
import { epochKeys } from './epoch-keys'

/** While commands time out, how often one PING asks whether Redis answers again. */
const PROBE_INTERVAL_MS = 1000

export interface WatchedConnection {
  state: () => StoreHealth['state']
  ready: Promise<void>
  /** Whether the error is a command's failure for want of an answer (timeout, no connection), not Redis's reply. */
  isOutage: (error: unknown) => boolean
  /** Compares the epoch key with the one this process knows; a different or missing one means the data is gone. */
  checkEpoch: () => Promise<void>
  dispose: () => void
}

/**
 * Follows the connection: logs each change of state once (not every retry),
 * turns the offline queue off after the first connect so that commands fail
 * fast while Redis is away, and tells a Redis that came back empty (restarted
 * without persistence, flushed, or evicted) from one that was only out of
 * reach, by a random epoch written on first connect.
 *
 * A Redis that hangs (paused, swapping, a long script) keeps its socket open,
 * so no event says so: a command that times out marks the store unavailable
 * until some command is answered again, and while it is, one PING a second
 * finds out when that is.
 */
export function watchConnection(redis: Redis, options: { log: CoreLog, onDataLost?: () => void }): WatchedConnection {
  let state: StoreHealth['state'] = 'connecting'
  let stalled = false
  let probe: ReturnType<typeof setInterval> | undefined
  /** epoch key -> the epoch it held when last read: one key on a single Redis, one per master on a cluster. */
  const epochs = new Map<string, string>()
  let checking: Promise<void> | undefined
  const outages = new WeakSet<object>()
  let markReady: () => void
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })

  const answered = () => {
    if (!stalled) return
    stalled = false
    clearInterval(probe)
    probe = undefined
    options.log('redis answers again', 'store_recovered')
  }
  const failed = (error: Error) => {
    if (error.name !== 'ReplyError') outages.add(error)
    if (stalled || error.message !== 'Command timed out') return
    stalled = true
    options.log('redis unavailable: commands time out', 'store_degraded', {}, 'error')
    probe = setInterval(() => void redis.ping().catch(() => {}), PROBE_INTERVAL_MS)
    probe.unref?.()
  }
  const send = redis.sendCommand.bind(redis)
  // Every argument passes on: a cluster's sendCommand takes a third (the node a pipeline goes to).
  redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    args[0].promise.then(answered, failed)
    return send(...args)
  }

  const checkEpoch = () => {
    checking ??= (async () => {
      const lost = await Promise.all(epochKeys(redis).map(async (key) => {
        const mine = randomBytes(9).toString('base64url')
        await redis.set(key, mine, 'NX')
        const current = await redis.get(key) ?? mine
        const known = epochs.get(key)
        epochs.set(key, current)
        return known !== undefined && current !== known
      }))
      if (lost.includes(true)) {
        options.log('redis lost its data: asking every client to join again', 'store_data_lost', {}, 'error')
        options.onDataLost?.()
      }
    })().finally(() => {
      checking = undefined
    })
    return checking
  }

  // The epoch is checked before the store says it is ready; a check that
  // fails (a command lost as the link came up) is tried again while the link
  // stays up, rather than leaving the store unavailable until a reconnect.
  let recheck: ReturnType<typeof setTimeout> | undefined
  const onReady = () => {
    clearTimeout(recheck)
    checkEpoch().then(() => {
      if (state !== 'ready') options.log('redis ready', 'store_ready')
      state = 'ready'
      redis.options.enableOfflineQueue = false
      markReady()
    }, (error: unknown) => {
      options.log(`redis epoch check failed: ${String(error)}`)
      if (redis.status !== 'ready') return
      recheck = setTimeout(onReady, PROBE_INTERVAL_MS)
      recheck.unref?.()
    })
  }
  redis.on('ready', onReady)
  redis.on('error', (error: Error) => {
    if (state === 'unavailable') return
    options.log(`redis unavailable: ${error.message}`, 'store_degraded', {}, 'error')
    state = 'unavailable'
  })
  redis.on('reconnecting', () => {
    if (state === 'ready') state = 'connecting'
  })

  return {
    state: () => (stalled && state === 'ready' ? 'unavailable' : state),
    ready,
    isOutage: error => typeof error === 'object' && error !== null && outages.has(error),
    checkEpoch,
    dispose: () => {
      clearInterval(probe)
      clearTimeout(recheck)
    },
  }
}
