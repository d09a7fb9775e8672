import type { PresenceTracker } from '../presence/presence-tracker'
import { seatHolder } from '../private-rooms'
import { hashToken } from '../secrets'
import type { SessionIndex } from '../session-index'
import type { MemberRecord, RoomStore } from '../types'
import type { Liveness } from './liveness'
import type { MemberRemovals } from './removals'
import { keyGenerationOf } from '../room-rekey'

export interface MemberActionsOptions {
  store: RoomStore
  index: Pick<SessionIndex, 'sessionsOf'>
  liveness: Pick<Liveness, 'away' | 'released'>
  removals: Pick<MemberRemovals, 'removeMember'>
  presence: Pick<PresenceTracker, 'counts'>
}

/** `e2ee` and `salt`: the room is end-to-end encrypted, and a joining browser derives its keys with this salt. */
export interface RoomSummary { roomId: string, online: number, members: number, protected: boolean, title?: string, e2ee?: true, salt?: string, generation?: number }

/** What the HTTP routes ask of a room and its members, with a member's token instead of a socket. */
export class MemberActions {
  constructor(private readonly options: MemberActionsOptions) {}

  /**
   * `POST /api/rooms/:id/away`: offline at once, still a member. A beacon that
   * names its tab only speaks for that tab: while another socket of the member
   * is open here the member stays online, and otherwise it is released like a
   * last socket, so another instance holding one keeps it online too.
   */
  async away(roomId: string, token: string, tabId?: string): Promise<boolean> {
    const member = await memberByToken(this.options.store, roomId, token)
    if (!member) return false
    const liveness = this.options.liveness
    if (tabId === undefined) await liveness.away(roomId, member.id)
    else if (!this.options.index.sessionsOf(roomId, member.id).some(session => session.tabId !== tabId)) await liveness.released(roomId, member.id)
    return true
  }

  /** `POST /api/rooms/:id/leave`: the member is gone, on every tab. */
  async leaveByToken(roomId: string, token: string): Promise<boolean> {
    const member = await memberByToken(this.options.store, roomId, token)
    if (!member) return false
    await this.options.removals.removeMember(roomId, member.id)
    return true
  }

  async summary(roomId: string): Promise<RoomSummary | undefined> {
    const room = await this.options.store.getRoom(roomId)
    if (!room) return undefined
    const summary = {
      roomId,
      ...await this.options.presence.counts(roomId),
      protected: room.passwordHash !== null,
      // The salt is not a secret: without the password it derives nothing, and the join form needs it first.
      ...(room.e2eeSalt ? { e2ee: true as const, salt: room.e2eeSalt, generation: keyGenerationOf(room) } : {}),
    }
    // The title is for whoever has the link only where the link is all it takes:
    // a password keeps it for those who know the password, and a private room has none of its own.
    return room.passwordHash === null && !room.private ? { ...summary, title: room.title } : summary
  }
}

/** The member a token stands for: its own, or (in a private room) another token of its seat. */
export async function memberByToken(store: RoomStore, roomId: string, token: string): Promise<MemberRecord | undefined> {
  const tokenHash = hashToken(token)
  return await store.findMemberByTokenHash(roomId, tokenHash) ?? await seatHolder(store, roomId, tokenHash)
}
