export interface TypingTrackerOptions {
  /** An entry lasts this long after its member's last typing frame. */
  expiryMs: number
  /** A room's typing frames go out at most this often. */
  mergeMs: number
  /** Typists tracked per room; more are ignored until one stops. */
  maxPerRoom: number
  /** Who is typing in the room now; called only when that changed. */
  flush: (roomId: string, ids: string[]) => void
}

/**
 * Who is typing, per room this process serves, in memory only: typing is
 * never stored. Each process hears every typing event of its rooms and keeps
 * its own view. Changes go out like presence: the first at once, the ones
 * within `mergeMs` after it together, so a room's traffic is bounded by time,
 * not by members times keystrokes. Expiry runs on the hub's one sweep.
 */
export class TypingTracker {
  /** roomId -> memberId -> when the entry expires. */
  private readonly rooms = new Map<string, Map<string, number>>()
  private readonly changed = new Set<string>()
  private readonly coolingDown = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(private readonly options: TypingTrackerOptions) {}

  /**
   * Whether a typing frame of this member is worth telling the other
   * processes: a start not already known within the last second, or a stop
   * of a known entry. A client that sends more often costs nothing more.
   */
  worthPublishing(roomId: string, memberId: string, typing: boolean, now: number): boolean {
    const expiresAt = this.rooms.get(roomId)?.get(memberId)
    if (!typing) return expiresAt !== undefined
    return expiresAt === undefined || expiresAt - now < this.options.expiryMs - 1000
  }

  apply(roomId: string, memberId: string, typing: boolean, now: number): void {
    let typists = this.rooms.get(roomId)
    if (!typing) {
      if (typists?.delete(memberId)) this.markChanged(roomId, typists)
      return
    }
    if (!typists) this.rooms.set(roomId, typists = new Map())
    const known = typists.has(memberId)
    if (!known && typists.size >= this.options.maxPerRoom) return
    typists.set(memberId, now + this.options.expiryMs)
    if (!known) this.markChanged(roomId, typists)
  }

  sweep(now: number): void {
    for (const [roomId, typists] of this.rooms) {
      let expired = false
      for (const [memberId, expiresAt] of typists) {
        if (expiresAt > now) continue
        typists.delete(memberId)
        expired = true
      }
      if (expired) this.markChanged(roomId, typists)
    }
  }

  /** No socket here serves the room any more. */
  forget(roomId: string): void {
    this.rooms.delete(roomId)
    this.changed.delete(roomId)
    clearTimeout(this.coolingDown.get(roomId))
    this.coolingDown.delete(roomId)
  }

  dispose(): void {
    for (const roomId of [...this.rooms.keys(), ...this.coolingDown.keys()]) this.forget(roomId)
  }

  private markChanged(roomId: string, typists: Map<string, number>): void {
    if (typists.size === 0) this.rooms.delete(roomId)
    this.changed.add(roomId)
    if (!this.coolingDown.has(roomId)) this.flushNow(roomId)
  }

  private flushNow(roomId: string): void {
    if (!this.changed.delete(roomId)) {
      this.coolingDown.delete(roomId)
      return
    }
    this.options.flush(roomId, [...this.rooms.get(roomId)?.keys() ?? []])
    this.coolingDown.set(roomId, setTimeout(() => this.flushNow(roomId), this.options.mergeMs))
  }
}
