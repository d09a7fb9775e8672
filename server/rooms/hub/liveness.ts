import type { MemberPresence, ServerFrame } from '../../../shared/protocol'
import type { JoinedSession } from '../frames/context'
import type { PresenceTracker } from '../presence/presence-tracker'
import type { RoomView } from '../presence/room-view'
import type { MemberRemovals } from './removals'

export interface LivenessOptions {
  presence: Pick<PresenceTracker, 'builtView' | 'heard' | 'away' | 'released' | 'entered'>
  /** Told of a sign of life from a member the store no longer holds. */
  removals: Pick<MemberRemovals, 'memberGone'>
  log: (message: string) => void
}

type Heard = Pick<JoinedSession['member'], 'roomId' | 'id' | 'name' | 'joinedAt'>

/**
 * Every sign of life of a member and its end (a ping, a chat, a join, an
 * away, a last socket closing) goes through here to the presence tracker,
 * where liveness stays in this process (issue 20): a ping is a map write.
 */
export class Liveness {
  constructor(private readonly options: LivenessOptions) {}

  // A heartbeat is answered first, from memory, and never stored or broadcast.
  answerPing(session: JoinedSession): void {
    const member = session.member
    const presence = this.options.presence
    const view = presence.builtView(member.roomId)
    // A pong is the one frame worth dropping for a socket that is behind on
    // reading: the next one says the same, newer.
    if (view && !session.closed) session.conn.send(JSON.stringify({ type: 'pong', online: view.online, members: view.members } satisfies ServerFrame), { droppable: true })
    this.heard(member).catch(error => this.options.log(`heartbeat failed: ${String(error)}`))
  }

  /** A sign of life; false when the store no longer holds the member, whose sockets are then told. */
  async heard(member: Heard): Promise<boolean> {
    // A ping in the join's own millisecond is still after it: the store
    // tells a member that never pinged from one that did by the times alone.
    const at = Math.max(Date.now(), (member.joinedAt ?? 0) + 1)
    if (await this.options.presence.heard(member.roomId, member.id, member.name, at)) return true
    await this.options.removals.memberGone(member.roomId, member.id)
    return false
  }

  /** A socket of the member is in the room; `tellOthers` for a new member, whose arrival the room hears. */
  entered(roomId: string, view: RoomView, presence: MemberPresence, tellOthers: boolean): void {
    this.options.presence.entered(roomId, view, presence, tellOthers)
  }

  /** Offline at once, still a member. */
  away(roomId: string, memberId: string): Promise<void> {
    return this.options.presence.away(roomId, memberId)
  }

  /** The member's last socket here went: offline unless heard elsewhere. */
  released(roomId: string, memberId: string): Promise<void> {
    return this.options.presence.released(roomId, memberId)
  }
}
