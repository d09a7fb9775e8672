// Search in an end-to-end encrypted room: the server holds only ciphertext, so
// the room's search (issue 23's `search` frame) cannot run there. This is the
// seam the page's search uses for such a room instead: it runs over the
// messages loaded in the page, opened (useSealedMessages().contentOf), and says
// so (`e2ee.searchHere`).
import type { ChatMessage } from '../../shared/protocol'
import type { TimelineEntry } from '../timeline'

/** The loaded messages whose opened text contains every word of `query` (case and accents folded), newest first. */
export function searchOpenedMessages(timeline: readonly TimelineEntry[], textOf: (message: ChatMessage) => string, query: string, limit = 50): ChatMessage[] {
  const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase()
  const words = fold(query).split(/\s+/).filter(Boolean)
  if (words.length === 0) return []
  const found: ChatMessage[] = []
  for (let index = timeline.length - 1; index >= 0 && found.length < limit; index--) {
    const entry = timeline[index]!
    if (entry.kind !== 'chat' || entry.message.deleted) continue
    const text = fold(textOf(entry.message))
    if (words.every(word => text.includes(word))) found.push(entry.message)
  }
  return found
}
