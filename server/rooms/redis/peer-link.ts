import type { InstanceHealth, PeerLink } from '../room-store'
import { INSTANCE_LOAD_KEY, INSTANCES_KEY, roomKeys } from './keys'

interface PeerCommands {
  on(event: 'ready', listener: () => void): unknown
  hset(key: string, field: string, value: string | number): Promise<number>
  hgetall(key: string): Promise<Record<string, string>>
  hdel(key: string, ...fields: string[]): Promise<number>
  hkeys(key: string): Promise<string[]>
  multi(): { hset(key: string, field: string, value: string | number): unknown, hdel(key: string, ...fields: string[]): unknown, pexpire(key: string, ms: number): unknown, exec(): Promise<unknown> }
}

type RunScript = (script: 'LIVE_REPLACE' | 'LIVE_PRUNE', keys: string[], ...args: (string | number)[]) => Promise<unknown>

/** A record of who an instance holds active outlives a quiet room this long at most; dead instances' fields go sooner, by the lease holder. */
const LIVE_TTL_MS = 24 * 60 * 60 * 1000
/** A beat record this old belongs to an instance long gone: removed, so the hash stays the size of the live fleet. */
const FORGOTTEN_AFTER_MS = 10 * 60 * 1000

/**
 * The Redis side of presence kept in each process: one hash of beats for the
 * whole fleet (a write and a read a second per instance, whatever the
 * sockets), and per room a hash of `instanceId:memberId` written on changes
 * only. An instance is alive while its beat keeps changing: each reader
 * times that with its own clock, so clocks that disagree do not matter.
 */
export class RedisPeerLink implements PeerLink {
  /** peerId -> [the beat value last seen, when this process saw it change]. */
  private readonly beats = new Map<string, [string, number]>()
  private beaten = false
  private lastBeatAt = 0
  links = 0

  /** `lost` is told when this instance's own beat was gone from Redis: its data may be lost (a flush, an eviction, a failover). */
  constructor(readonly instanceId: string, private readonly redis: PeerCommands, private readonly run: RunScript, private readonly lost: () => void) {
    redis.on('ready', () => this.links++)
  }

  async beat(silentMs: number): Promise<Set<string>> {
    const now = Date.now()
    const added = await this.redis.hset(INSTANCES_KEY, this.instanceId, now)
    if (added === 1 && this.beaten) this.lost()
    this.beaten = true
    this.lastBeatAt = now
    const recorded = await this.redis.hgetall(INSTANCES_KEY)
    const alive = new Set<string>()
    const forgotten: string[] = []
    for (const [peerId, value] of Object.entries(recorded)) {
      if (peerId === this.instanceId) continue
      const known = this.beats.get(peerId)
      // First sight: alive if its beat is recent by this clock; from then on, while it changes.
      const changedAt = known === undefined ? Math.min(now, Number(value)) : known[0] === value ? known[1] : now
      this.beats.set(peerId, [value, changedAt])
      if (now - changedAt <= silentMs) alive.add(peerId)
      else if (now - changedAt > FORGOTTEN_AFTER_MS) forgotten.push(peerId)
    }
    for (const peerId of this.beats.keys()) if (!(peerId in recorded)) this.beats.delete(peerId)
    if (forgotten.length > 0) await this.redis.hdel(INSTANCES_KEY, ...forgotten)
    return alive
  }

  async fleet(self: { name: string, connections: number }): Promise<InstanceHealth[]> {
    const now = Date.now()
    await this.redis.hset(INSTANCE_LOAD_KEY, this.instanceId, JSON.stringify(self))
    const loads = await this.redis.hgetall(INSTANCE_LOAD_KEY)
    const fleet: InstanceHealth[] = [{ instanceId: this.instanceId, ...self, beatAgeMs: this.lastBeatAt ? now - this.lastBeatAt : -1 }]
    for (const [peerId, [, changedAt]] of this.beats) {
      fleet.push({ instanceId: peerId, ...publishedLoad(loads[peerId]), beatAgeMs: now - changedAt })
    }
    // The beats prune INSTANCES_KEY; the loads follow them, so this hash stays the size of the fleet too.
    const gone = Object.keys(loads).filter(peerId => peerId !== this.instanceId && !this.beats.has(peerId))
    if (gone.length > 0) await this.redis.hdel(INSTANCE_LOAD_KEY, ...gone)
    return fleet
  }

  async writeLive(roomId: string, changes: ReadonlyArray<readonly [memberId: string, active: boolean]>): Promise<void> {
    const live = roomKeys(roomId).live
    const batch = this.redis.multi()
    for (const [memberId, active] of changes) {
      if (active) batch.hset(live, `${this.instanceId}:${memberId}`, 1)
      else batch.hdel(live, `${this.instanceId}:${memberId}`)
    }
    batch.pexpire(live, LIVE_TTL_MS)
    await batch.exec()
  }

  async replaceLive(roomId: string, activeIds: string[]): Promise<void> {
    await this.run('LIVE_REPLACE', [roomKeys(roomId).live], this.instanceId, LIVE_TTL_MS, ...activeIds)
  }

  async readLive(roomId: string): Promise<Map<string, string[]>> {
    const byPeer = new Map<string, string[]>()
    for (const field of Object.keys(await this.redis.hgetall(roomKeys(roomId).live))) {
      const cut = field.indexOf(':')
      const peerId = field.slice(0, cut)
      const ids = byPeer.get(peerId) ?? []
      ids.push(field.slice(cut + 1))
      byPeer.set(peerId, ids)
    }
    return byPeer
  }

  async pruneLive(roomId: string, alive: ReadonlySet<string>): Promise<void> {
    await this.run('LIVE_PRUNE', [roomKeys(roomId).live], ...alive)
  }
}

function publishedLoad(value: string | undefined): { name?: string, connections?: number } {
  try {
    const load = JSON.parse(value ?? 'null') as { name?: unknown, connections?: unknown } | null
    return { name: typeof load?.name === 'string' ? load.name : undefined, connections: typeof load?.connections === 'number' ? load.connections : undefined }
  }
  catch {
    return {}
  }
}
