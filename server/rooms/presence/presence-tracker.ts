import { randomBytes } from 'node:crypto'
import type { MemberPresence, PresenceFrame } from '../../../shared/protocol'
import type { MemberRecord, RoomEvent, RoomStore } from '../types'
import { IdleExpiry } from './idle-expiry'
import { LocalLiveness } from './local-liveness'
import { PeerPresence } from './peer-presence'
import { PeerWatch } from './peer-watch'
import { PresenceBatcher } from './presence-batcher'
import type { PresenceDelta } from './presence-batcher'
import { RoomView } from './room-view'
import type { PresenceTrackerOptions } from './tracker-options'

type PresenceEvent = Extract<RoomEvent, { kind: 'presence' | 'presence-state' | 'away' | 'left' }>

/**
 * Who is online in each room, and telling the room when that changes.
 *
 * Liveness stays in the process that holds a member's sockets (the Phoenix
 * Presence model): a ping is a write to `local`, and only a change of state
 * leaves the process, as a presence event on the room's bus. Each process
 * folds the others' events into `peers`; a member is online while this
 * process or a live peer holds it so. The store keeps memberships and names;
 * it hears of a member's liveness only for its TTL, at a slow pace.
 *
 * A view holds what this process has told its sockets in a room, so a change
 * is sent once and a pong reads the counts in O(1). A process keeps views
 * only of the rooms it has sockets in.
 */
export class PresenceTracker {
  private readonly views = new Map<string, Promise<RoomView>>()
  /** The same views once built, for the paths that must not wait: pongs and flushes. */
  private readonly builtViews = new Map<string, RoomView>()
  private readonly local = new LocalLiveness()
  private readonly peers = new PeerPresence()
  private readonly batcher: PresenceBatcher
  private readonly watch: PeerWatch
  private readonly idle: IdleExpiry
  readonly instanceId: string

  constructor(private readonly store: RoomStore, private readonly options: PresenceTrackerOptions) {
    this.instanceId = store.peers?.instanceId ?? randomBytes(6).toString('base64url')
    this.batcher = new PresenceBatcher(options.presenceMergeMs, (roomId, delta) => this.sendPresence(roomId, delta))
    this.watch = new PeerWatch(store, this.local, {
      windowMs: options.windowMs,
      memberTtlMs: options.memberTtlMs,
      peerGone: peerId => this.peersChanged(this.peers.dropPeer(peerId)),
      peerBack: () => this.readViewsAgain(),
      reconnected: () => this.reconnected(),
      log: options.log,
    })
    this.idle = new IdleExpiry(store, {
      ...options,
      isOnline: (roomId, memberId) => this.isOnline(roomId, memberId),
      alivePeers: () => this.watch.alive(),
      forget: roomId => this.forget(roomId),
    })
  }

  /**
   * The room's view, built once from the store and what the live peers hold;
   * concurrent callers share it. A build that fails is not kept: the next
   * caller tries again. The member whose join builds it counts as online in
   * it already, as the joined frame will say: its arrival is news only to
   * sockets that were here before it.
   */
  viewOf(roomId: string, joiningId?: string): Promise<RoomView> {
    let view = this.views.get(roomId)
    if (!view) {
      const building: Promise<RoomView> = this.readRoom(roomId).then((members) => {
        const built = this.viewFrom(roomId, members, true, joiningId)
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
    const view = this.builtViews.get(roomId) ?? this.viewFrom(roomId, await this.readRoom(roomId), false)
    return { online: view.online, members: view.members }
  }

  /** This process has no socket left in the room: its view would go stale. */
  forget(roomId: string): void {
    this.views.delete(roomId)
    this.builtViews.delete(roomId)
    this.peers.forget(roomId)
  }

  /**
   * A socket of the member is in the room and heard: recorded here, and told
   * to the room. `tellOthers` also tells the other processes of a member they
   * may not know yet, even when this one's view held it already.
   */
  entered(roomId: string, view: RoomView, presence: MemberPresence, tellOthers: boolean): void {
    const became = this.local.arrived(roomId, presence.id, presence.name, Date.now())
    this.set(roomId, view, presence.id, presence.name)
    if (became || tellOthers) this.tellPeers(roomId, presence.id)
    // A view built after the member was added holds it already: no flush will tell the lobby.
    if (tellOthers) this.options.lobby?.countsChanged(roomId, view.online, view.members)
  }

  /** A sign of life: a map write. False when the store no longer holds the member (asked once, at its first ping here). */
  async heard(roomId: string, memberId: string, name: string, now = Date.now()): Promise<boolean> {
    const { became, first } = this.local.heard(roomId, memberId, name, now)
    if (became) this.changedHere(roomId, memberId)
    if (!first) return true
    return await this.store.touchMember(roomId, memberId, now) !== undefined
  }

  /** The member said it is away: offline at once on every process holding its sockets. */
  async away(roomId: string, memberId: string): Promise<void> {
    if (this.local.away(roomId, memberId)) this.changedHere(roomId, memberId)
    if (this.store.peers) await this.store.publish(roomId, { kind: 'away', memberId, instance: this.instanceId })
  }

  /** This process closed the member's last socket here: offline unless a peer holds one. */
  async released(roomId: string, memberId: string): Promise<void> {
    const entry = this.local.release(roomId, memberId)
    if (entry?.active) this.changedHere(roomId, memberId, entry.name)
  }

  /** A presence event from any process (this one included) updates the view, if there is one. */
  apply(roomId: string, event: PresenceEvent): void {
    if (event.kind === 'left') {
      // Gone for good: its sockets closing next must not bring it back as offline.
      this.local.release(roomId, event.memberId)
      this.peers.forgetMember(roomId, event.memberId)
      const view = this.builtViews.get(roomId)
      if (view?.delete(event.memberId)) this.batcher.left(roomId, event.memberId)
      return
    }
    // This process applied its own word when it said it.
    if (event.instance === this.instanceId) return
    if (event.kind === 'away') {
      if (this.local.away(roomId, event.memberId)) this.changedHere(roomId, event.memberId)
      return
    }
    const view = this.builtViews.get(roomId)
    if (!view) return
    if (event.kind === 'presence') {
      this.peers.set(roomId, event.member.id, event.instance, event.member.active)
      this.set(roomId, view, event.member.id, event.member.name)
      return
    }
    for (const memberId of this.peers.replace(roomId, event.instance, event.active)) {
      const name = view.get(memberId)?.name
      if (name !== undefined) this.set(roomId, view, memberId, name)
    }
  }

  /**
   * One pass over this process's own members, from memory: those not heard
   * within the window go offline. Then, at their own slower paces, the beat
   * that tells the peers this process lives, and the store's last-seen.
   */
  async sweep(now: number): Promise<void> {
    for (const [roomId, memberId] of this.local.lapse(now - this.options.windowMs)) this.changedHere(roomId, memberId)
    await this.watch.tick(now)
  }

  /** One slow pass, by one process at a time across the store: memberships past their TTL and rooms left empty go. */
  sweepIdle(now: number, allRoomIds: string[]): Promise<void> {
    return this.idle.pass(now, allRoomIds)
  }

  isOnline(roomId: string, memberId: string): boolean {
    return this.local.isActive(roomId, memberId) || this.peers.isActive(roomId, memberId)
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

  /** The member's state here changed: the view, the lobby, and the peers hear of it. */
  private changedHere(roomId: string, memberId: string, name?: string): void {
    const view = this.builtViews.get(roomId)
    const known = name ?? this.local.nameOf(roomId, memberId) ?? view?.get(memberId)?.name
    if (view?.has(memberId) && known !== undefined) this.set(roomId, view, memberId, known)
    else if (!view) this.options.lobby?.roomChanged(roomId)
    if (known !== undefined) this.tellPeers(roomId, memberId, known)
  }

  private tellPeers(roomId: string, memberId: string, name = this.local.nameOf(roomId, memberId)): void {
    const peers = this.store.peers
    if (!peers || name === undefined) return
    const active = this.local.isActive(roomId, memberId)
    const failed = (error: unknown) => this.options.log(`telling peers failed: ${String(error)}`)
    void this.watch.beaten().then(() => Promise.all([
      peers.writeLive(roomId, [[memberId, active]]),
      this.store.publish(roomId, { kind: 'presence', member: { id: memberId, name, active }, instance: this.instanceId }),
    ])).catch(failed)
  }

  /** Sets what the view says of a member from what this process and its peers hold. */
  private set(roomId: string, view: RoomView, memberId: string, name: string): void {
    const presence = { id: memberId, name, active: this.isOnline(roomId, memberId) }
    if (view.set(presence)) this.batcher.changed(roomId, presence)
  }

  private peersChanged(changed: Array<[roomId: string, memberId: string]>): void {
    for (const [roomId, memberId] of changed) {
      const view = this.builtViews.get(roomId)
      const name = view?.get(memberId)?.name
      if (view && name !== undefined) this.set(roomId, view, memberId, name)
    }
  }

  /**
   * The link to the peers came back after a break: what was said meanwhile
   * may be lost both ways. This process says its whole state again, and reads
   * the room again where it holds a view.
   */
  private async reconnected(): Promise<void> {
    const peers = this.store.peers
    if (!peers) return
    for (const roomId of [...this.local.roomIds()]) {
      const active = this.local.activeIds(roomId)
      await peers.replaceLive(roomId, active)
      await this.store.publish(roomId, { kind: 'presence-state', instance: this.instanceId, active })
    }
    await this.readViewsAgain()
  }

  /** Brings every view here back in line with the store and the peers' records. */
  private async readViewsAgain(): Promise<void> {
    for (const [roomId, view] of [...this.builtViews]) {
      const members = await this.readRoom(roomId)
      if (this.builtViews.get(roomId) !== view) continue
      const present = new Set(members.map(member => member.id))
      for (const member of members) this.set(roomId, view, member.id, member.name)
      for (const id of [...view.ids()]) if (!present.has(id) && view.delete(id)) this.batcher.left(roomId, id)
    }
  }

  /** The room's members, with what each live peer holds folded into `peers`. */
  private async readRoom(roomId: string): Promise<MemberRecord[]> {
    const peers = this.store.peers
    if (!peers) return this.store.listMembers(roomId)
    // This process is seen live before it is first heard of in a room.
    await this.watch.beaten()
    const [members, live] = await Promise.all([this.store.listMembers(roomId), peers.readLive(roomId)])
    await this.watch.learn(live.keys())
    const alive = this.watch.alive()
    for (const [peerId, active] of live) {
      if (peerId !== this.instanceId && alive.has(peerId)) this.peers.replace(roomId, peerId, active)
    }
    return members
  }

  private viewFrom(roomId: string, members: MemberRecord[], keep = true, joiningId?: string): RoomView {
    const view = new RoomView()
    for (const m of members) view.set({ id: m.id, name: m.name, active: m.id === joiningId || this.isOnline(roomId, m.id) })
    if (!keep && !this.builtViews.has(roomId)) this.peers.forget(roomId)
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
