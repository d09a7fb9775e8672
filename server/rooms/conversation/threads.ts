import type { ChatMessage } from '../../../shared/protocol'

// The rules of threads (issue 23), as plain functions every store calls; the
// Redis store's Lua restates them in redis/scripts/messages.ts, and the
// contract suite (room-threads.contract.ts) runs each, "rule: …", on every
// store.

/**
 * Whether `root` may take a reply in its thread: a message the room holds
 * that is not itself a thread reply (threads are one level deep) and not a
 * tombstone (a deleted root keeps the replies it has, and takes no more).
 */
export function mayHoldThread(root: ChatMessage | undefined): root is ChatMessage {
  return root !== undefined && root.threadId === undefined && !root.deleted
}

/**
 * The root with one more reply counted: the summary lives on the root as the
 * store holds it, so it goes wherever the root goes (pages, search, the
 * tombstone) and leaves with it when the capped history drops it.
 */
export function withReplyCounted(root: ChatMessage, reply: Pick<ChatMessage, 'at'>): ChatMessage {
  const replyCount = (root.thread?.replyCount ?? 0) + 1
  return { ...root, thread: { replyCount, lastReplyAt: Math.max(root.thread?.lastReplyAt ?? 0, reply.at) } }
}

/** Which messages a page shows: the main timeline (`threadId` undefined) leaves replies out; a thread's holds only its own. */
export function inTimeline(message: ChatMessage, threadId: string | undefined): boolean {
  return message.threadId === threadId
}

/**
 * The newest `limit` messages of a timeline before `beforeSeq`, oldest first,
 * from a history held oldest first whose seqs are consecutive: a scan back
 * from `beforeSeq`, bounded by the history itself (capped by its limit).
 */
export function timelinePage(history: readonly ChatMessage[], beforeSeq: number, limit: number, threadId: string | undefined): { messages: ChatMessage[], hasMore: boolean } {
  const found: ChatMessage[] = []
  const start = Math.min(history.length, beforeSeq - (history[0]?.seq ?? 0)) - 1
  for (let index = start; index >= 0; index--) {
    const message = history[index]!
    if (!inTimeline(message, threadId)) continue
    if (found.length === limit) return { messages: found.reverse(), hasMore: true }
    found.push(message)
  }
  return { messages: found.reverse(), hasMore: false }
}
