import { LIMITS } from '../../../shared/protocol'
import type { ChatMessage, HistoryPageFrame, HistoryRequestFrame } from '../../../shared/protocol'
import { newestWithinBytes } from '../answer-budget'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler } from './context'

type HistoryContext = Pick<FrameContext, 'send' | 'sendError' | 'answers'> & { readonly store: Pick<RoomStore, 'messagesBefore' | 'recentMessages'> }
type HistoryStore = HistoryContext['store']

/**
 * A page of older messages, or the page around a seq, to the asker only: at
 * most `LIMITS.historyPageMaxBytes`, the oldest left out past it (`hasMore`).
 * A socket or address past its answer budget is refused with RATE_LIMITED
 * before the store is read.
 */
export const handleHistory: FrameHandler<HistoryRequestFrame, HistoryContext> = async (session, frame, { store, send, sendError, answers }) => {
  const roomId = session.member.roomId
  if (frame.threadId !== undefined) return sendError(session, 'BAD_REQUEST', 'history by threadId is not available on this server yet')
  const now = Date.now()
  const waitMs = answers.reserve(session, session.address, LIMITS.historyPageMaxBytes, now)
  if (waitMs > 0) return sendError(session, 'RATE_LIMITED', 'history pages come at most so many bytes a second; ask again later', waitMs)
  let page: ReturnType<typeof newestWithinBytes> = { messages: [], trimmed: false, bytes: 0 }
  let answer: Omit<HistoryPageFrame, 'messages'> = { type: 'history', roomId, hasMore: false }
  try {
    const limit = frame.limit ?? LIMITS.historyPageDefault
    const read: { messages: ChatMessage[], hasMore: boolean, hasNewer?: boolean } = frame.around === undefined
      ? await store.messagesBefore(roomId, frame.before!, limit)
      : await pageAround(store, roomId, frame.around, limit)
    page = newestWithinBytes(read.messages, LIMITS.historyPageMaxBytes)
    answer = { ...answer, hasMore: read.hasMore || page.trimmed, ...(read.hasNewer === undefined ? {} : { around: frame.around, hasNewer: read.hasNewer }) }
  }
  finally {
    answers.charge(session, session.address, page.bytes - LIMITS.historyPageMaxBytes)
  }
  send(session, { ...answer, messages: page.messages })
}

/**
 * The `limit` messages centred on `around`: as many newer as older (one
 * fewer when `limit` is even), so the page holds it when the store does;
 * `hasNewer` when the room holds messages after the page.
 */
async function pageAround(store: HistoryStore, roomId: string, around: number, limit: number) {
  const newer = Math.floor((limit - 1) / 2)
  const [read, [newest]] = await Promise.all([store.messagesBefore(roomId, around + newer + 1, limit), store.recentMessages(roomId, 1)])
  const last = read.messages.at(-1)
  return { ...read, hasNewer: newest !== undefined && (last === undefined ? newest.seq > around : newest.seq > last.seq) }
}
