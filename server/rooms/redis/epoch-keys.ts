import calculateSlot from 'cluster-key-slot'
import type Redis from 'ioredis'
import { isCluster } from './redis-client'

const EPOCH_KEY = 'hb:epoch'
const tagOfSlot = new Map<number, string>()

// A hash tag whose key lands in the slot: found by trying tags in turn (16384
// slots: a few thousand tries, once per slot, remembered).
function tagFor(slot: number): string {
  let tag = tagOfSlot.get(slot)
  for (let i = 0; tag === undefined; i++) {
    if (calculateSlot(`epoch-${i}`) === slot) tag = `epoch-${i}`
  }
  tagOfSlot.set(slot, tag)
  return tag
}

/**
 * The keys that hold the epoch: one on a single Redis; on a cluster, one on
 * each master (in the first slot it serves), so that a shard that lost its
 * data (restarted empty, flushed, a replica promoted without it) is noticed
 * like a whole Redis that did. Follows the slot map: a master that takes
 * over a shard serves the same slots and so holds the same key.
 */
export function epochKeys(redis: Redis): string[] {
  if (!isCluster(redis)) return [EPOCH_KEY]
  const slots = (redis as unknown as { slots: string[][] }).slots
  const firstSlot = new Map<string, number>()
  slots.forEach((nodes, slot) => {
    const master = nodes?.[0]
    if (master !== undefined && !firstSlot.has(master)) firstSlot.set(master, slot)
  })
  return [...firstSlot.values()].map(slot => `hb:{${tagFor(slot)}}:epoch`)
}
