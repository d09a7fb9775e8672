import { effectScope, shallowRef } from 'vue'
import { describe, expect, it } from 'vitest'
import { useMessageFinder } from '../../composables/useMessageFinder'
import type { FinderRequest } from '../../composables/useMessageFinder'
import { useSealedFinder } from '../../composables/useSealedFinder'
import type { ChatMessage } from '../../shared/protocol'
import type { TimelineEntry } from '../../utils/timeline'

const message = (seq: number, opened: string): ChatMessage => ({ type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'a', name: 'Ada' }, text: '', at: seq, clientId: `c${seq}`, cipher: { v: 1, iv: 'i', data: opened } })
const timeline = shallowRef<TimelineEntry[]>([
  { kind: 'chat', key: 'm1', message: message(1, 'the quokka picnic'), mine: false },
  { kind: 'chat', key: 'm2', message: message(2, 'bring a blanket'), mine: false },
])
// The page passes useSealedMessages().contentOf; here the opened text is where the test put it.
const textOf = (chat: ChatMessage) => chat.cipher!.data

function finderOf(e2ee: boolean) {
  const sent: FinderRequest[] = []
  const scope = effectScope()
  const finder = scope.run(() => useSealedFinder({ finder: useMessageFinder({ send: frame => sent.push(frame) > 0, selfId: () => 'a' }), e2ee: shallowRef(e2ee), timeline, textOf }))!
  return { finder, sent }
}

describe('search in an end-to-end encrypted room', () => {
  it('runs over the opened loaded messages, sends nothing, and shows a result among them, highlighted', () => {
    const { finder, sent } = finderOf(true)
    finder.search('  QUOKKA ')
    expect(finder.query.value).toBe('QUOKKA')
    expect(finder.results.value.map(found => found.id)).toEqual(['m1'])
    expect(finder.searching.value).toBe(false)
    expect(finder.hasMore.value).toBe(false)
    finder.showInContext(1)
    expect(finder.context.value).toEqual({ around: 1, entries: timeline.value, loading: false })
    finder.leaveContext()
    expect(finder.context.value).toBeUndefined()
    expect(sent).toEqual([])
  })

  it('a message not loaded (a pin far back) is asked for as elsewhere', () => {
    const { finder, sent } = finderOf(true)
    finder.showInContext(900)
    expect(sent).toEqual([{ type: 'history', around: 900, limit: expect.any(Number) }])
    expect(finder.context.value).toMatchObject({ around: 900, loading: true })
  })

  it('in any other room the server searches, as before', () => {
    const { finder, sent } = finderOf(false)
    finder.search('quokka')
    expect(sent).toEqual([{ type: 'search', q: 'quokka', limit: expect.any(Number) }])
    expect(finder.searching.value).toBe(true)
  })
})
