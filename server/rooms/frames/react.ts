import type { ReactFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { FrameHandler } from './context'

// The room hears the message's reactions as the store's event.
export const handleReact: FrameHandler<ReactFrame> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await context.store.toggleReaction(roomId, frame.id, id, frame.emoji)
  if (typeof result === 'string') sendRefusal(context, session, result)
}
