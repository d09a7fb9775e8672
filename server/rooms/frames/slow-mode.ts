import type { SlowModeFrame } from '../../../shared/protocol'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type SlowModeContext = Pick<FrameContext, 'sendError'> & { readonly store: Pick<RoomStore, 'getRoom' | 'setSlowMode' | 'publish'> }

// The room hears the new setting as the store's event, on every process serving it.
export const handleSlowMode: FrameHandler<SlowModeFrame, SlowModeContext> = async (session, frame, { store, sendError }) => {
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may set slow mode')
  if (await store.setSlowMode(roomId, frame.seconds)) await store.publish(roomId, { kind: 'slowMode', seconds: frame.seconds })
}
