import type { EditFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import { e2eeMismatch, staleKey } from './e2ee-check'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type EditContext = Pick<FrameContext, 'sendError'> & { readonly store: Pick<RoomStore, 'editMessage' | 'getRoom'> }

export const handleEdit: FrameHandler<EditFrame, EditContext> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const mismatch = e2eeMismatch(session.member, frame.cipher !== undefined)
  if (mismatch) return context.sendError(session, mismatch.code, mismatch.message)
  const stale = await staleKey(context.store, session.member, frame.cipher)
  if (stale) return context.sendError(session, stale.code, stale.message)
  const result = await context.store.editMessage(roomId, frame.id, id, frame.text, Date.now(), frame.cipher)
  if (typeof result === 'string') sendRefusal(context, session, result)
}
