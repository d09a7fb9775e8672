import type { DeleteFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { FrameHandler } from './context'

export const handleDelete: FrameHandler<DeleteFrame> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await context.store.deleteMessage(roomId, frame.id, id)
  if (typeof result === 'string') sendRefusal(context, session, result)
}
