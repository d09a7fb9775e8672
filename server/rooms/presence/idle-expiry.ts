import type { MemberRecord, RoomStore } from '../types'

/** At most this long between two asks for lapsed memberships in a room. */
const LAPSED_QUERY_INTERVAL_MS = 60_000

export interface IdleExpiryOptions {
  windowMs: number
  memberTtlMs: number
  neverPingedMemberTtlMs: number
  emptyRoomGraceMs: number
  /** Rooms one pass looks at, at most; the next pass goes on from there. @default every room */
  idleRoomsPerPass?: number
  isOnline: (roomId: string, memberId: string) => boolean
  alivePeers: () => ReadonlySet<string>
  expireMember: (roomId: string, memberId: string) => Promise<void>
  forget: (roomId: string) => void
  log: (message: string) => void
  lobby?: { roomGone: (roomId: string) => void }
}

/**
 * The slow pass over the store's rooms that one process at a time makes:
 * memberships past their TTL lapse, rooms empty past the grace go, and what
 * dead processes recorded of their members is dropped. A pass looks at a
 * bounded slice of the rooms, so what it costs the store per second does not
 * grow with their number; the slices go round.
 */
export class IdleExpiry {
  private readonly emptySince = new Map<string, number>()
  private readonly lapsedAskedAt = new Map<string, number>()
  /** The live instances, as a key, when each room's records of the dead ones were last dropped. */
  private readonly prunedFor = new Map<string, string>()
  private cursor = 0

  constructor(private readonly store: RoomStore, private readonly options: IdleExpiryOptions) {}

  async pass(now: number, allRoomIds: string[]): Promise<void> {
    const listed = new Set(allRoomIds)
    for (const known of [this.emptySince, this.lapsedAskedAt, this.prunedFor]) {
      for (const roomId of known.keys()) if (!listed.has(roomId)) known.delete(roomId)
    }
    const slice = this.nextSlice(allRoomIds)
    const alive = new Set([...this.options.alivePeers(), ...(this.store.peers ? [this.store.peers.instanceId] : [])])
    const aliveKey = [...alive].sort().join(' ')
    for (const roomId of slice) {
      // Records go stale only when an instance dies: a room is pruned once
      // per change in who is alive, not at every pass.
      if (this.store.peers && this.prunedFor.get(roomId) !== aliveKey) {
        await this.store.peers.pruneLive(roomId, alive)
        this.prunedFor.set(roomId, aliveKey)
      }
      await this.passRoom(roomId, now)
    }
  }

  private nextSlice(roomIds: string[]): string[] {
    const perPass = this.options.idleRoomsPerPass ?? roomIds.length
    if (perPass >= roomIds.length) return roomIds
    if (this.cursor >= roomIds.length) this.cursor = 0
    const slice = roomIds.slice(this.cursor, this.cursor + perPass)
    this.cursor += perPass
    return slice
  }

  private async passRoom(roomId: string, now: number): Promise<void> {
    if (await this.store.countMembers(roomId) === 0) return this.forgetIfEmptyLongEnough(roomId, now)
    this.emptySince.delete(roomId)
    // Memberships lapse on the scale of the member TTL (days): asking every
    // pass would add a store read per room per pass for nothing.
    const askedAt = this.lapsedAskedAt.get(roomId) ?? Number.NEGATIVE_INFINITY
    const askLapsed = now - askedAt >= Math.min(LAPSED_QUERY_INTERVAL_MS, this.options.memberTtlMs / 10)
    if (askLapsed) this.lapsedAskedAt.set(roomId, now)
    const lapsed = askLapsed ? await this.store.listMembersSeenBefore(roomId, now - this.options.memberTtlMs) : []
    const fresh = await this.store.listNeverPingedBefore(roomId, now - this.options.neverPingedMemberTtlMs)
    for (const member of new Map([...lapsed, ...fresh].map(m => [m.id, m])).values()) {
      if (this.isExpired(roomId, member, now)) await this.options.expireMember(roomId, member.id)
    }
  }

  /** Offline past its TTL: the member TTL, or a much shorter one for a member that never pinged after joining. */
  private isExpired(roomId: string, member: MemberRecord, now: number): boolean {
    const ttl = member.lastSeenAt > member.joinedAt ? this.options.memberTtlMs : this.options.neverPingedMemberTtlMs
    return !this.options.isOnline(roomId, member.id) && now - member.lastSeenAt > ttl
  }

  private async forgetIfEmptyLongEnough(roomId: string, now: number): Promise<void> {
    const since = this.emptySince.get(roomId) ?? now
    this.emptySince.set(roomId, since)
    if (now - since < this.options.emptyRoomGraceMs) return
    if (await this.store.deleteRoomIfEmpty(roomId)) {
      this.options.lobby?.roomGone(roomId)
      this.options.forget(roomId)
      this.emptySince.delete(roomId)
      this.options.log('a room was removed after standing empty')
    }
  }
}
