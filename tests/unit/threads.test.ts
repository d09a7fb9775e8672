import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useRoomState } from '~/composables/useRoomState'
import { useThread } from '~/composables/useThread'
import type { ChatMessage, JoinedFrame } from '~/shared/protocol'
import { withMessageChange } from '~/utils/conversation'
import { plainTextOf } from '~/utils/message-markdown'
import type { OutboxItem } from '~/utils/outbox'
import type { TimelineEntry } from '~/utils/timeline'

function message(seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'bob', name: 'Bob' }, text: `text ${seq}`, at: seq * 1000, ...extra }
}
const reply = (seq: number, root = 'm1') => message(seq, { threadId: root })

function joined(history: ChatMessage[], extra: Partial<JoinedFrame> = {}): JoinedFrame {
  return {
    type: 'joined', roomId: 'r', you: { id: 'ada', name: 'Ada' }, token: 't', created: false, history,
    presence: { online: 1, members: 2, users: [] }, protected: false, title: 'r', visibility: 'unlisted', owner: 'bob', ...extra,
  }
}

const shownTexts = (timeline: readonly TimelineEntry[]) => timeline.flatMap(entry => entry.kind === 'chat' ? [entry.message.text] : [])
const rootOf = (timeline: readonly TimelineEntry[]) => timeline.find(entry => entry.kind === 'chat' && entry.message.id === 'm1')

describe('thread replies in the room\'s state', () => {
  it('a live reply stays out of the timeline and counts into its root\'s summary, once however often it comes', () => {
    const room = useRoomState(500)
    room.applyJoined(joined([message(1, { thread: { replyCount: 2, lastReplyAt: 1500 } }), message(2)]))
    room.appendMessages([reply(3)])
    expect(shownTexts(room.timeline.value)).toEqual(['text 1', 'text 2'])
    expect(rootOf(room.timeline.value)).toMatchObject({ message: { thread: { replyCount: 3, lastReplyAt: 3000 } } })
    // A resume from the highest seq seen, replies included: the reply is not asked for again.
    expect(room.lastSeq()).toBe(3)
    room.appendMessages([reply(3)])
    room.applyJoined(joined([reply(3), reply(4)], { recovered: true }))
    expect(rootOf(room.timeline.value)).toMatchObject({ message: { thread: { replyCount: 4, lastReplyAt: 4000 } } })
    expect(shownTexts(room.timeline.value)).toEqual(['text 1', 'text 2'])
  })

  it('the first reply gives a root its summary; a reply to a root not held is left to the server\'s count when the root comes', () => {
    const room = useRoomState(500)
    room.applyJoined(joined([message(10)]))
    room.appendMessages([reply(11, 'm10'), reply(12, 'm1')])
    expect(room.timeline.value[0]).toMatchObject({ message: { id: 'm10', thread: { replyCount: 1, lastReplyAt: 11_000 } } })
    room.applyHistoryPage({ type: 'history', roomId: 'r', messages: [message(1, { thread: { replyCount: 5, lastReplyAt: 12_000 } })], hasMore: false })
    expect(rootOf(room.timeline.value)).toMatchObject({ message: { thread: { replyCount: 5 } } })
  })

  it('a deleted root is a tombstone that keeps its thread', () => {
    const timeline: TimelineEntry[] = [{ kind: 'chat', key: 'm1', mine: false, message: message(1, { thread: { replyCount: 2, lastReplyAt: 9 } }) }]
    const [tombstone] = withMessageChange(timeline, { type: 'deleted', roomId: 'r', id: 'm1' })
    expect(tombstone).toMatchObject({ message: { deleted: true, text: '', thread: { replyCount: 2, lastReplyAt: 9 } } })
  })
})

describe('useThread', () => {
  function openThread(pending: OutboxItem[] = []) {
    const sent = vi.fn((_frame: unknown) => true)
    const scope = effectScope()
    const thread = scope.run(() => useThread({ send: sent, selfId: () => 'ada', pending: () => pending, selfName: () => 'Ada' }))!
    thread.openThread(message(1))
    return { thread, sent, scope }
  }
  const page = (messages: ChatMessage[], hasMore: boolean) => ({ type: 'history' as const, roomId: 'r', threadId: 'm1', messages, hasMore })

  it('shows this member\'s pending replies of the open thread only, after the posted ones', () => {
    const pending: OutboxItem[] = [
      { clientId: 'c1', text: 'mine, here', writtenAt: 1, threadId: 'm1' },
      { clientId: 'c2', text: 'mine, main timeline', writtenAt: 2 },
      { clientId: 'c3', text: 'mine, another thread', writtenAt: 3, threadId: 'm9' },
    ]
    const { thread } = openThread(pending)
    thread.takePage(page([reply(2)], false))
    expect(thread.entries.value.map(entry => entry.kind === 'chat' ? entry.message.text : entry.kind === 'pending' ? entry.text : '')).toEqual(['text 2', 'mine, here'])
  })

  it('after a rejoin, a newest page that reaches the replies shown is merged; one past a gap starts over', () => {
    const { thread, sent } = openThread()
    thread.takePage(page([reply(2), reply(3)], true))
    thread.rejoined()
    expect(sent).toHaveBeenLastCalledWith({ type: 'history', threadId: 'm1', before: Number.MAX_SAFE_INTEGER, limit: 50 })
    thread.takePage(page([reply(3), reply(4)], true))
    expect(thread.entries.value.map(entry => entry.key)).toEqual(['chat:2:m2', 'chat:3:m3', 'chat:4:m4'])

    thread.rejoined()
    // A live reply that came while the page was on its way is kept; the rest starts over at the page.
    thread.takeReply(reply(300))
    thread.takePage(page([reply(200), reply(201)], true))
    expect(thread.entries.value.map(entry => entry.key)).toEqual(['chat:200:m200', 'chat:201:m201', 'chat:300:m300'])
    expect(thread.hasOlder.value).toBe(true)
  })

  it('a page of a thread since closed changes nothing; a refused request goes again after the wait', () => {
    vi.useFakeTimers()
    try {
      const { thread, sent, scope } = openThread()
      thread.refused(2000)
      vi.advanceTimersByTime(1999)
      expect(sent).toHaveBeenCalledTimes(1)
      vi.advanceTimersByTime(1)
      expect(sent).toHaveBeenCalledTimes(2)
      thread.close()
      expect(thread.takePage(page([reply(2)], false))).toBe(true)
      expect(thread.entries.value).toEqual([])
      thread.openThread('m1')
      thread.refused(2000)
      scope.stop()
      vi.advanceTimersByTime(5000)
      expect(sent).toHaveBeenCalledTimes(3)
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('plainTextOf', () => {
  it('takes the Markdown markers away and keeps the words, from markdown-it\'s tokens', () => {
    expect(plainTextOf('**bold** and _it_ and ~~gone~~ `x = 1`')).toBe('bold and it and gone x = 1')
    expect(plainTextOf('> quoted\n- one\n- two')).toBe('quoted one two')
    // Not Markdown: raw HTML and a lone asterisk stay as written.
    expect(plainTextOf('<b>hi</b> 2 * 3')).toBe('<b>hi</b> 2 * 3')
  })
})
