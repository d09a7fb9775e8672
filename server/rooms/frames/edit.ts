import type { EditFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { FrameHandler } from './context'

export const handleEdit: FrameHandler<EditFrame> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await context.store.editMessage(roomId, frame.id, id, frame.text, Date.now())
  if (typeof result === 'string') sendRefusal(context, session, result)
}
