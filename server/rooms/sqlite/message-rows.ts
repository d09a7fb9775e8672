import type { ChatMessage } from '../../../shared/protocol'
import { LIMITS } from '../../../shared/protocol'
import { isTrigramQuery, scanForMatches } from '../conversation/message-search'
import type { SearchPage, SearchQuery } from '../conversation/message-search'
import { mayHoldThread, withReplyCounted } from '../conversation/threads'
import { changedWords, withQuoteOf } from '../message-changes'
import type { MessageChange } from '../message-changes'
import { CLIENT_IDS_PER_MEMBER } from '../types'
import type { MessageChangeRefusal, NewChatMessage } from '../types'
import type { Statements } from './statements'

// The SQLite store's history, read from and written to the file: these run
// inside the turn's transaction (tick-transaction.ts), so each is one step.

export function parseBodies(bodies: string[]): ChatMessage[] {
  return bodies.map(body => JSON.parse(body) as ChatMessage)
}

/** How many rows the member's dedupe window holds, read from the file on first use and then kept in `room.sent`. */
export function sentCount(sql: Statements, room: { record: { id: string }, sent: Map<string, number> }, memberId: string): number {
  let count = room.sent.get(memberId)
  if (count === undefined) room.sent.set(memberId, count = sql.countSent.get(room.record.id, memberId) ?? 0)
  return count
}

/** A held thread root, as its row. */
export interface RootRow { seq: number, root: ChatMessage }

/** The root a thread reply goes under (undefined for a message of the main timeline), or 'no-thread' when it may not (mayHoldThread). */
export function threadRootOf(sql: Statements, message: NewChatMessage): RootRow | 'no-thread' | undefined {
  if (message.threadId === undefined) return undefined
  const row = sql.messageById.get(message.roomId, message.threadId)
  const root = row && JSON.parse(row.body) as ChatMessage
  return mayHoldThread(root) ? { seq: row!.seq, root } : 'no-thread'
}

/**
 * Inserts the message as seq `seq`, counts it in its thread's root
 * (withReplyCounted), trims the history and, for a clientId, the sender's
 * dedupe window (`sentBefore` rows held).
 */
export function insertMessage(sql: Statements, message: NewChatMessage, seq: number, historyLimit: number, sentBefore: number, thread?: RootRow): ChatMessage {
  const { roomId } = message
  const stored: ChatMessage = { ...message, seq }
  const body = JSON.stringify(stored)
  if (thread) sql.updateMessage.run(JSON.stringify(withReplyCounted(thread.root, stored)), roomId, thread.seq)
  sql.insertMessage.run(roomId, seq, body)
  sql.trimMessages.run(roomId, seq - historyLimit)
  if (message.clientId) {
    sql.insertSent.run(roomId, message.from.id, seq, message.clientId, body)
    if (sentBefore >= CLIENT_IDS_PER_MEMBER) sql.deleteOldestSent.run(roomId, message.from.id, roomId, message.from.id)
  }
  return stored
}

/**
 * Applies a change (message-changes.ts) to the held message and rewrites
 * every other copy of its words: the author's dedupe window and the quotes
 * of its replies, with theirs.
 */
export function updateMessage(sql: Statements, roomId: string, messageId: string, { apply }: MessageChange): ChatMessage | MessageChangeRefusal {
  const row = sql.messageById.get(roomId, messageId)
  if (!row) return 'not-found'
  const before = JSON.parse(row.body) as ChatMessage
  const changed = apply(before)
  if (typeof changed === 'string') return changed
  const body = JSON.stringify(changed)
  sql.updateMessage.run(body, roomId, row.seq)
  if (!changedWords(before, changed)) return changed
  // The dedupe window holds the message as sent: an edit or a delete leaves no copy of the old words there.
  if (before.clientId) sql.updateSent.run(body, roomId, before.from.id, row.seq)
  for (const reply of sql.repliesTo.all(roomId, messageId)) {
    const requoted = withQuoteOf(JSON.parse(reply.body) as ChatMessage, changed)
    const requotedBody = JSON.stringify(requoted)
    sql.updateMessage.run(requotedBody, roomId, reply.seq)
    if (requoted.clientId) sql.updateSent.run(requotedBody, roomId, requoted.from.id, reply.seq)
  }
  return changed
}

/** The messages after `afterSeq` (the newest `limit`, -1 for all), or undefined when some are no longer held. */
export function messagesAfter(sql: Statements, roomId: string, lastSeq: number, afterSeq: number, limit: number): ChatMessage[] | undefined {
  if (afterSeq >= lastSeq) return afterSeq === lastSeq ? [] : undefined
  const oldestHeld = sql.oldestSeq.get(roomId) ?? lastSeq + 1
  if (oldestHeld > afterSeq + 1) return undefined
  // Newest first, so that a limit keeps the newest; SQLite reads a negative LIMIT as none.
  return parseBodies(sql.messagesAfter.all(roomId, afterSeq, limit).reverse())
}

export function messagesBefore(sql: Statements, roomId: string, beforeSeq: number, limit: number): { messages: ChatMessage[], hasMore: boolean } {
  const page = sql.messagesBefore.all(roomId, beforeSeq, limit + 1)
  return { messages: parseBodies(page.slice(0, limit).reverse()), hasMore: page.length > limit }
}

export function timelineBefore(sql: Statements, roomId: string, beforeSeq: number, limit: number, threadId: string | undefined): { messages: ChatMessage[], hasMore: boolean } {
  const page = threadId === undefined ? sql.mainTimelineBefore.all(roomId, beforeSeq, limit + 1) : sql.threadBefore.all(roomId, threadId, beforeSeq, limit + 1)
  return { messages: parseBodies(page.slice(0, limit).reverse()), hasMore: page.length > limit }
}

/**
 * The room's matches through the trigram index; a query under 3 characters,
 * which no trigram holds, scans the newest `LIMITS.searchScanMax` messages
 * before `beforeSeq` instead, row by row.
 */
export function searchMessages(sql: Statements, roomId: string, query: SearchQuery): SearchPage {
  if (!isTrigramQuery(query.q)) return scanForMatches(parsedRows(sql.messagesBefore.iterate(roomId, query.beforeSeq, LIMITS.searchScanMax)), query)
  const phrase = `"${query.q.replaceAll('"', '""')}"`
  const page = sql.searchMessages.all(phrase, roomId, query.beforeSeq, query.limit + 1)
  return { messages: parseBodies(page.slice(0, query.limit)), hasMore: page.length > query.limit }
}

function* parsedRows(bodies: Iterable<string>): Generator<ChatMessage> {
  for (const body of bodies) yield JSON.parse(body) as ChatMessage
}
