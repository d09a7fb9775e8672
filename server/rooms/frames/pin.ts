import { LIMITS } from '../../../shared/protocol'
import type { PinFrame } from '../../../shared/protocol'
import { pinnedRefsOf } from '../conversation/pinned-refs'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

export type PinStore = Pick<RoomStore, 'getRoom' | 'findMessage' | 'changePin' | 'publish'>
type PinContext = Pick<FrameContext, 'sendError'> & { readonly store: PinStore }

/** The owner pins or unpins a held message; the room hears the whole list, on every process serving it. */
export const handlePin: FrameHandler<PinFrame, PinContext> = async (session, frame, { store, sendError }) => {
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may pin messages')
  if (frame.pinned) {
    const message = await store.findMessage(roomId, frame.id)
    if (!message || message.deleted) return sendError(session, 'BAD_REQUEST', 'no such message in this room (it may have been deleted or be too old)')
  }
  const change = await store.changePin(roomId, frame.id, frame.pinned)
  if (change === 'too-many-pins') return sendError(session, 'TOO_MANY_PINS', `a room holds at most ${LIMITS.pinsPerRoom} pins; unpin one first`)
  if (change?.changed) await publishPins(store, roomId, change.pins)
}

/** Tells the room its pins, with what the bar shows of each. */
export async function publishPins(store: Pick<RoomStore, 'findMessage' | 'publish'>, roomId: string, ids: string[]): Promise<void> {
  await store.publish(roomId, { kind: 'pins', ids, pinned: await pinnedRefsOf(store, roomId, ids) })
}
