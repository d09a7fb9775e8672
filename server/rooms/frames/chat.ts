import type { ChatSendFrame, ErrorCode } from '../../../shared/protocol'
import type { Attachments } from '../attachments'
import { chatAcknowledged, metricsClock } from '../../metrics/counts'
import { newId } from '../secrets'
import type { Session } from '../session-index'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'
import { replyRefTo } from './reply'
import { e2eeMismatch, staleKey } from './e2ee-check'

type ChatContext = Pick<FrameContext, 'send' | 'liveness' | 'removals'> & {
  readonly store: Pick<RoomStore, 'appendMessage' | 'findMessage' | 'getRoom'>
  readonly attachments: Pick<Attachments, 'claim'>
}

export const handleChat: FrameHandler<ChatSendFrame, ChatContext> = async (session, frame, context) => {
  const received = metricsClock()
  const { store, liveness, removals } = context
  const member = session.member
  // Threads (issue 23) have their frames but not yet their store: a reply
  // posted to the main timeline would be in the wrong place, so it is refused.
  if (frame.threadId !== undefined) return refuseChat(context, session, frame, 'threads are not available on this server yet')
  const mismatch = e2eeMismatch(member, frame.cipher !== undefined)
  if (mismatch) return refuseChat(context, session, frame, mismatch.message, mismatch.code)
  const stale = await staleKey(store, member, frame.cipher)
  if (stale) return refuseChat(context, session, frame, stale.message, stale.code)
  const replyTo = frame.replyTo === undefined ? undefined : await replyRefTo(store, member.roomId, frame.replyTo)
  if (frame.replyTo !== undefined && !replyTo) return refuseChat(context, session, frame, 'replyTo names no message held in this room')
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
    ...(attachments ? { attachments } : {}),
    ...(frame.cipher ? { cipher: frame.cipher } : {}),
  })
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
