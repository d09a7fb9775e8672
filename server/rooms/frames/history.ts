import { LIMITS } from '../../../shared/protocol'
import type { ChatMessage, HistoryPageFrame, HistoryRequestFrame } from '../../../shared/protocol'
import { newestWithinBytes } from '../answer-budget'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type HistoryContext = Pick<FrameContext, 'send' | 'sendError' | 'answers'> & { readonly store: Pick<RoomStore, 'timelineBefore' | 'findMessage'> }
type HistoryStore = HistoryContext['store']

/**
 * A page of older messages, or the page around a seq, to the asker only: at
 * most `LIMITS.historyPageMaxBytes`, the oldest left out past it (`hasMore`).
 * Without `threadId` a page of the main timeline (thread replies left out);
 * with it, a page of that thread's replies, whose root must be held (a
 * tombstone too: its replies stay reachable) and not be a reply itself.
 * A socket or address past its answer budget is refused with RATE_LIMITED
 * before the store is read.
 */
export const handleHistory: FrameHandler<HistoryRequestFrame, HistoryContext> = async (session, frame, { store, send, sendError, answers }) => {
  const roomId = session.member.roomId
  const { threadId } = frame
  if (threadId !== undefined) {
    const root = await store.findMessage(roomId, threadId)
    if (!root || root.threadId !== undefined) return sendError(session, 'BAD_REQUEST', 'threadId names no thread root held in this room (it may be too old, or a thread reply itself)')
  }
  const now = Date.now()
  const waitMs = answers.reserve(session, session.address, LIMITS.historyPageMaxBytes, now)
  if (waitMs > 0) return sendError(session, 'RATE_LIMITED', 'history pages come at most so many bytes a second; ask again later', waitMs)
  let page: ReturnType<typeof newestWithinBytes> = { messages: [], trimmed: false, bytes: 0 }
  let answer: Omit<HistoryPageFrame, 'messages'> = { type: 'history', roomId, hasMore: false, ...(threadId === undefined ? {} : { threadId }) }
  try {
    const limit = frame.limit ?? LIMITS.historyPageDefault
    const read: { messages: ChatMessage[], hasMore: boolean, hasNewer?: boolean } = frame.around === undefined
      ? await store.timelineBefore(roomId, frame.before!, limit, threadId)
      : await pageAround(store, roomId, frame.around, limit, threadId)
    page = newestWithinBytes(read.messages, LIMITS.historyPageMaxBytes)
    answer = { ...answer, hasMore: read.hasMore || page.trimmed, ...(read.hasNewer === undefined ? {} : { around: frame.around, hasNewer: read.hasNewer }) }
  }
  finally {
    answers.charge(session, session.address, page.bytes - LIMITS.historyPageMaxBytes)
  }
  send(session, { ...answer, messages: page.messages })
}

/**
 * The `limit` messages of the timeline centred on `around`: as many newer
 * as older (one fewer when `limit` is even), counted in seqs, so the page
 * holds it when the store does; `hasNewer` when the timeline holds messages
 * after the page.
 */
async function pageAround(store: HistoryStore, roomId: string, around: number, limit: number, threadId: string | undefined) {
  const newer = Math.floor((limit - 1) / 2)
  const [read, { messages: [newest] }] = await Promise.all([
    store.timelineBefore(roomId, around + newer + 1, limit, threadId),
    store.timelineBefore(roomId, Number.MAX_SAFE_INTEGER, 1, threadId),
  ])
  const last = read.messages.at(-1)
  return { ...read, hasNewer: newest !== undefined && (last === undefined ? newest.seq > around : newest.seq > last.seq) }
}
