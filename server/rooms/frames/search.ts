import { LIMITS } from '../../../shared/protocol'
import type { SearchFrame } from '../../../shared/protocol'
import { newestWithinBytes } from '../answer-budget'
import { SocketBuckets } from '../conversation/socket-bucket'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type SearchContext = Pick<FrameContext, 'send' | 'sendError' | 'answers'> & { readonly store: Pick<RoomStore, 'searchMessages'> }

// A search may read thousands of messages: its own bucket per socket, on top
// of the frame bucket and the answer budget its results are charged to.
const searches = new SocketBuckets(LIMITS.searchBurst, LIMITS.searchRefillMs)

/** The room's messages that hold `q`, newest first, to the asker only. */
export const handleSearch: FrameHandler<SearchFrame, SearchContext> = async (session, frame, { store, send, sendError, answers }) => {
  const roomId = session.member.roomId
  const now = Date.now()
  const searchWaitMs = searches.take(session, now)
  if (searchWaitMs > 0) return sendError(session, 'RATE_LIMITED', `searches come at most ${LIMITS.searchBurst} at once, then one every ${LIMITS.searchRefillMs / 1000} s`, searchWaitMs)
  const budgetWaitMs = answers.reserve(session, session.address, LIMITS.historyPageMaxBytes, now)
  if (budgetWaitMs > 0) return sendError(session, 'RATE_LIMITED', 'answers come at most so many bytes a second; search again later', budgetWaitMs)
  let page: ReturnType<typeof newestWithinBytes> = { messages: [], trimmed: false, bytes: 0 }
  let hasMore = false
  try {
    const found = await store.searchMessages(roomId, { q: frame.q, beforeSeq: frame.before ?? Number.MAX_SAFE_INTEGER, limit: frame.limit ?? LIMITS.searchPageDefault })
    // Newest first on the wire; the byte bound keeps the newest, as a history page does.
    page = newestWithinBytes([...found.messages].reverse(), LIMITS.historyPageMaxBytes)
    hasMore = found.hasMore || page.trimmed
  }
  finally {
    answers.charge(session, session.address, page.bytes - LIMITS.historyPageMaxBytes)
  }
  send(session, { type: 'searchResults', roomId, q: frame.q, results: page.messages.reverse(), hasMore })
}
