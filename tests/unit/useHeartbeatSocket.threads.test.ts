// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, chatMessage, chatSeqs, joinedFrame, mountHeartbeatSocket, ownChat, pendingEntries, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

const root = () => ({ ...chatMessage(1), thread: { replyCount: 1, lastReplyAt: 1001 } })

describe('a thread through the socket', () => {
  it('a reply goes out with the thread\'s id, waits in the thread (not the main timeline) and, resent after a reconnect, keeps its clientId', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [root()] })
    chat.thread.openThread(root())
    const page = FakeWebSocket.latest().framesOfType('history').at(-1)
    expect(page).toEqual({ type: 'history', threadId: 'msg-1', before: Number.MAX_SAFE_INTEGER, limit: 50 })

    expect(chat.send('in the thread', undefined, undefined, 'msg-1')).toBe(true)
    const [sent] = FakeWebSocket.latest().framesOfType('chat')
    expect(sent).toEqual({ type: 'chat', text: 'in the thread', clientId: sent?.clientId, threadId: 'msg-1' })
    expect(pendingEntries(chat)).toEqual([])
    expect(chat.thread.entries.value).toMatchObject([{ kind: 'pending', text: 'in the thread', clientId: sent?.clientId }])

    // The link drops before the copy comes back: the same reply goes again, once, after the next join.
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive(joinedFrame({ history: [], recovered: true }))
    expect(socket.framesOfType('chat')).toEqual([sent])
    // The open thread asks for its newest page again, so nothing that came meanwhile is missing.
    expect(socket.framesOfType('history').at(-1)).toEqual({ type: 'history', threadId: 'msg-1', before: Number.MAX_SAFE_INTEGER, limit: 50 })

    socket.receive({ ...ownChat(2, sent), threadId: 'msg-1' })
    expect(chat.thread.entries.value).toMatchObject([{ kind: 'chat', message: { seq: 2, text: 'in the thread' } }])
    expect(chatSeqs(chat)).toEqual([1])
    expect(chat.timeline.value[0]).toMatchObject({ message: { thread: { replyCount: 2, lastReplyAt: 1002 } } })
  })

  it('a thread\'s page goes to the thread, not the main timeline; a refused one is asked again after the wait', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [root()] })
    chat.thread.openThread('msg-1')
    expect(chat.thread.current.value?.root).toMatchObject({ id: 'msg-1' })
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 300 })
    vi.advanceTimersByTime(299)
    expect(socket.framesOfType('history')).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('history')).toHaveLength(2)
    socket.receive({ type: 'history', roomId: 'lobby', threadId: 'msg-1', messages: [{ ...chatMessage(5), threadId: 'msg-1' }], hasMore: false })
    expect(chat.thread.entries.value).toMatchObject([{ kind: 'chat', message: { seq: 5 } }])
    expect(chatSeqs(chat)).toEqual([1])
    expect(chat.hasOlder.value).toBe(false)
  })
})
