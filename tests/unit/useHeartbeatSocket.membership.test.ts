// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import {
  acceptJoin,
  mountHeartbeatSocket,
  pendingEntries,
  setupHeartbeatSocketTests,
  systemLines,
} from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

function refuseJoin(frame: Record<string, unknown>) {
  const socket = FakeWebSocket.latest()
  socket.open()
  socket.receive({ type: 'error', ...frame })
  return socket
}

describe('a refused join ends the attempt and says why', () => {
  it.each(['WRONG_PASSWORD', 'NAME_TAKEN', 'ROOM_FULL', 'SERVER_FULL', 'BAD_REQUEST'] as const)(
    '%s before joined: ended as refused, no reconnect',
    (code) => {
      const { chat } = mountHeartbeatSocket()
      refuseJoin({ code, message: 'no' })
      expect(chat.ended.value).toEqual({ reason: 'refused', code, message: 'no' })
      vi.advanceTimersByTime(10 * 60_000)
      expect(FakeWebSocket.instances).toHaveLength(1)
      expect(chat.self.value).toBeUndefined()
    },
  )

  it('too many wrong passwords (RATE_LIMITED before joined) is a refusal with the wait, not a retry', () => {
    const { chat } = mountHeartbeatSocket()
    refuseJoin({ code: 'RATE_LIMITED', message: 'too many wrong passwords', retryAfterMs: 42_000 })
    expect(chat.ended.value).toEqual({ reason: 'refused', code: 'RATE_LIMITED', message: 'too many wrong passwords', retryAfterMs: 42_000 })
    vi.advanceTimersByTime(10 * 60_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(chat.status.value).toBe('disconnected')
  })

  it.each(['INTERNAL', 'UNAVAILABLE'] as const)('%s answering a join retries with backoff at once, not after the reply timeout', (code) => {
    const { chat } = mountHeartbeatSocket()
    refuseJoin({ code, message: 'try again' })
    expect(chat.ended.value).toBeUndefined()
    expect(chat.status.value).toBe('reconnecting')
    vi.advanceTimersByTime(500)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })
})

describe('leaving in another tab', () => {
  it('a left frame not asked for here ends the membership as left elsewhere and drops the unsent messages', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.drop()
    chat.send('never sent')
    chat.send('nor this')
    vi.advanceTimersByTime(500)
    const again = FakeWebSocket.latest()
    again.open()
    again.receive({ type: 'left', roomId: 'lobby' })
    expect(chat.ended.value).toEqual({ reason: 'left-elsewhere', unsentDropped: 2 })
    expect(pendingEntries(chat)).toEqual([])
    expect(storage.getItem('heartbeat:token:lobby')).toBeNull()
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('another tab forgetting the token (a storage event) ends this tab too, even while it is offline', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ token: 'token-ada' })
    window.dispatchEvent(new Event('offline'))
    chat.send('typed offline')
    window.dispatchEvent(new StorageEvent('storage', { key: 'heartbeat:token:lobby', oldValue: 'token-ada', newValue: null }))
    expect(chat.ended.value).toEqual({ reason: 'left-elsewhere', unsentDropped: 1 })
    expect(chat.status.value).toBe('disconnected')
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('another tab storing a token of another member, or another room\'s token going, changes nothing here', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ token: 'token-ada' })
    window.dispatchEvent(new StorageEvent('storage', { key: 'heartbeat:token:lobby', oldValue: 'token-ada', newValue: 'token-other' }))
    window.dispatchEvent(new StorageEvent('storage', { key: 'heartbeat:token:elsewhere', oldValue: 'token-ada', newValue: null }))
    expect(chat.ended.value).toBeUndefined()
    expect(chat.status.value).toBe('connected')
  })

  it('leave() here ends as left, not left elsewhere', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    chat.leave()
    expect(chat.ended.value).toEqual({ reason: 'left', unsentDropped: 0 })
  })

  it('leave() without an open socket tells the server over HTTP, so the other tabs hear it', () => {
    const sendBeacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true)
    const { chat } = mountHeartbeatSocket({ url: 'wss://chat.test/ws' })
    acceptJoin({ token: 'token-ada' })
    FakeWebSocket.latest().drop()
    chat.leave()
    expect(sendBeacon).toHaveBeenCalledWith('https://chat.test/api/rooms/lobby/leave', '{"token":"token-ada"}')
  })
})

describe('password rooms', () => {
  it('takes protected from joined', () => {
    const { chat } = mountHeartbeatSocket()
    expect(chat.roomProtected.value).toBeUndefined()
    acceptJoin({ protected: true })
    expect(chat.roomProtected.value).toBe(true)
  })

  it('a password the room did not need is noted once in the timeline, not ignored silently', () => {
    const { chat } = mountHeartbeatSocket({ password: 'secret' })
    acceptJoin({ passwordIgnored: true })
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    acceptJoin({ passwordIgnored: true })
    expect(systemLines(chat)).toEqual(['This room has no password, so the one you typed was not used: anyone with the link can join'])
  })
})
