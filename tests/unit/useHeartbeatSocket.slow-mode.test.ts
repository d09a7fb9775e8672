// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, joinedFrame, mountHeartbeatSocket, ownChat, pendingEntries, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

describe('slow mode', () => {
  it('a chat refused with SLOW_MODE waits retryAfterMs, then goes again before any later one; nothing is lost or marked refused', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('too soon')
    chat.send('after it')
    const [held] = socket.framesOfType('chat')
    socket.receive({ type: 'error', code: 'SLOW_MODE', message: 'slow mode', retryAfterMs: 3000, clientId: held!.clientId })
    expect(pendingEntries(chat).map(entry => [entry.text, entry.refused])).toEqual([['too soon', undefined], ['after it', undefined]])
    expect(chat.error.value).toBeUndefined()
    expect(chat.slowMode.remainingS.value).toBe(3)

    vi.advanceTimersByTime(2999)
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['too soon'])
    expect(chat.slowMode.remainingS.value).toBe(1)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('chat')).toEqual([held, held])
    expect(chat.slowMode.remainingS.value).toBe(0)

    socket.receive(ownChat(1, held))
    vi.advanceTimersByTime(200)
    const [, , next] = socket.framesOfType('chat')
    expect(next?.text).toBe('after it')
    socket.receive(ownChat(2, next))
    expect(pendingEntries(chat)).toEqual([])
  })

  it('joined and slowMode frames set the room\'s interval; an own stored message starts the countdown, for a member only', () => {
    const { chat } = mountHeartbeatSocket()
    FakeWebSocket.latest().open()
    const socket = FakeWebSocket.latest()
    // Bob owns the room: Ada is held back, as the server holds her.
    socket.receive({ ...joinedFrame(), slowMode: 10, owner: 'm-bob' })
    expect(chat.slowMode.seconds.value).toBe(10)
    chat.send('hello')
    socket.receive(ownChat(1, socket.framesOfType('chat')[0]))
    expect(chat.slowMode.remainingS.value).toBe(10)
    vi.advanceTimersByTime(9000)
    expect(chat.slowMode.remainingS.value).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(chat.slowMode.remainingS.value).toBe(0)

    socket.receive({ type: 'slowMode', roomId: 'lobby', seconds: 0 })
    chat.send('free again')
    socket.receive(ownChat(2, socket.framesOfType('chat')[1]))
    expect(chat.slowMode.remainingS.value).toBe(0)
  })

  it('the owner is not held back: no countdown after their own message', () => {
    const { chat } = mountHeartbeatSocket()
    FakeWebSocket.latest().open()
    const socket = FakeWebSocket.latest()
    socket.receive({ ...joinedFrame(), slowMode: 10 })
    chat.send('as the owner')
    socket.receive(ownChat(1, socket.framesOfType('chat')[0]))
    expect(chat.slowMode.remainingS.value).toBe(0)
  })

  it('pins come with joined and each pins frame, and the owner\'s pin frame goes out as asked', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    const pin = { id: 'm1', seq: 1, from: { id: 'b', name: 'Bob' }, excerpt: 'the plan', at: 1 }
    socket.receive({ type: 'pins', roomId: 'lobby', ids: ['m1'], pinned: [pin] })
    expect(chat.pins.pinned.value).toEqual([pin])
    socket.receive({ type: 'edited', roomId: 'lobby', id: 'm1', text: 'the new plan', editedAt: 2 })
    expect(chat.pins.pinned.value[0]?.excerpt).toBe('the new plan')
    expect(chat.pins.pin('m1', false)).toBe(true)
    expect(socket.framesOfType('pin')).toEqual([{ type: 'pin', id: 'm1', pinned: false }])
  })
})
