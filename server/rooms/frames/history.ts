import { LIMITS } from '../../../shared/protocol'
import type { HistoryRequestFrame } from '../../../shared/protocol'
import type { FrameHandler } from './context'

/** A page of older messages, to the asker only. */
export const handleHistory: FrameHandler<HistoryRequestFrame> = async (session, frame, { store, send }) => {
  const roomId = session.member.roomId
  const page = await store.messagesBefore(roomId, frame.before, frame.limit ?? LIMITS.historyPageDefault)
  send(session, { type: 'history', roomId, ...page })
}
