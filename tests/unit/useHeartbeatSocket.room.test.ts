// @vitest-environment happy-dom
import { shallowRef } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import {
  acceptJoin,
  ada,
  bob,
  chatMessage,
  chatSeqs,
  mountHeartbeatSocket,
  setupHeartbeatSocketTests,
  systemLines,
} from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

describe('member token', () => {
  it('keeps the token from joined under heartbeat:token:<roomId> and sends it on the rejoin', () => {
    const { storage } = mountHeartbeatSocket()
    acceptJoin({ token: 'token-ada' })
    expect(storage.getItem('heartbeat:token:lobby')).toBe('token-ada')

    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().framesOfType('join')[0]?.token).toBe('token-ada')
  })

  it('reads name and password refs again at every join', () => {
    const name = shallowRef('Ada')
    const password = shallowRef<string>()
    mountHeartbeatSocket({ name, password })
    FakeWebSocket.latest().open()
    FakeWebSocket.latest().drop()
    name.value = 'Ada L.'
    password.value = 'secret'
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().frames[0]).toMatchObject({ name: 'Ada L.', password: 'secret' })
  })

  it('leave() sends leave, forgets the token, closes the socket and does not come back', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.leave()

    expect(socket.frames.at(-1)).toEqual({ type: 'leave' })
    expect(socket.closedByClient).toBe(true)
    expect(storage.getItem('heartbeat:token:lobby')).toBeNull()
    expect(chat.status.value).toBe('disconnected')
    window.dispatchEvent(new Event('online'))
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('a left frame from the server ends the session without a reconnect', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.receive({ type: 'left', roomId: 'lobby' })
    socket.drop()
    vi.advanceTimersByTime(60_000)
    expect(chat.status.value).toBe('disconnected')
    expect(FakeWebSocket.instances).toHaveLength(1)
  })
})

describe('timeline', () => {
  it('a rejoin after a drop shows each history message once', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1), chatMessage(2)] })
    FakeWebSocket.latest().receive(chatMessage(3))
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)

    acceptJoin({ history: [1, 2, 3, 4].map(seq => chatMessage(seq)) })

    expect(chatSeqs(chat)).toEqual([1, 2, 3, 4])
  })

  it('ignores a chat frame whose seq is already shown', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(1)] })
    socket.receive(chatMessage(1))
    socket.receive(chatMessage(2))
    socket.receive(chatMessage(2))
    expect(chatSeqs(chat)).toEqual([1, 2])
  })

  it('marks the messages sent by this member as mine', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(1, ada)] })
    socket.receive(chatMessage(2, bob))
    expect(chat.timeline.value.map(entry => entry.kind === 'chat' && entry.mine)).toEqual([true, false])
  })

  it('keeps only the newest historyLimit entries', () => {
    const { chat } = mountHeartbeatSocket({ historyLimit: 3 })
    acceptJoin({ history: [1, 2, 3, 4, 5].map(seq => chatMessage(seq)) })
    expect(chatSeqs(chat)).toEqual([3, 4, 5])
  })

  it('send() sends the text at once while joined, with a fresh clientId each time', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()

    expect(chat.send('hello')).toBe(true)
    expect(chat.send('hello')).toBe(true)

    const [first, second] = socket.framesOfType('chat')
    expect(first).toMatchObject({ type: 'chat', text: 'hello' })
    expect(first?.clientId).toMatch(/^[0-9a-f]{24}$/)
    expect(second?.clientId).not.toBe(first?.clientId)
  })
})

describe('presence', () => {
  it('takes self, members and counts from joined', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    expect(chat.self.value).toEqual({ id: ada.id, name: 'Ada' })
    expect(chat.users.value).toEqual([ada, bob])
    expect([chat.online.value, chat.members.value]).toEqual([2, 2])
  })

  it('a new member is added with a "joined" line, a known one is updated without a line', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    const cleo = { id: 'm-cleo', name: 'Cleo', active: true }
    socket.receive({ type: 'presence', roomId: 'lobby', online: 2, members: 3, changed: [cleo, { ...bob, active: false }], left: [] })

    expect(chat.users.value).toEqual([ada, { ...bob, active: false }, cleo])
    expect(systemLines(chat)).toEqual(['Cleo joined'])
    expect([chat.online.value, chat.members.value]).toEqual([2, 3])
  })

  it('a member who left is removed with a "left" line', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.receive({ type: 'presence', roomId: 'lobby', online: 1, members: 1, changed: [], left: [bob.id, 'm-unknown'] })

    expect(chat.users.value).toEqual([ada])
    expect(systemLines(chat)).toEqual(['Bob left'])
    expect([chat.online.value, chat.members.value]).toEqual([1, 1])
  })
})

describe('errors', () => {
  it.each(['ROOM_FULL', 'SERVER_FULL', 'TOO_MANY_CONNECTIONS'] as const)('%s before joined stops without a reconnect', (code) => {
    const { chat } = mountHeartbeatSocket()
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive({ type: 'error', code, message: 'no room for you' })
    vi.advanceTimersByTime(60_000)
    expect(chat.status.value).toBe('disconnected')
    expect(chat.error.value?.code).toBe(code)
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('WRONG_PASSWORD before joined stops: no reconnect, not even when back online', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive({ type: 'error', code: 'WRONG_PASSWORD', message: 'wrong password' })
    socket.drop()

    expect(chat.status.value).toBe('disconnected')
    expect(chat.error.value).toEqual({ code: 'WRONG_PASSWORD', message: 'wrong password' })
    window.dispatchEvent(new Event('online'))
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('an error after joining is kept but the session goes on', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.receive({ type: 'error', code: 'TOO_LARGE', message: 'frames are limited' })
    expect(chat.error.value?.code).toBe('TOO_LARGE')
    expect(chat.status.value).toBe('connected')
  })
})
