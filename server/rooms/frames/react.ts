import type { ReactFrame } from '../../../shared/protocol'
import { sendRefusal } from './context'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type ReactContext = Pick<FrameContext, 'sendError'> & { readonly store: Pick<RoomStore, 'toggleReaction'> }

// The room hears the message's reactions as the store's event.
export const handleReact: FrameHandler<ReactFrame, ReactContext> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await context.store.toggleReaction(roomId, frame.id, id, frame.emoji)
  if (typeof result === 'string') sendRefusal(context, session, result)
}
