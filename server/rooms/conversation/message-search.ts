import { LIMITS } from '../../../shared/protocol'
import type { ChatMessage } from '../../../shared/protocol'

/** What a search answers: matches newest first, and whether older ones match too. */
export interface SearchPage {
  messages: ChatMessage[]
  hasMore: boolean
}

/** A search as the stores take it: `q` trimmed, `beforeSeq` exclusive (Infinity for the newest). */
export interface SearchQuery {
  q: string
  beforeSeq: number
  limit: number
}

// Unicode case folding as far as JS lowercases: the SQLite trigram index
// folds case too, so the three stores find the same messages.
function folded(text: string): string {
  return text.toLowerCase()
}

/**
 * The one matching rule: a message that is not a tombstone and whose text
 * holds `q` in any case. Every store's scan applies it; SQLite's trigram
 * index finds the same set for queries of 3 characters and more.
 */
export function matchesQuery(message: ChatMessage, foldedQuery: string): boolean {
  return !message.deleted && message.text.length > 0 && folded(message.text).includes(foldedQuery)
}

/** Trigrams need three characters (code points): a shorter query is scanned for. */
export function isTrigramQuery(q: string): boolean {
  return [...q].length >= 3
}

/**
 * The bounded scan the memory and Redis stores run, and SQLite for a query
 * too short for its index: `newestFirst` is read to `LIMITS.searchScanMax`
 * messages at most, and one match past `limit` says there are more.
 */
export function scanForMatches(newestFirst: Iterable<ChatMessage>, { q, beforeSeq, limit }: SearchQuery): SearchPage {
  const foldedQuery = folded(q)
  const messages: ChatMessage[] = []
  let read = 0
  for (const message of newestFirst) {
    if (++read > LIMITS.searchScanMax) break
    if (message.seq >= beforeSeq || !matchesQuery(message, foldedQuery)) continue
    if (messages.length === limit) return { messages, hasMore: true }
    messages.push(message)
  }
  return { messages, hasMore: false }
}

/** The history array read from its newest end. */
export function* newestFirst(history: readonly ChatMessage[]): Generator<ChatMessage> {
  for (let index = history.length - 1; index >= 0; index--) yield history[index]!
}
