import type { ServerFrame } from '../../../shared/protocol'
import type { LobbyWriter } from '../lobby/lobby-writer'
import type { MembershipLedger } from '../membership-ledger'
import type { PresenceTracker } from '../presence/presence-tracker'
import type { SessionIndex } from '../session-index'
import type { TypingTracker } from '../typing-tracker'
import type { RoomEvent } from '../types'
import type { HubSockets } from './sockets'

/**
 * A change to a held message is kept in a joining socket's backlog like chat,
 * past any seq: it follows the joined frame, and since it carries the whole
 * new state, applying it to a history that already has it changes nothing.
 */
const AFTER_EVERY_SEQ = Number.MAX_SAFE_INTEGER

export interface RoomEventRelayOptions {
  index: Pick<SessionIndex, 'broadcast' | 'sessionsOf'>
  sockets: Pick<HubSockets, 'detachMember'>
  typing: Pick<TypingTracker, 'apply'>
  presence: Pick<PresenceTracker, 'apply'>
  memberships: Pick<MembershipLedger, 'forget'>
  lobby: Pick<LobbyWriter, 'chatPosted' | 'metaChanged'>
}

/** Tells the sockets of this process what happened in their rooms, each event serialized once. */
export class RoomEventRelay {
  constructor(private readonly options: RoomEventRelayOptions) {}

  /** Every process serving the room hears each event once; each tells its own sockets. */
  onRoomEvent(roomId: string, event: RoomEvent): void {
    const { index, typing, lobby } = this.options
    const now = Date.now()
    switch (event.kind) {
      case 'chat':
        lobby.chatPosted(roomId, event.message.seq)
        typing.apply(roomId, event.message.from.id, false, now)
        return index.broadcast(roomId, JSON.stringify(event.message), event.message.seq)
      case 'typing':
        return typing.apply(roomId, event.memberId, event.typing, now)
      case 'reaction': {
        const { id, emoji, memberId, on } = event
        return index.broadcast(roomId, JSON.stringify({ type: 'reaction', roomId, id, emoji, memberId, on } satisfies ServerFrame), AFTER_EVERY_SEQ)
      }
      case 'edited':
        return index.broadcast(roomId, JSON.stringify({ type: 'edited', roomId, id: event.id, text: event.text, editedAt: event.editedAt, ...(event.cipher ? { cipher: event.cipher } : {}) } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'deleted':
        return index.broadcast(roomId, JSON.stringify({ type: 'deleted', roomId, id: event.id, ...(event.deletedBy ? { deletedBy: event.deletedBy } : {}) } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'room':
        lobby.metaChanged(roomId)
        return index.broadcast(roomId, JSON.stringify({ type: 'room', roomId, title: event.title } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'rekeyed':
        return index.broadcast(roomId, JSON.stringify({ type: 'rekeyed', roomId, salt: event.salt, generation: event.generation } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'pins':
        return index.broadcast(roomId, JSON.stringify({ type: 'pins', roomId, ids: event.ids, pinned: event.pinned } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'slowMode':
        return index.broadcast(roomId, JSON.stringify({ type: 'slowMode', roomId, seconds: event.seconds } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'kicked':
        return this.options.sockets.detachMember(roomId, event.memberId, { type: 'kicked', roomId, until: event.until })
      case 'invite':
        return this.invite(roomId, event)
    }
    this.options.presence.apply(roomId, event)
    if (event.kind !== 'left') return
    typing.apply(roomId, event.memberId, false, now)
    this.options.memberships.forget(roomId, event.memberId)
    this.options.sockets.detachMember(roomId, event.memberId)
  }

  /** Who types in a room, serialized once for the room, and once per typist, who is never told of itself. */
  broadcastTyping(roomId: string, ids: string[]): void {
    const index = this.options.index
    const typists = new Set(ids)
    index.broadcast(roomId, JSON.stringify({ type: 'typing', roomId, ids } satisfies ServerFrame), undefined, typists)
    for (const typist of typists) {
      const others = JSON.stringify({ type: 'typing', roomId, ids: ids.filter(id => id !== typist) } satisfies ServerFrame)
      for (const session of index.sessionsOf(roomId, typist)) if (!session.backlog) session.conn.send(others)
    }
  }

  /** The invite goes to the invited member's sockets in the room where it was asked, and to no other socket. */
  private invite(roomId: string, { to, roomId: privateRoomId, from, token }: Extract<RoomEvent, { kind: 'invite' }>): void {
    const data = JSON.stringify({ type: 'invite', roomId: privateRoomId, from, token } satisfies ServerFrame)
    for (const session of this.options.index.sessionsOf(roomId, to)) {
      if (session.backlog) session.backlog.push({ seq: AFTER_EVERY_SEQ, data })
      else session.conn.send(data)
    }
  }
}
