import { LIMITS } from '../../../shared/protocol'
import type { HistoryRequestFrame } from '../../../shared/protocol'
import { newestWithinBytes } from '../answer-budget'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type HistoryContext = Pick<FrameContext, 'send' | 'sendError' | 'answers'> & { readonly store: Pick<RoomStore, 'messagesBefore'> }

/**
 * A page of older messages, to the asker only: at most
 * `LIMITS.historyPageMaxBytes`, the oldest left out past it (`hasMore`). A
 * socket or address past its answer budget is refused with RATE_LIMITED
 * before the store is read.
 */
export const handleHistory: FrameHandler<HistoryRequestFrame, HistoryContext> = async (session, frame, { store, send, sendError, answers }) => {
  const roomId = session.member.roomId
  if (frame.before === undefined || frame.threadId !== undefined) return sendError(session, 'BAD_REQUEST', 'history by around or threadId is not available on this server yet')
  const now = Date.now()
  const waitMs = answers.reserve(session, session.address, LIMITS.historyPageMaxBytes, now)
  if (waitMs > 0) return sendError(session, 'RATE_LIMITED', 'history pages come at most so many bytes a second; ask again later', waitMs)
  let page: ReturnType<typeof newestWithinBytes> = { messages: [], trimmed: false, bytes: 0 }
  let hasMore = false
  try {
    const read = await store.messagesBefore(roomId, frame.before, frame.limit ?? LIMITS.historyPageDefault)
    page = newestWithinBytes(read.messages, LIMITS.historyPageMaxBytes)
    hasMore = read.hasMore || page.trimmed
  }
  finally {
    answers.charge(session, session.address, page.bytes - LIMITS.historyPageMaxBytes)
  }
  send(session, { type: 'history', roomId, messages: page.messages, hasMore })
}
