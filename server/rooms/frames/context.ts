import type { ErrorCode, ServerFrame } from '../../../shared/protocol'
import type { AnswerBudget } from '../answer-budget'
import type { Attachments } from '../attachments'
import type { RoomJoins } from '../hub/join'
import type { Liveness } from '../hub/liveness'
import type { MemberRemovals } from '../hub/removals'
import type { LobbyFeed } from '../lobby/lobby-feed'
import type { PasswordHashing } from '../password-hashing'
import type { TokenBuckets } from '../rate-limits'
import type { Session, SessionMember } from '../session-index'
import type { TypingTracker } from '../typing-tracker'
import type { MessageChangeRefusal, RoomStore } from '../types'

/**
 * Everything the hub hands its frame handlers, as one object made once. Each
 * handler declares the narrow part it uses (its own context type, picking
 * from this one and from the store), so what a handler may touch is read
 * from its signature.
 */
export interface FrameContext {
  readonly store: RoomStore
  readonly typing: TypingTracker
  readonly attachments: Attachments
  /** Bytes of history pages per socket and per address. */
  readonly answers: AnswerBudget
  readonly joins: Pick<RoomJoins, 'join'>
  /** Pings and every other sign of life go through this one seam. */
  readonly liveness: Pick<Liveness, 'answerPing' | 'heard'>
  readonly removals: Pick<MemberRemovals, 'removeMember' | 'memberGone'>
  readonly lobbyFeed: LobbyFeed
  /** Private rooms asked for, per member (room and id). */
  readonly dmRequests: Pick<TokenBuckets, 'take'>
  /** Rooms created per client address: a private room counts as one. */
  readonly roomCreations: Pick<TokenBuckets, 'take'>
  /** Every scrypt (a password change's too), rate-limited per address and queued server-wide. */
  readonly hashing: Pick<PasswordHashing, 'hash'>
  readonly maxRooms: number
  send(session: Session, frame: ServerFrame): void
  sendError(session: Session, code: ErrorCode, message: string, retryAfterMs?: number): void
  /** A member of the room as this process last told its sockets; undefined for one it does not know. */
  memberOf(roomId: string, memberId: string): { id: string, name: string } | undefined
}

/** A socket that has joined: what a handler whose row says `needsMember` is given. */
export type JoinedSession = Session & { member: SessionMember }

/**
 * One frame type's handler. `C` is the part of the context it uses, `S` the
 * session it needs: a joined one unless its row says otherwise.
 */
export type FrameHandler<F, C = FrameContext, S extends Session = JoinedSession> = (session: S, frame: F, context: C) => Promise<void> | void

const REFUSALS: Record<MessageChangeRefusal, [ErrorCode, string]> = {
  'not-found': ['BAD_REQUEST', 'no such message in this room (it may have been deleted or be too old)'],
  'forbidden': ['FORBIDDEN', 'only the author may change a message, and only the author or the room\'s owner delete it'],
  'too-many-reactions': ['BAD_REQUEST', 'this message has as many reactions as it may hold'],
}

export function sendRefusal(context: Pick<FrameContext, 'sendError'>, session: Session, refusal: MessageChangeRefusal): void {
  const [code, message] = REFUSALS[refusal]
  context.sendError(session, code, message)
}
