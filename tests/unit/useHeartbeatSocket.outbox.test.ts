// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { CHAT_FRAMES_PER_BEAT } from '../../composables/useOutbox'
import { LIMITS } from '../../shared/protocol'
import { FakeWebSocket } from './fake-websocket'
import {
  acceptJoin,
  bob,
  chatMessage,
  chatSeqs,
  dropAndWait,
  joinedFrame,
  mountHeartbeatSocket,
  ownChat,
  pendingEntries,
  setupHeartbeatSocketTests,
} from './heartbeat-socket-harness'

setupHeartbeatSocketTests()


const storedOutbox = (storage: { getItem: (key: string) => string | null }) =>
  JSON.parse(storage.getItem('heartbeat:outbox:lobby') ?? '[]') as { clientId: string, text: string }[]

describe('sending while not joined', () => {
  it('a message sent while disconnected shows as pending and goes out after the next joined, with the same clientId', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    FakeWebSocket.latest().drop()

    expect(chat.send('written offline')).toBe(true)
    const [pending] = pendingEntries(chat)
    expect(pending).toMatchObject({ text: 'written offline', senderName: 'Ada' })

    vi.advanceTimersByTime(500)
    const socket = FakeWebSocket.latest()
    socket.open()
    expect(socket.framesOfType('chat')).toEqual([])
    socket.receive(joinedFrame())
    expect(socket.framesOfType('chat')).toEqual([{ type: 'chat', text: 'written offline', clientId: pending?.clientId }])
  })

  it('messages waiting for a join go out in the order they were written', () => {
    const { chat } = mountHeartbeatSocket()
    for (const text of ['one', 'two', 'three']) chat.send(text)
    expect(acceptJoin().framesOfType('chat').map(frame => frame.text)).toEqual(['one', 'two', 'three'])
  })

  it('refuses blank and over-long text, which the server would never accept', () => {
    const { chat } = mountHeartbeatSocket()
    expect(chat.send('   ')).toBe(false)
    expect(chat.send('x'.repeat(LIMITS.textMaxLength + 1))).toBe(false)
    expect(pendingEntries(chat)).toEqual([])
  })
})

describe('acknowledgement', () => {
  it('the server\'s copy turns the pending entry into the sent message, in seq order, under the same key', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('hi')
    const pendingKey = chat.timeline.value.at(-1)?.key
    socket.receive(chatMessage(1, bob))
    expect(chat.timeline.value.map(entry => entry.kind)).toEqual(['chat', 'pending'])

    socket.receive(ownChat(2, socket.framesOfType('chat')[0]))

    expect(chatSeqs(chat)).toEqual([1, 2])
    expect(chat.timeline.value.at(-1)).toMatchObject({ kind: 'chat', mine: true, key: pendingKey })
    expect(pendingEntries(chat)).toEqual([])
    expect(storedOutbox(storage)).toEqual([])
  })

  it('an unacknowledged message is sent again after a drop; an acknowledged one is not', () => {
    const { chat } = mountHeartbeatSocket()
    const first = acceptJoin()
    chat.send('acknowledged')
    chat.send('lost in the drop')
    const [acknowledged, lost] = first.framesOfType('chat')
    first.receive(ownChat(1, acknowledged))
    dropAndWait()

    const second = acceptJoin({ history: [], recovered: true })

    expect(second.framesOfType('chat')).toEqual([lost])
  })

  it('a message whose copy comes back in the rejoin\'s history is acknowledged and not sent again', () => {
    const { chat } = mountHeartbeatSocket()
    const first = acceptJoin()
    chat.send('posted, but the copy was lost')
    const sent = first.framesOfType('chat')[0]
    dropAndWait()

    const second = acceptJoin({ history: [ownChat(1, sent)], recovered: true })

    expect(second.framesOfType('chat')).toEqual([])
    expect(pendingEntries(chat)).toEqual([])
    expect(chatSeqs(chat)).toEqual([1])
  })

  it('a duplicate answer (same seq and id) shows the message once', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('once')
    const copy = ownChat(1, socket.framesOfType('chat')[0])
    socket.receive(copy)
    socket.receive(copy)
    dropAndWait()
    acceptJoin({ history: [copy], recovered: true }).receive(copy)

    expect(chatSeqs(chat)).toEqual([1])
  })

  it('another member\'s message with the same clientId acknowledges nothing', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('mine')
    socket.receive({ ...chatMessage(1, bob), clientId: socket.framesOfType('chat')[0]?.clientId })
    expect(pendingEntries(chat)).toHaveLength(1)
  })
})

describe('rate limiting', () => {
  it('a long outbox goes out in batches, one per heartbeat, oldest first, so the server\'s rate limit is not hit', () => {
    const { chat } = mountHeartbeatSocket()
    const texts = Array.from({ length: 2 * CHAT_FRAMES_PER_BEAT + 5 }, (_, index) => `offline ${index}`)
    for (const text of texts) chat.send(text)
    const socket = acceptJoin()
    expect(socket.framesOfType('chat')).toHaveLength(CHAT_FRAMES_PER_BEAT)

    chat.send('written while the rest waits')
    expect(socket.framesOfType('chat')).toHaveLength(CHAT_FRAMES_PER_BEAT)
    for (let beat = 0; beat < 2; beat++) {
      vi.advanceTimersByTime(6000)
      socket.receive({ type: 'pong', online: 2, members: 2 })
    }

    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual([...texts, 'written while the rest waits'])
  })

  it('RATE_LIMITED keeps the message pending and sends it, and what followed, again at the next pong', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('too fast')
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down' })
    chat.send('after it')
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['too fast'])
    expect(pendingEntries(chat).map(entry => entry.text)).toEqual(['too fast', 'after it'])
    expect(chat.error.value).toBeUndefined()

    vi.advanceTimersByTime(6000)
    socket.receive({ type: 'pong', online: 2, members: 2 })

    const [, retried, next] = socket.framesOfType('chat')
    expect([retried?.text, next?.text]).toEqual(['too fast', 'after it'])
    expect(retried?.clientId).toBe(socket.framesOfType('chat')[0]?.clientId)
    socket.receive(ownChat(1, retried))
    socket.receive(ownChat(2, next))
    expect(pendingEntries(chat)).toEqual([])
  })
})

describe('persistence', () => {
  it('the outbox survives a reload and is sent after the reload\'s join', () => {
    const before = mountHeartbeatSocket()
    before.chat.send('written before the reload')
    const clientId = pendingEntries(before.chat)[0]?.clientId
    before.scope.stop()

    const after = mountHeartbeatSocket({ storage: before.storage })
    expect(pendingEntries(after.chat).map(entry => entry.text)).toEqual(['written before the reload'])
    const socket = acceptJoin()
    expect(socket.framesOfType('chat')).toEqual([{ type: 'chat', text: 'written before the reload', clientId }])

    socket.receive(ownChat(1, socket.framesOfType('chat')[0]))
    expect(after.storage.getItem('heartbeat:outbox:lobby')).toBeNull()
  })

  it('the copy of a message another tab stored clears it from storage here too', () => {
    const { storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    const fromOtherTab = { type: 'chat' as const, clientId: 'other-tab-1', text: 'from the other tab' }
    storage.setItem('heartbeat:outbox:lobby', JSON.stringify([{ ...fromOtherTab, writtenAt: 1 }]))
    socket.receive(ownChat(1, fromOtherTab))
    expect(storage.getItem('heartbeat:outbox:lobby')).toBeNull()
  })

  it('leave() drops the outbox, here and in storage', () => {
    const { chat, storage } = mountHeartbeatSocket()
    chat.send('never mind')
    expect(storedOutbox(storage)).toHaveLength(1)
    chat.leave()
    expect(pendingEntries(chat)).toEqual([])
    expect(storage.getItem('heartbeat:outbox:lobby')).toBeNull()
  })

  it('a left frame from the server drops the outbox too', () => {
    const { chat, storage } = mountHeartbeatSocket()
    chat.send('too late')
    FakeWebSocket.latest().open()
    FakeWebSocket.latest().receive({ type: 'left', roomId: 'lobby' })
    expect(pendingEntries(chat)).toEqual([])
    expect(storage.getItem('heartbeat:outbox:lobby')).toBeNull()
  })

  it('disposing with messages pending leaves no timer and keeps them stored', () => {
    const { chat, scope, storage } = mountHeartbeatSocket()
    acceptJoin()
    FakeWebSocket.latest().drop()
    chat.send('still to send')
    scope.stop()
    expect(vi.getTimerCount()).toBe(0)
    expect(storedOutbox(storage).map(item => item.text)).toEqual(['still to send'])
  })
})
