import type { Ref } from 'vue'
import { computed, shallowRef } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage } from '../shared/protocol'
import { searchOpenedMessages } from '../utils/e2ee/local-search'
import type { TimelineEntry } from '../utils/timeline'
import type { MessageContext, UseMessageFinderReturn } from './useMessageFinder'

export interface UseSealedFinderOptions {
  /** The room's own finder (server search, history around a seq), used as it is in a room that is not encrypted. */
  finder: UseMessageFinderReturn
  /** The room is end-to-end encrypted: search runs here, over `timeline`. */
  e2ee: Readonly<Ref<boolean>>
  /** The messages loaded in the page. */
  timeline: Readonly<Ref<TimelineEntry[]>>
  /** A message's text as opened in this page (useSealedMessages().contentOf). */
  textOf: (message: ChatMessage) => string
  /** Matches listed at most. @default LIMITS.searchPageDefault */
  limit?: number
}

/**
 * The finder of an end-to-end encrypted room. The server holds only
 * ciphertext, so a `search` frame could match nothing and would tell the
 * server what is being looked for: the search runs in the page over the
 * messages it has loaded and opened, and never leaves it. A result is shown in
 * its context from the same loaded messages (already opened); a pin further
 * back still asks the server for its page. Elsewhere this is `finder` itself.
 */
export function useSealedFinder({ finder, e2ee, timeline, textOf, limit = LIMITS.searchPageDefault }: UseSealedFinderOptions): UseMessageFinderReturn {
  const localQuery = shallowRef('')
  const localResults = shallowRef<ChatMessage[]>([])
  const localContext = shallowRef<MessageContext>()

  function search(text: string) {
    if (!e2ee.value) return finder.search(text)
    const q = text.trim().slice(0, LIMITS.searchQueryMaxLength)
    if (!q) return
    localQuery.value = q
    localResults.value = searchOpenedMessages(timeline.value, textOf, q, limit)
  }

  function showInContext(seq: number) {
    const loaded = e2ee.value && timeline.value.some(entry => entry.kind === 'chat' && entry.message.seq === seq)
    if (!loaded) {
      localContext.value = undefined
      return finder.showInContext(seq)
    }
    finder.leaveContext()
    localContext.value = { around: seq, entries: timeline.value, loading: false }
  }

  return {
    ...finder,
    query: computed(() => (e2ee.value ? localQuery.value : finder.query.value)),
    results: computed(() => (e2ee.value ? localResults.value : finder.results.value)),
    // Everything loaded was searched at once: nothing more to ask for, nothing on its way.
    hasMore: computed(() => !e2ee.value && finder.hasMore.value),
    searching: computed(() => !e2ee.value && finder.searching.value),
    search,
    searchMore: () => { if (!e2ee.value) finder.searchMore() },
    clearSearch: () => {
      localQuery.value = ''
      localResults.value = []
      finder.clearSearch()
    },
    context: computed(() => localContext.value ?? finder.context.value),
    showInContext,
    leaveContext: () => {
      localContext.value = undefined
      finder.leaveContext()
    },
  }
}
