// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
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
  postChatsAsTheyCome,
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

  it('messages waiting for a join go out in the order they were written, each once the one before is posted', () => {
    const { chat } = mountHeartbeatSocket()
    for (const text of ['one', 'two', 'three']) chat.send(text)
    const socket = acceptJoin()
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['one'])
    postChatsAsTheyCome(socket, { forMs: 100 })
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['one', 'two', 'three'])
    expect(pendingEntries(chat)).toEqual([])
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
    first.receive(ownChat(1, first.framesOfType('chat')[0]))
    const [, lost] = first.framesOfType('chat')
    expect(lost?.text).toBe('lost in the drop')
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

/** Whether the server's default bucket (10 a second, bursts of 20, one token taken by the join) takes every frame sent at these times. */
function serverTakesAll(times: number[], joinedAt: number): boolean {
  let tokens = 19
  let at = joinedAt
  for (const time of times) {
    tokens = Math.min(20, tokens + (time - at) / 100)
    at = time
    if (tokens < 1) return false
    tokens -= 1
  }
  return true
}

describe('pacing and rate limits', () => {
  it('thirty messages typed in three seconds all go out as they are typed, in order, within the server\'s rate limit', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    const joinedAt = Date.now()
    const texts = Array.from({ length: 30 }, (_, index) => `quick ${index}`)
    const times: number[] = []
    for (const text of texts) {
      chat.send(text)
      times.push(...postChatsAsTheyCome(socket, { forMs: 90, firstSeq: times.length + 1 }))
    }
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(texts)
    expect(Math.max(...times.map((time, index) => time - (joinedAt + index * 100)))).toBeLessThanOrEqual(200)
    expect(serverTakesAll(times, joinedAt)).toBe(true)
    expect(pendingEntries(chat)).toEqual([])
  })

  it('a long outbox goes out after the join, oldest first, as fast as the server\'s bucket takes it and no faster', () => {
    const { chat } = mountHeartbeatSocket()
    const texts = Array.from({ length: 60 }, (_, index) => `offline ${index}`)
    for (const text of texts) chat.send(text)
    const socket = acceptJoin()
    const joinedAt = Date.now()
    chat.send('written while the rest waits')
    const times = postChatsAsTheyCome(socket, { forMs: 7000 })

    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual([...texts, 'written while the rest waits'])
    expect(serverTakesAll(times, joinedAt)).toBe(true)
    // 61 frames: a burst, then about 8 a second, never waiting for a heartbeat.
    expect(times.at(-1)! - joinedAt).toBeLessThanOrEqual(6500)
  })

  it('typing frames share the chat\'s budget: typing between fast messages never makes the server drop one', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = FakeWebSocket.latest()
    // When each frame after the join went out, pings aside (they skip the server's bucket).
    const frameTimes: number[] = []
    const send = socket.send.bind(socket)
    socket.send = (data: string) => {
      const type = (JSON.parse(data) as { type: string }).type
      if (type !== 'join' && type !== 'ping') frameTimes.push(Date.now())
      send(data)
    }
    acceptJoin()
    const joinedAt = Date.now()
    let posted = 0
    for (let index = 0; index < 40; index++) {
      chat.setTyping(true)
      chat.send(`fast ${index}`)
      posted += postChatsAsTheyCome(socket, { forMs: 30, firstSeq: posted + 1 }).length
    }
    postChatsAsTheyCome(socket, { forMs: 6000, firstSeq: posted + 1 })
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(Array.from({ length: 40 }, (_, index) => `fast ${index}`))
    expect(socket.framesOfType('typing').length).toBeGreaterThan(0)
    expect(serverTakesAll(frameTimes, joinedAt)).toBe(true)
  })

  it('a chat the server drops for the rate limit goes again after retryAfterMs, before any later one', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('too fast')
    chat.send('after it')
    const [dropped] = socket.framesOfType('chat')
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 300, clientId: dropped!.clientId })
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['too fast'])
    expect(pendingEntries(chat).map(entry => entry.text)).toEqual(['too fast', 'after it'])
    expect(chat.error.value).toBeUndefined()

    vi.advanceTimersByTime(299)
    expect(socket.framesOfType('chat')).toHaveLength(1)
    vi.advanceTimersByTime(1)
    const [, retried] = socket.framesOfType('chat')
    expect(retried).toEqual(dropped)
    expect(socket.framesOfType('chat')).toHaveLength(2)

    socket.receive(ownChat(1, retried))
    // The retry took the one token there was: the next waits for the budget (8 a second).
    vi.advanceTimersByTime(125)
    const [, , next] = socket.framesOfType('chat')
    expect(next?.text).toBe('after it')
    socket.receive(ownChat(2, next))
    expect(pendingEntries(chat)).toEqual([])
  })

  it('a RATE_LIMITED that names no chat (a reaction or typing was dropped) holds the next message for retryAfterMs and resends nothing', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('first')
    socket.receive(ownChat(1, socket.framesOfType('chat')[0]))
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 400 })
    chat.send('second')
    vi.advanceTimersByTime(399)
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['first'])
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['first', 'second'])
  })

  it('a chat neither acknowledged nor refused goes again after 5 s, under the same clientId, and nothing after it goes first', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('silently lost')
    chat.send('later')
    vi.advanceTimersByTime(4999)
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['silently lost'])
    vi.advanceTimersByTime(1)
    const [lost, again] = socket.framesOfType('chat')
    expect(again).toEqual(lost)
    expect(socket.framesOfType('chat')).toHaveLength(2)
    socket.receive(ownChat(1, again))
    expect(socket.framesOfType('chat').map(frame => frame.text)).toEqual(['silently lost', 'silently lost', 'later'])
  })

  it.each(['INTERNAL', 'UNAVAILABLE'] as const)('%s answering a chat sends it again with backoff until it is taken', (code) => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('try again')
    for (const [index, delay] of [500, 1000, 2000].entries()) {
      socket.receive({ type: 'error', code, message: 'the server could not handle that frame' })
      vi.advanceTimersByTime(delay - 1)
      expect(socket.framesOfType('chat')).toHaveLength(index + 1)
      vi.advanceTimersByTime(1)
      expect(socket.framesOfType('chat')).toHaveLength(index + 2)
    }
    const sent = socket.framesOfType('chat')
    expect(new Set(sent.map(frame => frame.clientId)).size).toBe(1)
    socket.receive(ownChat(1, sent[0]))
    expect(pendingEntries(chat)).toEqual([])
    expect(chat.error.value).toBeUndefined()
    // A later failure starts the backoff from the beginning again.
    chat.send('next one')
    socket.receive({ type: 'error', code, message: 'the server could not handle that frame' })
    vi.advanceTimersByTime(500)
    expect(socket.framesOfType('chat').map(frame => frame.text).slice(-2)).toEqual(['next one', 'next one'])
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

describe('a message the server refuses for what it carries', () => {
  it('is not sent again after a drop or a reload, shows as refused, and is gone once discarded', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('files gone')
    chat.send('fine')
    const [refused] = socket.framesOfType('chat')
    socket.receive({ type: 'error', code: 'BAD_REQUEST', message: 'attachments must be files you uploaded', clientId: refused!.clientId })
    const [, fine] = socket.framesOfType('chat')
    expect(fine?.text).toBe('fine')
    socket.receive(ownChat(1, fine))

    expect(pendingEntries(chat)).toEqual([expect.objectContaining({ text: 'files gone', refused: expect.objectContaining({ code: 'BAD_REQUEST' }) })])
    expect(chat.error.value).toBeUndefined()

    dropAndWait()
    const rejoined = acceptJoin()
    expect(rejoined.framesOfType('chat')).toEqual([])
    // A reload still shows it as refused (the mark is stored), and still does not send it.
    expect(storedOutbox(storage)).toEqual([expect.objectContaining({ clientId: refused!.clientId, refused: expect.objectContaining({ code: 'BAD_REQUEST' }) })])

    chat.discard(refused!.clientId!)
    expect(pendingEntries(chat)).toEqual([])
    expect(storedOutbox(storage)).toEqual([])
  })

  it('a refusal that names no pending message changes nothing', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('waiting')
    socket.receive({ type: 'error', code: 'BAD_REQUEST', message: 'no', clientId: 'someone-else' })
    expect(pendingEntries(chat)).toEqual([expect.objectContaining({ text: 'waiting' })])
    expect(pendingEntries(chat)[0]).not.toHaveProperty('refused')
  })
})
