import type { DeleteFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { FrameHandler } from './context'

export const handleDelete: FrameHandler<DeleteFrame> = async (session, frame, context) => {
  const { roomId, id } = session.member
  // Read first: the tombstone no longer names the message's files.
  const files = (await context.store.findMessage(roomId, frame.id))?.attachments
  const result = await context.store.deleteMessage(roomId, frame.id, id)
  if (typeof result === 'string') return sendRefusal(context, session, result)
  if (files?.length) await context.attachments.discard(roomId, files)
}
