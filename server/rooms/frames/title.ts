import type { TitleFrame } from '../../../shared/protocol'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type TitleContext = Pick<FrameContext, 'sendError'> & { readonly store: Pick<RoomStore, 'getRoom' | 'setTitle' | 'publish'> }

// The room hears the new title as the store's event, on every process serving it.
export const handleTitle: FrameHandler<TitleFrame, TitleContext> = async (session, frame, { store, sendError }) => {
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may rename it')
  // As at creation: a title with nothing visible shows the room's id.
  const title = frame.title || roomId
  if (await store.setTitle(roomId, title)) await store.publish(roomId, { kind: 'room', title })
}
