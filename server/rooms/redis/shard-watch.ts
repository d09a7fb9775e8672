import calculateSlot from 'cluster-key-slot'
import type Redis from 'ioredis'
import { roomKeys } from './keys'

export interface ShardWatch {
  /** The node the room's channel is read from, as this process knows the slot map now. */
  nodeOf: (roomId: string) => string | undefined
  /**
   * The room is subscribed, on `node` (nodeOf when it was sent); `seq` is its
   * seq in the store once it was. Throws when the slot moved meanwhile: the
   * subscription may be on a node that no longer serves it, and the join
   * that made it fails, to be tried again by the page.
   */
  subscribed: (roomId: string, seq: number, node: string | undefined) => void
  unsubscribed: (roomId: string) => void
  /**
   * Whether a chat with this seq follows the last one heard in its room. A
   * seq that skips some (they were published while this subscription was
   * not listening: a subscriber moving between a shard's nodes, however
   * short) is not relayed: the room's sockets join again instead and get
   * every message after the last they saw, in order.
   */
  inSequence: (roomId: string, seq: number) => boolean
}

/**
 * Which rooms' shard channels may have lost events. Pub/sub keeps nothing:
 * while a shard fails over, what its new master publishes before this
 * instance's subscriber has moved there is gone for this instance's sockets.
 * ioredis moves the subscriber itself (a new connection per master, the
 * channels subscribed again, then `subscribersReady`); this notes, for each
 * room subscribed, the node its channel was read from, and when the
 * subscribers are ready again after a change, names every room whose node
 * changed. Their sockets join again (1012) and get what they missed from the
 * history, as after any reconnect. A subscription that missed chat without
 * changing nodes (a dropped connection, a subscription made on a node that
 * was just handing its shard over) is found by the next chat's seq
 * (inSequence); other events missed that way (presence, an edit) are not.
 */
/** After the subscribers are ready again, the rooms' seqs are read again this long after, and again. */
const RECHECK_AFTER_MS = [1000, 3000]

export function watchShards(subscriber: Redis, onEventsMissed: (roomId: string) => void, log: (message: string) => void, readSeq: (roomId: string) => Promise<number>): ShardWatch {
  const cluster = subscriber as unknown as { slots: string[][] }
  /** roomId -> the node its channel is read from (undefined before the slot map is known). */
  const readFrom = new Map<string, string | undefined>()
  /** roomId -> the seq of the last chat heard in it since it was subscribed. */
  const lastSeq = new Map<string, number>()
  const nodeOf = (roomId: string) => cluster.slots[calculateSlot(roomKeys(roomId).channel)]?.[0]

  // A chat published while the subscriber moved, with none after it, shows
  // no gap to inSequence: once the move settles, each room's seq in the
  // store is read again (a command per room, only after a move), and a room
  // whose store is ahead of what was heard joins again.
  const recheck = async () => {
    for (const roomId of [...lastSeq.keys()]) {
      const stored = await readSeq(roomId).catch(() => undefined)
      const heard = lastSeq.get(roomId)
      if (stored === undefined || heard === undefined || stored <= heard) continue
      lastSeq.delete(roomId)
      onEventsMissed(roomId)
    }
  }
  subscriber.on('subscribersReady', () => {
    for (const delay of RECHECK_AFTER_MS) setTimeout(() => void recheck(), delay).unref?.()
    const missed: string[] = []
    for (const [roomId, before] of readFrom) {
      const now = nodeOf(roomId)
      readFrom.set(roomId, now)
      if (before !== undefined && before !== now) missed.push(roomId)
    }
    if (missed.length === 0) return
    log(`redis shard channels moved: the sockets of ${missed.length} rooms join again to catch up`)
    for (const roomId of missed) onEventsMissed(roomId)
  })
  return {
    nodeOf,
    subscribed: (roomId, seq, node) => {
      if (node !== nodeOf(roomId)) throw new Error('the room\'s redis shard moved while subscribing')
      readFrom.set(roomId, node)
      lastSeq.set(roomId, Math.max(seq, lastSeq.get(roomId) ?? 0))
    },
    unsubscribed: (roomId) => {
      readFrom.delete(roomId)
      lastSeq.delete(roomId)
    },
    inSequence: (roomId, seq) => {
      const last = lastSeq.get(roomId)
      if (last !== undefined && seq <= last) return true
      if (last !== undefined && seq > last + 1) {
        lastSeq.delete(roomId)
        log('redis shard channel skipped messages: a room\'s sockets join again to catch up')
        onEventsMissed(roomId)
        return false
      }
      lastSeq.set(roomId, seq)
      return true
    },
  }
}
