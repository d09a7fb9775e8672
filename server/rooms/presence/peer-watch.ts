import type { RoomStore } from '../types'
import type { LocalLiveness } from './local-liveness'

/** Each process says it lives this often (issue 20: a beat a second). */
export const BEAT_INTERVAL_MS = 1000
/** A peer not heard for this long is taken for dead: its members go offline everywhere else. */
export const PEER_SILENCE_MS = 3000
/** The store's last-seen of the members held here is brought up to date at most this often. */
const MAX_SEEN_FLUSH_MS = 60_000

export interface PeerWatchOptions {
  windowMs: number
  memberTtlMs: number
  peerGone: (peerId: string) => void
  /** The store answers again after a break: events may have been lost both ways. */
  reconnected: () => Promise<void>
  log: (message: string) => void
}

/**
 * The slow beats of a process that keeps liveness to itself: the beat that
 * tells its peers it lives (and tells it which of them do), noticing when
 * the store comes back, and the store's last-seen of the members held here,
 * one write per room at a pace set by the membership TTL, not the pings.
 */
export class PeerWatch {
  private alivePeers = new Set<string>()
  private lastBeatAt = Number.NEGATIVE_INFINITY
  private lastFlushAt = Date.now()
  private wasReady = true
  private readonly flushEveryMs: number

  constructor(private readonly store: RoomStore, private readonly local: LocalLiveness, private readonly options: PeerWatchOptions) {
    this.flushEveryMs = Math.max(options.windowMs, Math.min(MAX_SEEN_FLUSH_MS, options.memberTtlMs / 4))
  }

  /** The peers heard from lately (this process not among them). */
  alive(): ReadonlySet<string> {
    return this.alivePeers
  }

  async tick(now: number): Promise<void> {
    if (this.store.health().state !== 'ready') {
      this.wasReady = false
      return
    }
    if (!this.wasReady) {
      this.wasReady = true
      await this.options.reconnected()
    }
    const peers = this.store.peers
    if (peers && now - this.lastBeatAt >= BEAT_INTERVAL_MS) {
      this.lastBeatAt = now
      const alive = await peers.beat(PEER_SILENCE_MS)
      const gone = [...this.alivePeers].filter(peerId => !alive.has(peerId))
      this.alivePeers = alive
      for (const peerId of gone) {
        this.options.log(`instance ${peerId} fell silent: its members are offline unless heard elsewhere`)
        this.options.peerGone(peerId)
      }
    }
    if (now - this.lastFlushAt >= this.flushEveryMs) {
      const since = this.lastFlushAt
      this.lastFlushAt = now
      for (const roomId of [...this.local.roomIds()]) {
        const heard = this.local.heardSince(roomId, since)
        if (heard.length > 0) await this.store.touchMembers(roomId, heard, now)
      }
    }
  }
}
