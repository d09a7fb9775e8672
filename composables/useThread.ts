import type { ComputedRef, Ref } from 'vue'
import { computed, shallowRef } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, HistoryPageFrame } from '../shared/protocol'
import { withMessageChange } from '../utils/conversation'
import type { MessageChangeFrame } from '../utils/conversation'
import type { OutboxItem } from '../utils/outbox'
import { tryOnScopeDispose } from '../utils/scope'
import { highestSeq, mergeChatMessages, withPendingEntries } from '../utils/timeline'
import type { TimelineEntry } from '../utils/timeline'

/** Any seq is before this: asks for a thread's newest page. */
const NEWEST = Number.MAX_SAFE_INTEGER
/** Replies one open thread keeps at most once paged back: the oldest go first. */
const MAX_THREAD_ENTRIES = 5000

/** The frame that asks for a page of one thread's replies. */
export interface ThreadPageRequest { type: 'history', threadId: string, before: number, limit: number }

export interface UseThreadOptions {
  /** Sends on the room's link; false when it could not go now. */
  send: (frame: ThreadPageRequest) => boolean
  /** The reader, whose own replies are marked as theirs. */
  selfId: () => string | undefined
  /** A message the page holds (the main timeline, a page around a message, a search result), to show a thread's root. */
  findMessage?: (id: string) => ChatMessage | undefined
  /** This member's messages not acknowledged yet: those of the open thread show in it as pending. @default () => [] */
  pending?: () => readonly OutboxItem[]
  /** The name pending replies show. @default () => '' */
  selfName?: () => string
  /** Replies one page asks for. @default LIMITS.historyPageDefault */
  pageSize?: number
  /** Pages asked for at most, one after the other, to reach a reply chosen from a search. @default 20 */
  maxSeekPages?: number
}

/** The thread the panel shows. */
export interface OpenThread {
  rootId: string
  /** The root as the page knows it, kept in step with edits, reactions and a delete; undefined when the page never held it. */
  root?: ChatMessage
  /** The reply chosen from a search: marked, and paged back to if older than the newest page. */
  highlightSeq?: number
}

export interface UseThreadReturn {
  /** The open thread; undefined while the panel is closed. */
  current: Readonly<Ref<OpenThread | undefined>>
  /** Its replies oldest first, then this member's pending ones. */
  entries: ComputedRef<TimelineEntry[]>
  /** The first page has not come yet. */
  loading: Readonly<Ref<boolean>>
  /** Older replies are held by the server. */
  hasOlder: Readonly<Ref<boolean>>
  /** A page of older replies is on its way. */
  loadingOlder: Readonly<Ref<boolean>>
  /** Opens the thread of `root` (a message, or a root's id), asking for its newest replies. */
  openThread: (root: ChatMessage | string, options?: { highlightSeq?: number }) => void
  close: () => void
  /** Asks for the page before the oldest reply shown; false when there is none or one is on its way. */
  loadOlder: () => boolean
  /** Takes a `history` page that names a thread; false for any other page. */
  takePage: (frame: HistoryPageFrame) => boolean
  /** A reply (a chat with `threadId`, live or replayed): shown when its thread is open. */
  takeReply: (message: ChatMessage) => void
  /** The latest reply another member sent while this page listened, in any thread: for the screen reader's live region. */
  heardReply: Readonly<Ref<ChatMessage | undefined>>
  /** A live reply arrived (not one a join replayed). */
  heard: (message: ChatMessage) => void
  /** An edit, delete or reaction reaches the root and the replies shown. */
  applyChange: (frame: MessageChangeFrame) => void
  /** A new join: what came meanwhile is asked for again, so the panel keeps no silent gap. */
  rejoined: () => void
  /** The server refused a request (rate limit): it goes again after `waitMs`. */
  refused: (waitMs: number) => void
  /** Stops the retry timer. */
  stop: () => void
}

/**
 * One thread at a time, as the side panel shows it: its root, its replies
 * paged back from the newest (`history` with `threadId`), live replies as
 * they come, and this member's own replies still in the outbox.
 */
export function useThread(options: UseThreadOptions): UseThreadReturn {
  const { send, selfId, findMessage = () => undefined, pending = () => [], selfName = () => '', pageSize = LIMITS.historyPageDefault, maxSeekPages = 20 } = options
  const current = shallowRef<OpenThread>()
  const replies = shallowRef<TimelineEntry[]>([])
  const heardReply = shallowRef<ChatMessage>()
  const loading = shallowRef(false)
  const hasOlder = shallowRef(false)
  const loadingOlder = shallowRef(false)
  // The `before` of the request on its way, to ask again after a refusal.
  let asked: number | undefined
  // After a rejoin, the newest reply shown before it: the newest page asked
  // for then replaces the replies when it does not reach back to it.
  let reloading = false
  let newestBeforeRejoin: number | undefined
  let seekPages = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const entries = computed(() => {
    const thread = current.value
    return thread ? withPendingEntries(replies.value, pending(), selfName(), thread.rootId) : []
  })

  function request(before: number): boolean {
    const thread = current.value
    if (!thread || !send({ type: 'history', threadId: thread.rootId, before, limit: pageSize })) return false
    asked = before
    loadingOlder.value = before !== NEWEST
    return true
  }

  function openThread(root: ChatMessage | string, { highlightSeq }: { highlightSeq?: number } = {}) {
    const rootId = typeof root === 'string' ? root : root.id
    const message = typeof root === 'string' ? findMessage(rootId) : root
    stop()
    current.value = { rootId, ...(message ? { root: message } : {}), ...(highlightSeq === undefined ? {} : { highlightSeq }) }
    replies.value = []
    hasOlder.value = false
    reloading = false
    seekPages = 0
    loading.value = true
    request(NEWEST)
  }

  function close() {
    stop()
    current.value = undefined
    replies.value = []
    loading.value = false
    loadingOlder.value = false
  }

  function oldestSeq(): number | undefined {
    const oldest = replies.value.find(entry => entry.kind === 'chat')
    return oldest?.kind === 'chat' ? oldest.message.seq : undefined
  }

  function loadOlder(): boolean {
    const before = oldestSeq()
    if (asked !== undefined || !hasOlder.value || before === undefined) return false
    return request(before)
  }

  function takePage(frame: HistoryPageFrame): boolean {
    if (frame.threadId === undefined) return false
    // A page of a thread since closed, or another one opened: not this panel's.
    if (frame.threadId !== current.value?.rootId) return true
    clearTimeout(retryTimer)
    asked = undefined
    loading.value = false
    loadingOlder.value = false
    const pageNewest = frame.messages.at(-1)?.seq ?? 0
    const reachesHeld = newestBeforeRejoin !== undefined && (frame.messages[0]?.seq ?? NEWEST) <= newestBeforeRejoin
    // After a rejoin, a newest page that does not reach what was shown would
    // leave a gap: it starts over, keeping only live replies newer than it.
    const restart = reloading && !reachesHeld && frame.hasMore
    const base = restart ? replies.value.filter(entry => entry.kind === 'chat' && entry.message.seq > pageNewest) : replies.value
    if (!reloading || restart) hasOlder.value = frame.hasMore && frame.messages.length > 0
    reloading = false
    const merged = mergeChatMessages(base, frame.messages, selfId())
    if (merged.length > MAX_THREAD_ENTRIES) hasOlder.value = true
    replies.value = merged.slice(-MAX_THREAD_ENTRIES)
    seekHighlighted()
    return true
  }

  // A reply chosen from a search may be older than the newest page: the panel pages back to it.
  function seekHighlighted() {
    const wanted = current.value?.highlightSeq
    const oldest = oldestSeq()
    if (wanted === undefined || oldest === undefined || wanted >= oldest || seekPages >= maxSeekPages) return
    if (loadOlder()) seekPages += 1
  }

  function takeReply(message: ChatMessage) {
    // Taken while the first page is on its way too: the server may send a live reply before a page read earlier.
    if (message.threadId === undefined || message.threadId !== current.value?.rootId) return
    replies.value = mergeChatMessages(replies.value, [message], selfId()).slice(-MAX_THREAD_ENTRIES)
  }

  function heard(message: ChatMessage) {
    if (message.threadId !== undefined && message.from.id !== selfId()) heardReply.value = message
    takeReply(message)
  }

  function applyChange(frame: MessageChangeFrame) {
    const thread = current.value
    if (!thread) return
    replies.value = withMessageChange(replies.value, frame)
    if (thread.root?.id !== frame.id) return
    const [changed] = withMessageChange([{ kind: 'chat', key: 'root', message: thread.root, mine: false }], frame)
    if (changed?.kind === 'chat') current.value = { ...thread, root: changed.message }
  }

  function rejoined() {
    if (!current.value) return
    stop()
    newestBeforeRejoin = highestSeq(replies.value)
    reloading = newestBeforeRejoin !== undefined
    if (!reloading) loading.value = true
    request(NEWEST)
  }

  function refused(waitMs: number) {
    const before = asked
    if (before === undefined) return
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => {
      asked = undefined
      request(before)
    }, waitMs)
  }

  function stop() {
    clearTimeout(retryTimer)
    retryTimer = undefined
    asked = undefined
  }

  tryOnScopeDispose(stop)
  return { current, entries, loading, hasOlder, loadingOlder, openThread, close, loadOlder, takePage, takeReply, heardReply, heard, applyChange, rejoined, refused, stop }
}
