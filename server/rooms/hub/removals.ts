import type { LobbyWriter } from '../lobby/lobby-writer'
import type { MembershipLedger } from '../membership-ledger'
import type { PresenceTracker } from '../presence/presence-tracker'
import type { RoomStore } from '../types'
import type { HubSockets } from './sockets'

export interface MemberRemovalsOptions {
  store: Pick<RoomStore, 'removeMember' | 'publish' | 'getRoom'>
  memberships: Pick<MembershipLedger, 'forget'>
  presence: Pick<PresenceTracker, 'builtView' | 'apply'>
  sockets: Pick<HubSockets, 'detachMember' | 'restartRoom'>
  lobby: Pick<LobbyWriter, 'roomChanged'>
}

/** A member leaving for good (a leave, a lapsed TTL), and sockets finding their member gone. */
export class MemberRemovals {
  constructor(private readonly options: MemberRemovalsOptions) {}

  /** Removes the member from the store; the room, on every process, hears it leave. */
  async removeMember(roomId: string, memberId: string): Promise<void> {
    const { store, memberships, presence } = this.options
    if (!await store.removeMember(roomId, memberId)) return
    memberships.forget(roomId, memberId)
    // Without a view here, no presence flush will tell the lobby.
    if (!presence.builtView(roomId)) this.options.lobby.roomChanged(roomId)
    await store.publish(roomId, { kind: 'left', memberId })
  }

  /**
   * The store no longer holds a member that sockets here act for: it was
   * removed (a leave whose event this process missed), and its sockets are
   * told so; or the room itself is gone (its data was lost), and they must
   * join again.
   */
  async memberGone(roomId: string, memberId: string): Promise<void> {
    const { store, presence, sockets } = this.options
    if (!await store.getRoom(roomId)) return sockets.restartRoom(roomId)
    presence.apply(roomId, { kind: 'left', memberId })
    sockets.detachMember(roomId, memberId)
  }
}
