import type { TypingSendFrame } from '../../../shared/protocol'
import type { TypingTracker } from '../typing-tracker'
import type { RoomStore } from '../types'
import type { FrameHandler } from './context'

interface TypingContext {
  readonly store: Pick<RoomStore, 'publish'>
  readonly typing: Pick<TypingTracker, 'worthPublishing'>
}

// Told to every process serving the room (this one included) through the
// store's pub/sub, never written to it.
export const handleTyping: FrameHandler<TypingSendFrame, TypingContext> = async (session, frame, { store, typing }) => {
  const { roomId, id } = session.member
  const typingNow = frame.stop !== true
  if (!typing.worthPublishing(roomId, id, typingNow, Date.now())) return
  await store.publish(roomId, { kind: 'typing', memberId: id, typing: typingNow })
}
