import type { ChatMessage, JoinedFrame } from '../../shared/protocol'
import type { RoomView } from './presence/room-view'
import type { MemberRecord, RoomRecord } from './types'
import { keyGenerationOf } from './room-rekey'

export interface JoinedFrameParts {
  member: MemberRecord
  token: string
  created: boolean
  history: ChatMessage[]
  view: RoomView
  heartbeatWindowMs: number
  /** The socket's frame bucket. */
  frameRate: { perSecond: number, burst: number }
  /** Set only when the join asked to resume from a seq. */
  recovered: boolean | undefined
  /** Older messages than `history` are held, and were left out of it. */
  hasMore: boolean
  /** Undefined for a resumed member whose room was gone by the time it was read. */
  room: RoomRecord | undefined
  /** The other member of a private room. */
  peer: { id: string, name: string } | undefined
  /** The join carried a password and the room has none. */
  passwordIgnored: boolean
  /** The room's slow mode and pins (conversationOnJoin). */
  conversation: Pick<JoinedFrame, 'slowMode' | 'pins' | 'pinned'>
}

/** The full picture a socket gets once, when its join succeeds. */
export function joinedFrame(parts: JoinedFrameParts): JoinedFrame {
  const { member, token, created, history, view, heartbeatWindowMs, frameRate, recovered, hasMore, room, peer, passwordIgnored, conversation } = parts
  return {
    type: 'joined',
    roomId: member.roomId,
    you: { id: member.id, name: member.name },
    token,
    created,
    history,
    presence: view.snapshot(),
    heartbeatWindowMs,
    frameRate,
    ...(recovered === undefined ? {} : { recovered }),
    ...(hasMore ? { hasMore: true as const } : {}),
    protected: Boolean(room?.passwordHash),
    ...(passwordIgnored ? { passwordIgnored: true as const } : {}),
    title: room?.title ?? member.roomId,
    visibility: room?.visibility ?? 'unlisted',
    owner: room?.ownerId ?? '',
    ...(peer ? { peer } : {}),
    ...conversation,
    ...(room?.e2eeSalt ? { e2ee: { salt: room.e2eeSalt, generation: keyGenerationOf(room) } } : {}),
  }
}
