import type { ChatSendFrame, ErrorCode } from '../../../shared/protocol'
import type { Attachments } from '../attachments'
import { chatAcknowledged, metricsClock } from '../../metrics/counts'
import { newId } from '../secrets'
import type { Session } from '../session-index'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'
import { replyRefTo } from './reply'
import { e2eeMismatch } from './e2ee-check'
import { mayHoldThread } from '../conversation/threads'

type ChatContext = Pick<FrameContext, 'send' | 'liveness' | 'removals'> & {
  readonly store: Pick<RoomStore, 'appendMessage' | 'findMessage'>
  readonly attachments: Pick<Attachments, 'claim'>
}

const NO_THREAD = 'threadId names no message of this room that can hold a thread: it must be held, not deleted, and not a thread reply itself'

export const handleChat: FrameHandler<ChatSendFrame, ChatContext> = async (session, frame, context) => {
  const received = metricsClock()
  const { store, liveness, removals } = context
  const member = session.member
  const mismatch = e2eeMismatch(member, frame.cipher !== undefined)
  if (mismatch) return refuseChat(context, session, frame, mismatch.message, mismatch.code)
  const replyTo = frame.replyTo === undefined ? undefined : await replyRefTo(store, member.roomId, frame.replyTo)
  if (frame.replyTo !== undefined && !replyTo) return refuseChat(context, session, frame, 'replyTo names no message held in this room')
  // Checked before the files are claimed; the store checks again as it appends, in the same step.
  if (frame.threadId !== undefined && !mayHoldThread(await store.findMessage(member.roomId, frame.threadId))) return refuseChat(context, session, frame, NO_THREAD)
  const attachments = frame.attachments && await context.attachments.claim(member.roomId, member.id, frame.attachments, frame.clientId)
  if (frame.attachments && !attachments) return refuseChat(context, session, frame, 'attachments must be files you uploaded to this room and have not sent yet')
  const appended = await store.appendMessage({
    type: 'chat',
    id: newId(),
    roomId: member.roomId,
    from: { id: member.id, name: member.name },
    text: frame.text,
    at: Date.now(),
    ...(frame.clientId ? { clientId: frame.clientId } : {}),
    ...(replyTo ? { replyTo } : {}),
    ...(frame.threadId === undefined ? {} : { threadId: frame.threadId }),
    ...(attachments ? { attachments } : {}),
    ...(frame.cipher ? { cipher: frame.cipher } : {}),
  })
  if (appended === 'no-thread') return refuseChat(context, session, frame, NO_THREAD)
  if (typeof appended === 'string') return removals.memberGone(member.roomId, member.id)
  if ('slowModeWaitMs' in appended) {
    // Not stored: the page sends it again, under the same clientId, once the wait is over.
    return context.send(session, { type: 'error', code: 'SLOW_MODE', message: 'slow mode: wait before sending another message', retryAfterMs: appended.slowModeWaitMs, ...(frame.clientId ? { clientId: frame.clientId } : {}) })
  }
  if (!appended.duplicate) chatAcknowledged(received)
  // A repeat (a resend after a drop) is acknowledged to its sender only; a
  // new message reaches the room as the store's chat event.
  if (appended.duplicate) context.send(session, appended.message)
  await liveness.heard(member)
}

// Named by its clientId, so that the page stops re-sending a message that
// would be refused every time and shows it as not sent.
function refuseChat(context: Pick<FrameContext, 'send'>, session: Session, frame: ChatSendFrame, message: string, code: ErrorCode = 'BAD_REQUEST'): void {
  context.send(session, { type: 'error', code, message, ...(frame.clientId ? { clientId: frame.clientId } : {}) })
}
