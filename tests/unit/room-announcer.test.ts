import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, shallowRef } from 'vue'
import type { EffectScope } from 'vue'
import { useRoomAnnouncer } from '../../composables/useRoomAnnouncer'
import type { ChatMessage } from '../../shared/protocol'
import type { TimelineEntry } from '../../utils/timeline'
import { createTestI18n } from '../support/i18n'

const ada = { id: 'm1', name: 'Ada' }
const bob = { id: 'm2', name: 'Bob' }

function chat(seq: number, from: { id: string, name: string }, text: string): TimelineEntry {
  const message: ChatMessage = { type: 'chat', seq, id: `c${seq}`, roomId: 'r', from, text, at: 0 }
  return { kind: 'chat', key: message.id, message, mine: from.id === ada.id }
}

let scope: EffectScope

function mountAnnouncer(locale: 'en' | 'zh-CN' = 'en') {
  const timeline = shallowRef<TimelineEntry[]>([chat(1, bob, 'from before')])
  const online = shallowRef(2)
  const members = shallowRef(3)
  const self = shallowRef<{ id: string }>()
  const threadReply = shallowRef<ChatMessage>()
  scope = effectScope()
  const announcer = scope.run(() => useRoomAnnouncer({ timeline, online, members, self, threadReply, t: createTestI18n(locale).global.t }))!
  const said = () => announcer.lines.value.map(line => line.text)
  // Lines are numbered as they are said; the region keeps only the last few.
  const timesSpoken = () => announcer.lines.value.at(-1)?.id ?? 0
  async function join() {
    self.value = ada
    await nextTick()
  }
  async function receive(...entries: TimelineEntry[]) {
    timeline.value = [...timeline.value, ...entries]
    await nextTick()
  }
  async function counts(now: number, total = members.value) {
    online.value = now
    members.value = total
    await nextTick()
  }
  async function hearReply(message: ChatMessage) {
    threadReply.value = message
    await nextTick()
  }
  return { said, timesSpoken, join, receive, counts, hearReply }
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  scope.stop()
  vi.useRealTimers()
})

describe('the room\'s live region', () => {
  it('says a reply another member posts in a thread, which the timeline does not show', async () => {
    const room = mountAnnouncer()
    await room.join()
    await room.hearReply({ type: 'chat', seq: 5, id: 'c5', roomId: 'r', from: bob, text: 'noodles it is', at: 0, threadId: 'c1' })
    expect(room.said()).toEqual(['Bob: in a thread: noodles it is'])
  })

  it('says a new message of another member at once, but not what the join brought nor the reader\'s own', async () => {
    const room = mountAnnouncer()
    await room.join()
    expect(room.said()).toEqual([])
    await room.receive(chat(2, ada, 'mine'))
    expect(room.said()).toEqual([])
    await room.receive(chat(3, bob, 'hello'))
    expect(room.said()).toEqual(['Bob: hello'])
  })

  it('says messages arriving together within a second as one line', async () => {
    const room = mountAnnouncer()
    await room.join()
    await room.receive(chat(2, bob, 'one'))
    await room.receive(chat(3, bob, 'two'))
    await room.receive(chat(4, bob, 'three'))
    expect(room.said()).toEqual(['Bob: one'])
    await vi.advanceTimersByTimeAsync(999)
    expect(room.said()).toEqual(['Bob: one'])
    await vi.advanceTimersByTimeAsync(1)
    expect(room.said()).toEqual(['Bob: one', '2 new messages'])
  })

  it('says a count change at once, then at most every 10 s, with the latest count', async () => {
    const room = mountAnnouncer()
    await room.join()
    expect(room.said()).toEqual([])
    await room.counts(3, 4)
    expect(room.said()).toEqual(['3 online, 4 members'])
    await vi.advanceTimersByTimeAsync(1000)
    await room.counts(4, 5)
    await room.counts(5, 5)
    await room.counts(4, 5)
    await vi.advanceTimersByTimeAsync(8999)
    expect(room.said()).toEqual(['3 online, 4 members'])
    await vi.advanceTimersByTimeAsync(1)
    expect(room.said()).toEqual(['3 online, 4 members', '4 online, 5 members'])
  })

  it('says nothing when the count went back to what it said last within the 10 s', async () => {
    const room = mountAnnouncer()
    await room.join()
    await room.counts(3)
    await room.counts(2)
    await room.counts(3)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(room.said()).toEqual(['3 online, 3 members'])
    // A change after a quiet interval is said at once again.
    await vi.advanceTimersByTimeAsync(10_000)
    await room.counts(1)
    expect(room.said()).toEqual(['3 online, 3 members', '1 online, 3 members'])
  })

  it('speaks the page\'s language', async () => {
    const room = mountAnnouncer('zh-CN')
    await room.join()
    await room.receive(chat(2, bob, '你好'))
    await room.counts(3)
    await vi.advanceTimersByTimeAsync(0)
    expect(room.said()).toEqual(['Bob：你好', '3 人在线，共 3 名成员'])
  })

  it('a hundred count changes in a minute are said at most seven times', async () => {
    const room = mountAnnouncer()
    await room.join()
    for (let i = 0; i < 100; i++) {
      await room.counts(3 + (i % 7))
      await vi.advanceTimersByTimeAsync(600)
    }
    expect(room.timesSpoken()).toBeGreaterThanOrEqual(6)
    expect(room.timesSpoken()).toBeLessThanOrEqual(7)
  })
})
