import type { ChatMessage, JoinedFrame } from '../../shared/protocol'
import type { RoomView } from './room-view'
import type { MemberRecord } from './types'

export interface JoinedFrameParts {
  member: MemberRecord
  token: string
  created: boolean
  history: ChatMessage[]
  view: RoomView
  heartbeatWindowMs: number
  /** Set only when the join asked to resume from a seq. */
  recovered: boolean | undefined
  protected: boolean
  /** The join carried a password and the room has none. */
  passwordIgnored: boolean
}

/** The full picture a socket gets once, when its join succeeds. */
export function joinedFrame(parts: JoinedFrameParts): JoinedFrame {
  const { member, token, created, history, view, heartbeatWindowMs, recovered, passwordIgnored } = parts
  return {
    type: 'joined',
    roomId: member.roomId,
    you: { id: member.id, name: member.name },
    token,
    created,
    history,
    presence: view.snapshot(),
    heartbeatWindowMs,
    ...(recovered === undefined ? {} : { recovered }),
    protected: parts.protected,
    ...(passwordIgnored ? { passwordIgnored: true as const } : {}),
  }
}
