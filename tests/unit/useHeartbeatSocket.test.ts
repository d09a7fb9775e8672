// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import {
  acceptJoin,
  chatMessage,
  chatSeqs,
  dropAndWait,
  joinedFrame,
  mountHeartbeatSocket,
  setupHeartbeatSocketTests,
} from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

describe('joining', () => {
  it('sends the join frame with the stored token as soon as the socket opens', () => {
    const { chat, storage } = mountHeartbeatSocket({ password: 'secret' })
    storage.setItem('heartbeat:token:lobby', 'token-from-last-visit')
    expect(chat.status.value).toBe('connecting')
    expect(FakeWebSocket.latest().url).toBe('ws://chat.test/ws')

    FakeWebSocket.latest().open()

    expect(FakeWebSocket.latest().frames).toEqual([
      { type: 'join', roomId: 'lobby', name: 'Ada', password: 'secret', token: 'token-from-last-visit', tabId: expect.stringMatching(/^[0-9a-f]{24}$/), browserId: expect.stringMatching(/^[0-9a-f]{24}$/) },
    ])
    expect(chat.status.value).toBe('connecting')
  })

  it('sends this browser\'s id, kept in storage, so that a removal bans the browser and not only the token', () => {
    const { storage } = mountHeartbeatSocket()
    FakeWebSocket.latest().open()
    const sent = (FakeWebSocket.latest().frames[0] as { browserId: string }).browserId
    expect(storage.getItem('heartbeat:browser')).toBe(sent)
    storage.setItem('heartbeat:browser', 'kept-from-before')
    mountHeartbeatSocket({ storage })
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().frames[0]).toMatchObject({ browserId: 'kept-from-before' })
  })

  it('a creating page says create: true until a join succeeds; its rejoins only join, so a room that is gone is not made again', () => {
    mountHeartbeatSocket({ create: true })
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().framesOfType('join')[0]).toMatchObject({ create: true })
    FakeWebSocket.latest().receive(joinedFrame({ created: true }))
    dropAndWait()
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().framesOfType('join')[0]).not.toHaveProperty('create')
  })

  it('a page that only joins never says create', () => {
    mountHeartbeatSocket()
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().framesOfType('join')[0]).not.toHaveProperty('create')
  })

  it('is connected only once the joined frame arrives', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    expect(chat.status.value).toBe('connected')
    expect(chat.joined.value).toBe(true)
  })
})

describe('heartbeat', () => {
  it('pings one interval after the join, not a millisecond earlier', () => {
    mountHeartbeatSocket()
    const socket = acceptJoin()
    vi.advanceTimersByTime(5999)
    expect(socket.framesOfType('ping')).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('ping')).toHaveLength(1)
  })

  it('schedules the next ping one interval after the pong and measures the round trip', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    vi.advanceTimersByTime(6000)
    vi.advanceTimersByTime(40)
    socket.receive({ type: 'pong', online: 3, members: 4 })
    expect(chat.rttMs.value).toBe(40)
    expect([chat.online.value, chat.members.value]).toEqual([3, 4])

    vi.advanceTimersByTime(5999)
    expect(socket.framesOfType('ping')).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('ping')).toHaveLength(2)
  })

  it('calls the link dead the window (pongTimeoutMs) after the last pong, as the others see it, not a window after the next ping', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    vi.advanceTimersByTime(6000)
    socket.receive({ type: 'pong', online: 2, members: 2 })
    vi.advanceTimersByTime(7999)
    expect(socket.framesOfType('ping')).toHaveLength(2)
    expect(chat.status.value).toBe('checking')
    vi.advanceTimersByTime(1)
    expect(chat.status.value).toBe('reconnecting')
    expect(socket.closedByClient).toBe(true)
    vi.advanceTimersByTime(500)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('a ping unanswered for 1 s (half what the window leaves it) shows the link as checking at once, and its pong as connected again', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    vi.advanceTimersByTime(6000 + 999)
    expect(chat.status.value).toBe('connected')
    vi.advanceTimersByTime(1)
    expect(chat.status.value).toBe('checking')
    expect(chat.joined.value).toBe(true)
    socket.receive({ type: 'pong', online: 2, members: 2 })
    expect(chat.status.value).toBe('connected')
    expect(chat.rttMs.value).toBe(1000)
  })

  it('takes the window from heartbeatWindowMs in the joined frame, and pings early enough for a pong within it', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ heartbeatWindowMs: 3000 })
    vi.advanceTimersByTime(1499)
    expect(socket.framesOfType('ping')).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('ping')).toHaveLength(1)
    vi.advanceTimersByTime(749)
    expect(chat.status.value).toBe('connected')
    vi.advanceTimersByTime(1)
    expect(chat.status.value).toBe('checking')
    vi.advanceTimersByTime(749)
    expect(chat.status.value).toBe('checking')
    vi.advanceTimersByTime(1)
    expect(chat.status.value).toBe('reconnecting')
  })
})

describe('reconnecting', () => {
  it('doubles the backoff delay with every failed attempt', () => {
    const { chat } = mountHeartbeatSocket()
    for (const [attempt, delay] of [[1, 500], [2, 1000], [3, 2000]]) {
      FakeWebSocket.latest().drop()
      expect([chat.status.value, chat.attempt.value]).toEqual(['reconnecting', attempt])
      vi.advanceTimersByTime(delay - 1)
      expect(FakeWebSocket.instances).toHaveLength(attempt)
      vi.advanceTimersByTime(1)
      expect(FakeWebSocket.instances).toHaveLength(attempt + 1)
    }
  })

  it('a close with 1001 (server shutting down) or 4001 (idle) reconnects with backoff', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin().drop(1001)
    expect([chat.status.value, chat.attempt.value]).toEqual(['reconnecting', 1])
    vi.advanceTimersByTime(500)
    acceptJoin().drop(4001)
    vi.advanceTimersByTime(500)
    expect(FakeWebSocket.instances).toHaveLength(3)
  })

  it('a close with 4029 stops with the reason shown and does not come back on its own', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin().drop(4029)
    expect(chat.status.value).toBe('disconnected')
    expect(chat.error.value?.code).toBe('TOO_MANY_CONNECTIONS')
    window.dispatchEvent(new Event('online'))
    vi.advanceTimersByTime(10 * 60_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a close with 1008 (cut for flooding) says so and reconnects by itself 5 s later, sending what was unsent', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin().drop(1008)
    chat.send('written before the cut')
    expect(chat.status.value).toBe('reconnecting')
    expect(chat.error.value?.code).toBe('RATE_LIMITED')
    vi.advanceTimersByTime(4999)
    expect(FakeWebSocket.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeWebSocket.instances).toHaveLength(2)
    const socket = acceptJoin()
    expect(chat.error.value).toBeUndefined()
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['written before the cut'])
  })

  it('a successful join resets the attempt count and the backoff', () => {
    const { chat } = mountHeartbeatSocket()
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(1000)
    expect(chat.attempt.value).toBe(2)

    acceptJoin()
    expect(chat.attempt.value).toBe(0)
    FakeWebSocket.latest().drop()
    expect(chat.attempt.value).toBe(1)
    vi.advanceTimersByTime(499)
    expect(FakeWebSocket.instances).toHaveLength(3)
    vi.advanceTimersByTime(1)
    expect(FakeWebSocket.instances).toHaveLength(4)
  })

  it('reconnect() connects at once with a fresh retry budget once the attempts ran out', () => {
    const { chat } = mountHeartbeatSocket({ maxRetries: 1 })
    FakeWebSocket.latest().drop()
    vi.runOnlyPendingTimers()
    FakeWebSocket.latest().drop()
    expect(chat.status.value).toBe('disconnected')

    chat.reconnect()
    expect(FakeWebSocket.instances).toHaveLength(3)
    expect([chat.status.value, chat.attempt.value]).toEqual(['connecting', 0])
  })

  it('the online event skips the remaining backoff', () => {
    mountHeartbeatSocket({ backoffBaseMs: 30_000 })
    FakeWebSocket.latest().drop()
    window.dispatchEvent(new Event('online'))
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('becoming visible skips the remaining backoff', () => {
    mountHeartbeatSocket({ backoffBaseMs: 30_000 })
    FakeWebSocket.latest().drop()
    document.dispatchEvent(new Event('visibilitychange'))
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('becoming hidden does not cut the backoff short', () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    mountHeartbeatSocket({ backoffBaseMs: 30_000 })
    FakeWebSocket.latest().drop()
    document.dispatchEvent(new Event('visibilitychange'))
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('becoming visible while connected pings at once', () => {
    mountHeartbeatSocket()
    const socket = acceptJoin()
    vi.advanceTimersByTime(1000)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(socket.framesOfType('ping')).toHaveLength(1)
  })

  it('ignores every event of a superseded socket', () => {
    const { chat } = mountHeartbeatSocket()
    const first = acceptJoin()
    chat.reconnect()

    first.receive(chatMessage(1))
    first.receive({ type: 'pong', online: 9, members: 9 })
    first.drop()

    expect(chatSeqs(chat)).toEqual([])
    expect(chat.online.value).toBe(2)
    expect([chat.status.value, chat.attempt.value]).toEqual(['connecting', 0])
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('closes a socket superseded while connecting as soon as it opens, without joining', () => {
    const { chat } = mountHeartbeatSocket()
    const first = FakeWebSocket.latest()
    chat.reconnect()
    first.open()
    expect(first.closedByClient).toBe(true)
    expect(first.sent).toEqual([])
  })
})

describe('cleanup', () => {
  it('disposing the scope closes the socket and leaves no timer and no listener', () => {
    const { chat, scope } = mountHeartbeatSocket()
    const socket = acceptJoin()
    scope.stop()

    expect(socket.closedByClient).toBe(true)
    expect(chat.status.value).toBe('disconnected')
    expect(vi.getTimerCount()).toBe(0)
    window.dispatchEvent(new Event('online'))
    document.dispatchEvent(new Event('visibilitychange'))
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('close() while backing off cancels the pending retry', () => {
    const { chat } = mountHeartbeatSocket()
    FakeWebSocket.latest().drop()
    chat.close()
    expect(vi.getTimerCount()).toBe(0)
    window.dispatchEvent(new Event('online'))
    expect(FakeWebSocket.instances).toHaveLength(1)
  })
})

describe('pagehide', () => {
  it('sends an away beacon with the token and this tab\'s id (the one its joins carry) to the socket host while joined', () => {
    const sendBeacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true)
    mountHeartbeatSocket({ url: 'wss://chat.test:8443/ws' })
    const socket = acceptJoin({ token: 'token-ada' })
    window.dispatchEvent(new Event('pagehide'))
    const tabId = socket.framesOfType('join')[0]?.tabId
    expect(sendBeacon).toHaveBeenCalledWith('https://chat.test:8443/api/rooms/lobby/away', JSON.stringify({ token: 'token-ada', tabId }))
  })

  it('two pages get different tab ids, and a page keeps its own across rejoins', () => {
    mountHeartbeatSocket()
    const first = acceptJoin()
    first.drop()
    vi.advanceTimersByTime(500)
    const again = acceptJoin()
    mountHeartbeatSocket()
    const other = acceptJoin()
    const tabOf = (socket: typeof first) => socket.framesOfType('join')[0]?.tabId
    expect(tabOf(again)).toBe(tabOf(first))
    expect(tabOf(other)).not.toBe(tabOf(first))
  })

  it('sends no beacon when not joined', () => {
    const sendBeacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true)
    mountHeartbeatSocket()
    window.dispatchEvent(new Event('pagehide'))
    expect(sendBeacon).not.toHaveBeenCalled()
  })
})
