import type { MemberPresence, ServerFrame } from '../../../shared/protocol'
import type { JoinedSession } from '../frames/context'
import type { PresenceTracker } from '../presence-tracker'
import type { RoomView } from '../room-view'
import type { RoomStore } from '../types'
import type { MemberRemovals } from './removals'

export interface LivenessOptions {
  presence: Pick<PresenceTracker, 'builtView' | 'heartbeat' | 'offline' | 'released' | 'record'>
  store: Pick<RoomStore, 'health'>
  /** Told of a ping from a member the store no longer holds. */
  removals: Pick<MemberRemovals, 'memberGone'>
  /** A store write per socket at most this often, however fast it pings. */
  touchIntervalMs: number
  log: (message: string) => void
}

/**
 * Every sign of life of a member and its end (a ping, a chat, a join, an
 * away, a last socket closing) goes through here, and from here to the
 * presence tracker. Today that is a throttled store write; liveness that
 * never leaves the process (issue 20) changes this file, not the frames.
 */
export class Liveness {
  constructor(private readonly options: LivenessOptions) {}

  // A heartbeat is answered first, from memory, and never stored or broadcast.
  answerPing(session: JoinedSession): void {
    const member = session.member
    const { presence, store } = this.options
    const view = presence.builtView(member.roomId)
    // A pong is the one frame worth dropping for a socket that is behind on
    // reading: the next one says the same, newer.
    if (view && !session.closed) session.conn.send(JSON.stringify({ type: 'pong', online: view.online, members: view.members } satisfies ServerFrame), { droppable: true })
    // A store write per socket at most every quarter window (and second),
    // however fast it pings; none while the store is away (the pong above
    // keeps the link alive).
    const now = Date.now()
    if (now - session.lastTouchAt < this.options.touchIntervalMs || store.health().state !== 'ready') return
    session.lastTouchAt = now
    presence.heartbeat(member.roomId, member.id)
      .then(found => found ? undefined : this.options.removals.memberGone(member.roomId, member.id))
      .catch(error => this.options.log(`heartbeat failed: ${String(error)}`))
  }

  /** A sign of life other than a ping (a chat), written at once; false when the store no longer holds the member. */
  heard(roomId: string, memberId: string): Promise<boolean> {
    return this.options.presence.heartbeat(roomId, memberId)
  }

  /** A socket of the member is in the room; `tellOthers` for a new member, whose arrival the room hears. */
  entered(roomId: string, view: RoomView, presence: MemberPresence, tellOthers: boolean): void {
    this.options.presence.record(roomId, view, presence, tellOthers)
  }

  /** Offline at once, still a member. */
  offline(roomId: string, memberId: string): Promise<void> {
    return this.options.presence.offline(roomId, memberId)
  }

  /** The member's last socket here went: offline unless heard elsewhere. */
  released(roomId: string, memberId: string): Promise<void> {
    return this.options.presence.released(roomId, memberId)
  }
}
