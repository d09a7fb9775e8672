import type { ErrorCode, ServerFrame } from '../../../shared/protocol'
import type { AnswerBudget } from '../answer-budget'
import type { Attachments } from '../attachments'
import type { Session, SessionMember } from '../session-index'
import type { TypingTracker } from '../typing-tracker'
import type { MessageChangeRefusal, RoomStore } from '../types'

/** What a frame handler may use of the hub. */
export interface FrameContext {
  readonly store: RoomStore
  readonly typing: TypingTracker
  readonly attachments: Attachments
  send(session: Session, frame: ServerFrame): void
  sendError(session: Session, code: ErrorCode, message: string, retryAfterMs?: number): void
  /** A member of the room as this process last told its sockets; undefined for one it does not know. */
  memberOf(roomId: string, memberId: string): { id: string, name: string } | undefined
  /**
   * How long the socket's member must wait before it may open a private
   * room: 0 when it may now, and then one is counted against the member and
   * against the rooms its address may create.
   */
  privateRoomWait(session: JoinedSession, now: number): number
  readonly maxRooms: number
  /** Bytes of history pages per socket and per address. */
  readonly answers: AnswerBudget
}

/** A socket that has joined: every handler in the table needs one. */
export type JoinedSession = Session & { member: SessionMember }

export type FrameHandler<F> = (session: JoinedSession, frame: F, context: FrameContext) => Promise<void> | void

const REFUSALS: Record<MessageChangeRefusal, [ErrorCode, string]> = {
  'not-found': ['BAD_REQUEST', 'no such message in this room (it may have been deleted or be too old)'],
  'forbidden': ['FORBIDDEN', 'only the author may change a message, and only the author or the room\'s owner delete it'],
  'too-many-reactions': ['BAD_REQUEST', 'this message has as many reactions as it may hold'],
}

export function sendRefusal(context: FrameContext, session: Session, refusal: MessageChangeRefusal): void {
  const [code, message] = REFUSALS[refusal]
  context.sendError(session, code, message)
}
