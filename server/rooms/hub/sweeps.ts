import { CLOSE_CODES } from '../../../shared/protocol'
import type { ResolvedHubOptions } from '../hub-options'
import type { Lobby } from '../lobby/lobby'
import type { MembershipLedger } from '../membership-ledger'
import type { PresenceTracker } from '../presence/presence-tracker'
import type { TypingTracker } from '../typing-tracker'
import type { RoomStore } from '../types'
import type { HubSockets } from './sockets'

export interface SweepsOptions {
  store: Pick<RoomStore, 'health' | 'claimIdleSweep' | 'listRoomIds' | 'listMembers' | 'findMemberByTokenHash'>
  sockets: Pick<HubSockets, 'sessions' | 'closeSession'>
  presence: Pick<PresenceTracker, 'sweep' | 'sweepIdle'>
  typing: Pick<TypingTracker, 'sweep'>
  memberships: Pick<MembershipLedger, 'hold' | 'recheck'>
  lobby: Pick<Lobby, 'rebuild' | 'prune'>
  /** Rate limits and budgets whose old entries go at every tick. */
  prunable: ReadonlyArray<{ prune(now: number): void }>
  options: Pick<ResolvedHubOptions, 'sweepIntervalMs' | 'idleRoomSweepIntervalMs' | 'idleTimeoutMs' | 'log'>
}

/** The single server-wide sweep timer, and what it does at each tick. */
export class Sweeps {
  private timer: ReturnType<typeof setInterval> | undefined
  private sweepingRooms = false
  private sweepingIdleRooms = false
  private lastIdleSweepAt = -Infinity

  constructor(private readonly options: SweepsOptions) {}

  start(): void {
    if (this.timer) return
    const log = this.options.options.log
    this.timer = setInterval(() => void this.sweep(), this.options.options.sweepIntervalMs)
    this.timer.unref?.()
    this.options.lobby.rebuild().catch(error => log(`lobby rebuild failed: ${String(error)}`))
    this.countStoredMemberships().catch(error => log(`counting stored memberships failed: ${String(error)}`))
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * Sweeps once; the timer calls it, and so can a test with fake time. This
   * process's own sockets are checked from memory at every call, even while
   * the store's part of the last sweep still waits on a slow store.
   */
  async sweep(now = Date.now()): Promise<void> {
    const { store, sockets, options } = this.options
    for (const session of sockets.sessions.values()) {
      if (session.closingSince !== undefined && now - session.closingSince > 5000) session.conn.terminate()
      else if (now - session.lastFrameAt > options.idleTimeoutMs) sockets.closeSession(session, CLOSE_CODES.idleTimeout, 'idle timeout')
    }
    this.options.typing.sweep(now)
    for (const limits of this.options.prunable) limits.prune(now)
    if (store.health().state !== 'ready') return
    const passes: Promise<void>[] = []
    // This process's own members are looked at every tick, from memory, for
    // presence within the window; the store hears only of beats and, slowly,
    // of last-seen times.
    if (!this.sweepingRooms) {
      passes.push(this.guarded('sweepingRooms', async () => {
        await this.options.presence.sweep(now)
        await this.options.memberships.recheck(now, async held => (await store.findMemberByTokenHash(held.roomId, held.tokenHash))?.id === held.memberId)
      }))
    }
    // Memberships past their TTL and empty rooms: one process at a time does
    // that, once per idle-sweep interval, so the rooms cost the store the
    // same whatever the number of processes. A long pass does not hold up
    // the one above.
    if (!this.sweepingIdleRooms && now - this.lastIdleSweepAt >= options.idleRoomSweepIntervalMs) {
      this.lastIdleSweepAt = now
      passes.push(this.guarded('sweepingIdleRooms', () => this.sweepIdleRooms(now)))
    }
    await Promise.all(passes)
  }

  private async sweepIdleRooms(now: number): Promise<void> {
    const { store } = this.options
    if (!await store.claimIdleSweep(this.options.options.idleRoomSweepIntervalMs)) return
    const roomIds = await store.listRoomIds()
    await this.options.presence.sweepIdle(now, roomIds)
    await this.options.lobby.prune(roomIds, now)
  }

  /** Runs one pass of the sweep unless the last one of its kind still runs; a failed pass is logged, and the next tick tries again. */
  private async guarded(flag: 'sweepingRooms' | 'sweepingIdleRooms', pass: () => Promise<void>): Promise<void> {
    this[flag] = true
    try {
      await pass()
    }
    catch (error) {
      this.options.options.log(`sweep failed: ${String(error)}`)
    }
    finally {
      this[flag] = false
    }
  }

  /**
   * Memberships last while offline, across restarts: the per-address cap
   * counts those the store already holds, or each restart would let every
   * address make its cap of lasting members again.
   */
  private async countStoredMemberships(): Promise<void> {
    const { store, memberships } = this.options
    for (const roomId of await store.listRoomIds()) {
      for (const member of await store.listMembers(roomId)) {
        if (member.addressHash) memberships.hold(member.addressHash, { roomId, memberId: member.id, tokenHash: member.tokenHash })
      }
    }
  }
}
