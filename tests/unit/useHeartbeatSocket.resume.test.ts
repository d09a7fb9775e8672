// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import {
  acceptJoin,
  ada,
  bob,
  chatMessage,
  chatSeqs,
  dropAndWait,
  joinedFrame,
  mountHeartbeatSocket,
  pendingEntries,
  setupHeartbeatSocketTests,
  systemLines,
} from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

function joinFrameOfLatestSocket() {
  FakeWebSocket.latest().open()
  return FakeWebSocket.latest().framesOfType('join')[0]
}

describe('lastSeq', () => {
  it('the first join carries no lastSeq; a rejoin carries the highest seq shown', () => {
    mountHeartbeatSocket()
    expect(joinFrameOfLatestSocket()).not.toHaveProperty('lastSeq')
    FakeWebSocket.latest().receive(joinedFrame({ history: [chatMessage(1), chatMessage(2)] }))
    FakeWebSocket.latest().receive(chatMessage(3))
    dropAndWait()

    expect(joinFrameOfLatestSocket()?.lastSeq).toBe(3)
  })

  it('a rejoin after a room with no messages yet carries no lastSeq', () => {
    mountHeartbeatSocket()
    acceptJoin()
    dropAndWait()
    expect(joinFrameOfLatestSocket()).not.toHaveProperty('lastSeq')
  })
})

describe('recovered', () => {
  it('recovered=true merges what came after lastSeq, without duplicates and in seq order', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1), chatMessage(2)] })
    dropAndWait()
    acceptJoin({ history: [chatMessage(2), chatMessage(4), chatMessage(3)], recovered: true })

    expect(chatSeqs(chat)).toEqual([1, 2, 3, 4])
    expect(systemLines(chat)).toEqual([])
  })

  it('recovered=false replaces the messages with the server\'s history and says some could not be recovered', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [1, 2, 3].map(seq => chatMessage(seq)) })
    dropAndWait()

    // A restarted server: a new member id for us, and seq counting from 1 again.
    const restarted = { ...chatMessage(1, bob, 'after the restart'), id: 'new-1' }
    acceptJoin({ you: { id: 'm-ada-2', name: 'Ada' }, history: [restarted], recovered: false })

    expect(chat.timeline.value.map(entry => entry.kind === 'chat' ? entry.message.text : entry.kind)).toEqual(['after the restart', 'system'])
    expect(systemLines(chat)).toEqual(['Some messages could not be recovered'])
    dropAndWait()
    expect(joinFrameOfLatestSocket()?.lastSeq).toBe(1)
  })

  it('recovered=false keeps the pending messages and sends them after the join', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1)] })
    FakeWebSocket.latest().drop()
    chat.send('still mine')
    vi.advanceTimersByTime(500)

    const socket = acceptJoin({ history: [], recovered: false })

    expect(pendingEntries(chat).map(entry => entry.text)).toEqual(['still mine'])
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['still mine'])
  })

  it('each message is shown once and in seq order across several drops', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1), chatMessage(2)] })
    FakeWebSocket.latest().receive(chatMessage(3))
    dropAndWait()
    const second = acceptJoin({ history: [chatMessage(4)], recovered: true })
    second.receive(chatMessage(6))
    second.receive(chatMessage(5))
    second.receive(chatMessage(4))
    dropAndWait()
    acceptJoin({ history: [chatMessage(5), chatMessage(6), chatMessage(7)], recovered: true })

    expect(chatSeqs(chat)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('a system line stays where it happened; the newest message goes after it', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(1)] })
    socket.receive({ type: 'presence', roomId: 'lobby', online: 1, members: 1, changed: [], left: [bob.id] })
    socket.receive(chatMessage(2, ada))
    expect(chat.timeline.value.map(entry => entry.kind)).toEqual(['chat', 'system', 'chat'])
  })
})

describe('a resume that is one page (hasMore)', () => {
  const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => chatMessage(from + i))

  it('pages back from the resumed page down to what was shown: no gap, no line, every message once', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: seqs(1, 3) })
    dropAndWait()
    const socket = acceptJoin({ history: seqs(151, 200), recovered: true, hasMore: true })
    expect(socket.framesOfType('history')).toEqual([{ type: 'history', before: 151, limit: 50 }])
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(101, 150), hasMore: true })
    expect(socket.framesOfType('history').at(-1)).toEqual({ type: 'history', before: 101, limit: 50 })
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(51, 100), hasMore: true })
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(1, 50), hasMore: false })
    expect(socket.framesOfType('history')).toHaveLength(3)
    expect(chatSeqs(chat)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(systemLines(chat)).toEqual([])
    expect(chat.loadingOlder.value).toBe(false)
  })

  it('a page refused with RATE_LIMITED is asked for again after retryAfterMs', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: seqs(1, 3) })
    dropAndWait()
    const socket = acceptJoin({ history: seqs(60, 100), recovered: true, hasMore: true })
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'later', retryAfterMs: 2000 })
    vi.advanceTimersByTime(1999)
    expect(socket.framesOfType('history')).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('history')).toEqual([{ type: 'history', before: 60, limit: 50 }, { type: 'history', before: 60, limit: 50 }])
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(10, 59), hasMore: true })
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(4, 9), hasMore: true })
    expect(chatSeqs(chat)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('what the server no longer holds is said, not left as a silent gap', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: seqs(1, 3) })
    dropAndWait()
    const socket = acceptJoin({ history: seqs(551, 600), recovered: true, hasMore: true })
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(501, 550), hasMore: false })
    expect(systemLines(chat)).toEqual(['Some messages could not be recovered'])
    expect(socket.framesOfType('history')).toHaveLength(1)
  })

  it('a join that brought no history (the address past its budget) loads the newest page', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [], hasMore: true })
    expect(socket.framesOfType('history')).toEqual([{ type: 'history', before: Number.MAX_SAFE_INTEGER, limit: 50 }])
    socket.receive({ type: 'history', roomId: 'lobby', messages: seqs(51, 100), hasMore: true })
    expect(chatSeqs(chat)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51))
    expect(chat.hasOlder.value).toBe(true)
    expect(socket.framesOfType('history')).toHaveLength(1)
  })
})
