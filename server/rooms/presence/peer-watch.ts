import type { RoomStore } from '../types'
import type { LocalLiveness } from './local-liveness'

/** A peer not heard for this long is taken for dead: its members go offline everywhere else (within the window, if that is shorter). */
const PEER_SILENCE_MS = 3000
/** Beats per silence: a peer is taken for dead after missing this many in a row. */
const BEATS_PER_SILENCE = 3
/** Peers taken for dead that are remembered, should they beat again. */
const MAX_DEAD_PEERS = 1000
/**
 * The store's last-seen of the members held here is brought up to date at
 * most this often (a quarter of the membership TTL, if that is shorter). It
 * serves TTLs of days; each flush also lists the member once more in the
 * idle pass's never-pinged query, so a flush costs Redis about two commands
 * per member, and rarely is cheap: at 10,000 members, ~30 a second.
 */
const MAX_SEEN_FLUSH_MS = 10 * 60_000

export interface PeerWatchOptions {
  windowMs: number
  memberTtlMs: number
  peerGone: (peerId: string) => void
  /** A peer taken for dead beats again (it was stalled, or cut off): what it holds must be read again. */
  peerBack: () => Promise<void>
  /** The store answers again after a break, or this process stalled past the silence: events may have been lost both ways. */
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
  private readonly deadPeers = new Set<string>()
  private firstBeat: Promise<void> | undefined
  private lastBeatAt = Number.NEGATIVE_INFINITY
  private lastFlushAt = Date.now()
  private wasReady = true
  private links: number
  private readonly flushEveryMs: number
  /** With the app's 8 s window: dead after 3 s, a beat a second (issue 20). */
  private readonly silenceMs: number
  private readonly beatEveryMs: number

  constructor(private readonly store: RoomStore, private readonly local: LocalLiveness, private readonly options: PeerWatchOptions) {
    this.flushEveryMs = Math.max(options.windowMs, Math.min(MAX_SEEN_FLUSH_MS, options.memberTtlMs / 4))
    this.silenceMs = Math.min(PEER_SILENCE_MS, options.windowMs)
    this.beatEveryMs = this.silenceMs / BEATS_PER_SILENCE
    this.links = store.peers?.links ?? 0
  }

  /**
   * A room's record names a peer this process has not heard beat (it started
   * since the last beat): beat now, at most once a beat interval, rather
   * than take a live peer for a dead one.
   */
  async learn(peerIds: Iterable<string>): Promise<void> {
    const peers = this.store.peers
    if (!peers || Date.now() - this.lastBeatAt < this.beatEveryMs / 4) return
    for (const peerId of peerIds) {
      if (peerId !== peers.instanceId && !this.alivePeers.has(peerId)) return this.beat(Date.now())
    }
  }

  /**
   * Resolves once this process has beaten at least once: its record in a
   * room must not name it before its peers can see it live, or one that
   * reads the record first takes it for dead.
   */
  beaten(): Promise<void> {
    this.firstBeat ??= this.beat(Date.now()).catch((error: unknown) => {
      this.firstBeat = undefined
      throw error
    })
    return this.firstBeat
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
    // A process stalled past the silence (a long pause, a partition) was
    // taken for dead by its peers: it says its state again as after a break.
    const stalled = this.store.peers !== undefined && now - this.lastBeatAt > this.silenceMs && this.lastBeatAt > 0
    const relinked = this.store.peers !== undefined && this.store.peers.links !== this.links
    if (!this.wasReady || stalled || relinked) {
      this.wasReady = true
      this.links = this.store.peers?.links ?? 0
      await this.options.reconnected()
    }
    if (now - this.lastBeatAt >= this.beatEveryMs) await this.beat(now)
    if (now - this.lastFlushAt >= this.flushEveryMs) {
      const since = this.lastFlushAt
      this.lastFlushAt = now
      for (const roomId of [...this.local.roomIds()]) {
        const heard = this.local.heardSince(roomId, since)
        if (heard.length > 0) await this.store.touchMembers(roomId, heard, now)
      }
    }
  }

  private async beat(now: number): Promise<void> {
    const peers = this.store.peers
    if (!peers) return
    this.lastBeatAt = now
    const alive = await peers.beat(this.silenceMs)
    const gone = [...this.alivePeers].filter(peerId => !alive.has(peerId))
    const back = [...alive].filter(peerId => this.deadPeers.delete(peerId))
    this.alivePeers = alive
    for (const peerId of gone) {
      this.deadPeers.add(peerId)
      // Restarts leave ids behind for good: the oldest go past a bound.
      if (this.deadPeers.size > MAX_DEAD_PEERS) this.deadPeers.delete(this.deadPeers.values().next().value!)
      this.options.log(`instance ${peerId} fell silent: its members are offline unless heard elsewhere`)
      this.options.peerGone(peerId)
    }
    if (back.length > 0) await this.options.peerBack()
  }
}
