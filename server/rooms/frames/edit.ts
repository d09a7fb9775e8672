import type { EditFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type EditContext = Pick<FrameContext, 'sendError'> & { readonly store: Pick<RoomStore, 'editMessage'> }

export const handleEdit: FrameHandler<EditFrame, EditContext> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await context.store.editMessage(roomId, frame.id, id, frame.text, Date.now())
  if (typeof result === 'string') sendRefusal(context, session, result)
}
