import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { searchOpenedMessages } from '../../utils/e2ee/local-search'
import type { TimelineEntry } from '../../utils/timeline'

const message = (seq: number, opened: string, deleted = false): ChatMessage => ({ type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'a', name: 'Ada' }, text: '', at: seq, cipher: { v: 1, iv: 'i', data: opened }, ...(deleted ? { deleted: true as const } : {}) })
const timeline: TimelineEntry[] = [
  { kind: 'chat', message: message(1, 'Meet at the Café at noon'), mine: false },
  { kind: 'chat', message: message(2, 'the cafe is closed'), mine: false },
  { kind: 'chat', message: message(3, 'noon cafe gone', true), mine: false },
  { kind: 'chat', message: message(4, 'nothing here'), mine: false },
] as TimelineEntry[]
// The test's "opening" reads the opened text from where the message keeps it; the page passes contentOf.
const textOf = (chat: ChatMessage) => chat.cipher!.data

describe('search over the opened messages of an encrypted room', () => {
  it('finds every word, folding case and accents, newest first, and never a deleted message', () => {
    expect(searchOpenedMessages(timeline, textOf, 'CAFE').map(found => found.id)).toEqual(['m2', 'm1'])
    expect(searchOpenedMessages(timeline, textOf, 'café noon').map(found => found.id)).toEqual(['m1'])
    expect(searchOpenedMessages(timeline, textOf, 'gone')).toEqual([])
    expect(searchOpenedMessages(timeline, textOf, '   ')).toEqual([])
    expect(searchOpenedMessages(timeline, textOf, 'the', 1).map(found => found.id)).toEqual(['m2'])
  })
})
