import type { MemberPresence, PresenceFrame } from '../../shared/protocol'
import { PresenceBatcher } from './presence-batcher'
import type { PresenceDelta } from './presence-batcher'
import { RoomView } from './room-view'
import type { MemberRecord, RoomEvent, RoomStore } from './types'

/** At most this long between two asks for lapsed memberships in rooms without sockets here. */
const LAPSED_QUERY_INTERVAL_MS = 60_000

export interface PresenceTrackerOptions {
  windowMs: number
  /**
   * How long a membership lasts without any sign of life (a ping, a chat, a
   * join with its token). Being offline is not leaving: this is the room's
   * lifetime for its members, not a presence timeout.
   */
  memberTtlMs: number
  /** The TTL of a member that never pinged after joining (a join and nothing else costs little to remove). */
  neverPingedMemberTtlMs: number
  emptyRoomGraceMs: number
  presenceMergeMs: number
  /** Writes one serialized frame to every socket of the room on this process. */
  broadcast: (roomId: string, data: string) => void
  /** Removes a member whose TTL ran out, the same way a leave does. */
  expireMember: (roomId: string, memberId: string) => Promise<void>
  log: (message: string) => void
  /** Keeps the lobby index in step: counts as the view tells them, a change seen without a view, a room deleted. */
  lobby?: {
    countsChanged: (roomId: string, online: number, members: number) => void
    roomChanged: (roomId: string) => void
    roomGone: (roomId: string) => void
  }
}

/**
 * Who is online in each room, and telling the room when that changes. The
 * store holds the truth (last heartbeat per member); a view holds what this
 * process has told its sockets in that room, so a change is sent once and a
 * pong reads the counts in O(1). A process keeps views only of the rooms it
 * has sockets in; every process publishes the changes it sees, and the others
 * fold them into their views.
 */
export class PresenceTracker {
  private readonly views = new Map<string, Promise<RoomView>>()
  /** The same views once built, for the paths that must not wait: pongs and flushes. */
  private readonly builtViews = new Map<string, RoomView>()
  private readonly emptySince = new Map<string, number>()
  /** The activity cutoff of the last sweep that completed: members last seen before it were looked at. */
  private lastSweepCutoff: number | undefined
  /** The never-pinged cutoff of the last idle sweep that completed: joins older than it were looked at. */
  private lastIdleNeverPingedCutoff: number | undefined
  private lastLapsedQueryAt = Number.NEGATIVE_INFINITY
  private readonly batcher: PresenceBatcher

  constructor(private readonly store: RoomStore, private readonly options: PresenceTrackerOptions) {
    this.batcher = new PresenceBatcher(options.presenceMergeMs, (roomId, delta) => this.sendPresence(roomId, delta))
  }

  isActive(member: MemberRecord, now: number): boolean {
    return !member.offline && now - member.lastSeenAt <= this.options.windowMs
  }

  /**
   * The room's view, built once from the store; concurrent callers share it.
   * A build that fails is not kept: the next caller tries again.
   */
  viewOf(roomId: string): Promise<RoomView> {
    let view = this.views.get(roomId)
    if (!view) {
      const building: Promise<RoomView> = this.store.listMembers(roomId).then((members) => {
        const built = this.viewFrom(members, Date.now())
        this.builtViews.set(roomId, built)
        return built
      }, (error: unknown) => {
        if (this.views.get(roomId) === building) this.views.delete(roomId)
        throw error
      })
      this.views.set(roomId, view = building)
    }
    return view
  }

  /** The view if this process has built one: the ping path does not build one. */
  builtView(roomId: string): RoomView | undefined {
    return this.builtViews.get(roomId)
  }

  /** Counts for a room this process may hold no view of. */
  async counts(roomId: string): Promise<{ online: number, members: number }> {
    const view = this.builtViews.get(roomId) ?? this.viewFrom(await this.store.listMembers(roomId), Date.now())
    return { online: view.online, members: view.members }
  }

  /** This process has no socket left in the room: its view would go stale. */
  forget(roomId: string): void {
    this.views.delete(roomId)
    this.builtViews.delete(roomId)
  }

  /**
   * Records a member's state; a change goes to this process's sockets and to
   * the other processes. `tellOthers` publishes it even when the view held it
   * already: a view built after a new member was added holds it, but the
   * other processes have not heard of it.
   */
  record(roomId: string, view: RoomView, presence: MemberPresence, tellOthers = false): void {
    this.emptySince.delete(roomId)
    const changed = view.set(presence)
    if (changed) this.batcher.changed(roomId, presence)
    if (changed || tellOthers) this.store.publish(roomId, { kind: 'presence', member: presence }).catch(error => this.options.log(`publish failed: ${String(error)}`))
    // A view built after the member was added holds it already: no flush will tell the lobby.
    if (tellOthers) this.options.lobby?.countsChanged(roomId, view.online, view.members)
  }

  /** A presence event from any process (this one included) updates the view, if there is one. */
  apply(roomId: string, event: Extract<RoomEvent, { kind: 'presence' | 'left' }>): void {
    const view = this.builtViews.get(roomId)
    if (!view) return
    if (event.kind === 'presence') {
      if (view.set(event.member)) this.batcher.changed(roomId, event.member)
    }
    else if (view.delete(event.memberId)) {
      this.batcher.left(roomId, event.memberId)
    }
  }

  /** Records a sign of life; false when the store no longer holds the member. */
  async heartbeat(roomId: string, memberId: string): Promise<boolean> {
    const now = Date.now()
    const before = await this.store.touchMember(roomId, memberId, now)
    if (!before) return false
    if (!this.isActive(before, now)) await this.announce(roomId, { id: memberId, name: before.name, active: true })
    return true
  }

  /** The member said it is away: offline at once. */
  async offline(roomId: string, memberId: string): Promise<void> {
    const before = await this.store.markOffline(roomId, memberId)
    if (before) await this.announce(roomId, { id: memberId, name: before.name, active: false })
  }

  /** This process closed the member's last socket here; offline unless another process holds one. */
  async released(roomId: string, memberId: string): Promise<void> {
    const released = await this.store.releaseMember(roomId, memberId)
    if (released?.offline) await this.announce(roomId, { id: memberId, name: released.before.name, active: false })
  }

  /**
   * One pass over the rooms this process has sockets in. A full pass: silent
   * members go idle, stale ones and empty rooms go away, and a view that lost
   * track of the member list is brought back in line. A quick pass only
   * looks for members that went silent since the last pass, which is all
   * that changes between full ones without an event saying so: one command
   * per room, however many members are offline.
   */
  async sweep(now: number, roomIds: Iterable<string>, full: boolean): Promise<void> {
    const cutoff = now - this.options.windowMs
    const since = full ? undefined : this.lastSweepCutoff
    for (const roomId of roomIds) {
      if (since === undefined) await this.sweepRoom(roomId, now)
      else await this.sweepSilentSince(roomId, since, now)
    }
    this.lastSweepCutoff = cutoff
  }

  /**
   * One pass over rooms this process has no sockets in (of `allRoomIds`, the
   * rooms the store holds): nobody here watches their presence, so only
   * members past their TTL and rooms empty past the grace go away, which a
   * slow pass does in time. Offline members last, so a pass must not list
   * them all: it asks for those past the member TTL, and for the joins that
   * crossed the never-pinged TTL since the last pass.
   */
  async sweepIdle(now: number, roomIds: string[], allRoomIds: string[]): Promise<void> {
    const listed = new Set(allRoomIds)
    for (const roomId of this.emptySince.keys()) if (!listed.has(roomId)) this.emptySince.delete(roomId)
    const neverPingedCutoff = now - this.options.neverPingedMemberTtlMs
    // Memberships lapse on the scale of the member TTL (days): asking every
    // pass would add a store read per room per pass for nothing.
    const askLapsed = now - this.lastLapsedQueryAt >= Math.min(LAPSED_QUERY_INTERVAL_MS, this.options.memberTtlMs / 10)
    if (askLapsed) this.lastLapsedQueryAt = now
    for (const roomId of roomIds) {
      if (await this.store.countMembers(roomId) === 0) {
        await this.forgetIfEmptyLongEnough(roomId, now)
        continue
      }
      this.emptySince.delete(roomId)
      const lapsed = askLapsed ? await this.store.listMembersSeenBefore(roomId, now - this.options.memberTtlMs) : []
      const fresh = await this.store.listMembersSeenBefore(roomId, neverPingedCutoff, this.lastIdleNeverPingedCutoff)
      for (const member of new Map([...lapsed, ...fresh].map(m => [m.id, m])).values()) {
        if (this.isExpired(member, now)) await this.options.expireMember(roomId, member.id)
      }
    }
    this.lastIdleNeverPingedCutoff = neverPingedCutoff
  }

  /** Offline past its TTL: the member TTL, or a much shorter one for a member that never pinged after joining. */
  private isExpired(member: MemberRecord, now: number): boolean {
    const ttl = member.lastSeenAt > member.joinedAt ? this.options.memberTtlMs : this.options.neverPingedMemberTtlMs
    return !this.isActive(member, now) && now - member.lastSeenAt > ttl
  }

  /** Members across the rooms this process has views of. */
  get memberCount(): number {
    let count = 0
    for (const view of this.builtViews.values()) count += view.members
    return count
  }

  dispose(): void {
    this.batcher.dispose()
  }

  private async announce(roomId: string, presence: MemberPresence): Promise<void> {
    const view = this.builtViews.get(roomId)
    if (view) this.record(roomId, view, presence)
    else {
      this.options.lobby?.roomChanged(roomId)
      await this.store.publish(roomId, { kind: 'presence', member: presence })
    }
  }

  private async sweepSilentSince(roomId: string, since: number, now: number): Promise<void> {
    const view = this.builtViews.get(roomId)
    if (!view) return
    for (const member of await this.store.listMembersSeenBefore(roomId, now - this.options.windowMs, since)) {
      const active = this.isActive(member, now)
      if (view.isActive(member.id) !== active) this.record(roomId, view, { id: member.id, name: member.name, active })
    }
  }

  // Looks only at members that may have gone quiet: a sweep costs O(silent
  // members), not a copy of every member four times a second.
  private async sweepRoom(roomId: string, now: number): Promise<void> {
    const total = await this.store.countMembers(roomId)
    if (total === 0) return this.forgetIfEmptyLongEnough(roomId, now)
    this.emptySince.delete(roomId)
    const view = this.builtViews.get(roomId)
    for (const member of await this.store.listMembersSilentSince(roomId, now - this.options.windowMs)) {
      const active = this.isActive(member, now)
      if (this.isExpired(member, now)) {
        await this.options.expireMember(roomId, member.id)
        continue
      }
      if (view && view.isActive(member.id) !== active) this.record(roomId, view, { id: member.id, name: member.name, active })
    }
    if (view && view.members !== total) await this.reconcile(roomId, view, now)
  }

  /** The view lost track of the member list (an event this process missed): bring it back in line. */
  private async reconcile(roomId: string, view: RoomView, now: number): Promise<void> {
    const members = await this.store.listMembers(roomId)
    const present = new Set(members.map(member => member.id))
    for (const member of members) {
      if (!view.has(member.id)) this.record(roomId, view, { id: member.id, name: member.name, active: this.isActive(member, now) })
    }
    for (const id of [...view.ids()]) {
      if (!present.has(id) && view.delete(id)) this.batcher.left(roomId, id)
    }
  }

  private async forgetIfEmptyLongEnough(roomId: string, now: number): Promise<void> {
    const since = this.emptySince.get(roomId) ?? now
    this.emptySince.set(roomId, since)
    if (now - since < this.options.emptyRoomGraceMs) return
    if (await this.store.deleteRoomIfEmpty(roomId)) {
      this.options.lobby?.roomGone(roomId)
      this.forget(roomId)
      this.emptySince.delete(roomId)
      this.options.log('a room was removed after standing empty')
    }
  }

  private viewFrom(members: MemberRecord[], now: number): RoomView {
    const view = new RoomView()
    for (const m of members) view.set({ id: m.id, name: m.name, active: this.isActive(m, now) })
    return view
  }

  private sendPresence(roomId: string, delta: PresenceDelta): void {
    const view = this.builtViews.get(roomId)
    if (!view) return
    const frame: PresenceFrame = {
      type: 'presence',
      roomId,
      online: view.online,
      members: view.members,
      changed: [...delta.changed.values()],
      left: [...delta.left],
    }
    this.options.broadcast(roomId, JSON.stringify(frame))
    this.options.lobby?.countsChanged(roomId, view.online, view.members)
  }
}
