import type { MemberPresence } from '../../../shared/protocol'

export interface PresenceDelta {
  changed: Map<string, MemberPresence>
  left: Set<string>
}

/**
 * Merges a room's presence changes: the first change goes out at once, the
 * ones that follow within `mergeMs` go out together when that time is up. A
 * join wave of N members then costs a few frames per member, not N.
 * The timer exists only while a room's changes are cooling down.
 */
export class PresenceBatcher {
  private readonly pending = new Map<string, PresenceDelta>()
  private readonly coolingDown = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(
    private readonly mergeMs: number,
    private readonly flush: (roomId: string, delta: PresenceDelta) => void,
  ) {}

  changed(roomId: string, member: MemberPresence): void {
    const delta = this.deltaOf(roomId)
    delta.left.delete(member.id)
    delta.changed.set(member.id, member)
    this.schedule(roomId)
  }

  left(roomId: string, memberId: string): void {
    const delta = this.deltaOf(roomId)
    delta.changed.delete(memberId)
    delta.left.add(memberId)
    this.schedule(roomId)
  }

  dispose(): void {
    for (const timer of this.coolingDown.values()) clearTimeout(timer)
    this.coolingDown.clear()
    this.pending.clear()
  }

  private deltaOf(roomId: string): PresenceDelta {
    let delta = this.pending.get(roomId)
    if (!delta) {
      delta = { changed: new Map(), left: new Set() }
      this.pending.set(roomId, delta)
    }
    return delta
  }

  private schedule(roomId: string): void {
    if (!this.coolingDown.has(roomId)) this.flushNow(roomId)
  }

  private flushNow(roomId: string): void {
    const delta = this.pending.get(roomId)
    if (!delta) {
      this.coolingDown.delete(roomId)
      return
    }
    this.pending.delete(roomId)
    this.flush(roomId, delta)
    this.coolingDown.set(roomId, setTimeout(() => this.flushNow(roomId), this.mergeMs))
  }
}
