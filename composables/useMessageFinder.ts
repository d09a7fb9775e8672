import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, HistoryPageFrame, SearchResultsFrame } from '../shared/protocol'
import { withMessageChange } from '../utils/conversation'
import type { MessageChangeFrame } from '../utils/conversation'
import { mergeChatMessages } from '../utils/timeline'
import type { TimelineEntry } from '../utils/timeline'

/** The frames the finder sends: a search, or the history page around a seq. */
export type FinderRequest
  = | { type: 'search', q: string, before?: number, limit: number }
    | { type: 'history', around: number, limit: number }

export interface UseMessageFinderOptions {
  /** Sends a frame on the room's link; false when it could not go now. */
  send: (frame: FinderRequest) => boolean
  /** The reader, whose own messages are marked as theirs. */
  selfId: () => string | undefined
  /** Messages in the page around a chosen one. @default LIMITS.historyPageDefault */
  contextSize?: number
}

/** A page of the room around one message, shown in place of the live timeline until the reader goes back. */
export interface MessageContext {
  /** The seq of the message chosen: it is highlighted and scrolled to. */
  around: number
  entries: TimelineEntry[]
  /** The page has not come yet. */
  loading: boolean
}

export interface UseMessageFinderReturn {
  /** The query the results answer; '' before any search. */
  query: Readonly<Ref<string>>
  /** Matches, newest first, as the server sent them. */
  results: Readonly<Ref<ChatMessage[]>>
  /** Older messages match too: `searchMore` asks for them. */
  hasMore: Readonly<Ref<boolean>>
  /** A search is on its way. */
  searching: Readonly<Ref<boolean>>
  search: (query: string) => void
  searchMore: () => void
  clearSearch: () => void
  context: Readonly<Ref<MessageContext | undefined>>
  /** Asks for the page around `seq` and shows it (a search result, a pin). */
  showInContext: (seq: number) => void
  /** Back to the live timeline. */
  leaveContext: () => void
  takeResults: (frame: SearchResultsFrame) => void
  /** Takes a `history` page that answers `around`; false for any other page. */
  takeContext: (frame: HistoryPageFrame) => boolean
  /** An edit, delete or reaction reaches the context page too. */
  applyChange: (frame: MessageChangeFrame) => void
  /** The server refused a request (rate limit): nothing is on its way any more. */
  refused: () => void
}

/**
 * Finding old messages: a search (`search` → `searchResults`) and the
 * history around a chosen one (`history` with `around`), which may be
 * thousands of messages back, further than the live timeline holds. That
 * page is shown on its own, so the live timeline keeps no gap.
 */
export function useMessageFinder(options: UseMessageFinderOptions): UseMessageFinderReturn {
  const { send, selfId, contextSize = LIMITS.historyPageDefault } = options
  const query = shallowRef('')
  const results = shallowRef<ChatMessage[]>([])
  const hasMore = shallowRef(false)
  const searching = shallowRef(false)
  const context = shallowRef<MessageContext>()

  function search(text: string) {
    const q = text.trim().slice(0, LIMITS.searchQueryMaxLength)
    if (!q || !send({ type: 'search', q, limit: LIMITS.searchPageDefault })) return
    query.value = q
    results.value = []
    hasMore.value = false
    searching.value = true
  }

  function searchMore() {
    const last = results.value.at(-1)
    if (searching.value || !hasMore.value || !last) return
    if (send({ type: 'search', q: query.value, before: last.seq, limit: LIMITS.searchPageDefault })) searching.value = true
  }

  function takeResults(frame: SearchResultsFrame) {
    // An answer to a query since replaced is dropped.
    if (frame.q !== query.value) return
    const known = new Set(results.value.map(message => message.id))
    results.value = [...results.value, ...frame.results.filter(message => !known.has(message.id))]
    hasMore.value = frame.hasMore
    searching.value = false
  }

  function showInContext(seq: number) {
    if (!send({ type: 'history', around: seq, limit: contextSize })) return
    context.value = { around: seq, entries: [], loading: true }
  }

  function takeContext(frame: HistoryPageFrame): boolean {
    if (frame.around === undefined) return false
    if (frame.around === context.value?.around) {
      context.value = { around: frame.around, entries: mergeChatMessages([], frame.messages, selfId()), loading: false }
    }
    return true
  }

  function applyChange(frame: MessageChangeFrame) {
    const shown = context.value
    if (shown) context.value = { ...shown, entries: withMessageChange(shown.entries, frame) }
  }

  return {
    query,
    results,
    hasMore,
    searching,
    search,
    searchMore,
    clearSearch: () => {
      query.value = ''
      results.value = []
      hasMore.value = false
      searching.value = false
    },
    context,
    showInContext,
    leaveContext: () => { context.value = undefined },
    takeResults,
    takeContext,
    applyChange,
    refused: () => {
      searching.value = false
      if (context.value?.loading) context.value = undefined
    },
  }
}
