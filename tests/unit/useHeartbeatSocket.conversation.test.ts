// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, ada, bob, chatMessage, chatSeqs, mountHeartbeatSocket, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

describe('the conversation in the composable', () => {
  it('sends typing at most every 2 s while typing, one stop, and a stop with the message', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.setTyping(true)
    vi.advanceTimersByTime(1999)
    chat.setTyping(true)
    expect(socket.framesOfType('typing')).toEqual([{ type: 'typing' }])
    vi.advanceTimersByTime(1)
    chat.setTyping(true)
    expect(socket.framesOfType('typing')).toHaveLength(2)
    chat.setTyping(false)
    chat.setTyping(false)
    expect(socket.framesOfType('typing').slice(2)).toEqual([{ type: 'typing', stop: true }])
    // A start goes at most every 2 s, a stop between them or not: fast typing spends the budget on chat.
    chat.setTyping(true)
    expect(socket.framesOfType('typing')).toHaveLength(3)
    vi.advanceTimersByTime(2000)
    chat.setTyping(true)
    chat.send('done')
    expect(socket.framesOfType('typing').slice(3)).toEqual([{ type: 'typing' }, { type: 'typing', stop: true }])
  })

  it('typing again soon after a stop is told once the 2 s have passed, not lost until the next keystroke', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.setTyping(true)
    vi.advanceTimersByTime(300)
    chat.setTyping(false)
    vi.advanceTimersByTime(200)
    chat.setTyping(true)
    vi.advanceTimersByTime(1499)
    expect(socket.framesOfType('typing')).toEqual([{ type: 'typing' }, { type: 'typing', stop: true }])
    vi.advanceTimersByTime(1)
    expect(socket.framesOfType('typing')).toEqual([{ type: 'typing' }, { type: 'typing', stop: true }, { type: 'typing' }])
    // Stopping before then sends nothing more.
    chat.setTyping(false)
    chat.setTyping(true)
    chat.setTyping(false)
    vi.advanceTimersByTime(5000)
    expect(socket.framesOfType('typing').slice(3)).toEqual([{ type: 'typing', stop: true }])
  })

  it('sends no typing frame while a message waits to go or to be posted', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    chat.send('on its way')
    chat.setTyping(true)
    expect(socket.framesOfType('typing')).toEqual([])
    socket.receive({ ...chatMessage(1, ada, 'on its way'), clientId: socket.framesOfType('chat')[0]?.clientId })
    chat.setTyping(true)
    expect(socket.framesOfType('typing')).toEqual([{ type: 'typing' }])
  })

  it('asks for the page before the oldest message once, puts it in front, and stops when hasMore is false', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(51), chatMessage(52)] })
    expect(chat.hasOlder.value).toBe(true)
    expect(chat.loadOlder()).toBe(true)
    expect(chat.loadOlder()).toBe(false)
    expect(chat.loadingOlder.value).toBe(true)
    expect(socket.framesOfType('history')).toEqual([{ type: 'history', before: 51, limit: 50 }])
    socket.receive({ type: 'history', roomId: 'lobby', messages: [chatMessage(49), chatMessage(50)], hasMore: false })
    expect(chatSeqs(chat)).toEqual([49, 50, 51, 52])
    expect(chat.loadingOlder.value).toBe(false)
    expect(chat.hasOlder.value).toBe(false)
    expect(chat.loadOlder()).toBe(false)
  })

  it('a room whose history starts at seq 1 has nothing older to ask for', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1)] })
    expect(chat.hasOlder.value).toBe(false)
  })

  it('applies reactions, edits and deletes to the message shown, and shows who is typing', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(1), chatMessage(2)] })
    socket.receive({ type: 'reaction', roomId: 'lobby', id: 'msg-1', emoji: '👍', memberId: ada.id, on: true })
    socket.receive({ type: 'edited', roomId: 'lobby', id: 'msg-1', text: 'better', editedAt: 5 })
    socket.receive({ type: 'deleted', roomId: 'lobby', id: 'msg-2' })
    socket.receive({ type: 'typing', roomId: 'lobby', ids: [bob.id] })
    const messages = chat.timeline.value.flatMap(entry => (entry.kind === 'chat' ? [entry.message] : []))
    expect(messages[0]).toMatchObject({ text: 'better', editedAt: 5, reactions: { '👍': [ada.id] } })
    expect(messages[1]).toMatchObject({ text: '', deleted: true })
    expect(chat.typing.value).toEqual([bob.id])
  })

  it('applies reaction changes one by one and shows the right counts: on, on again, off, the last off removes the emoji', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [{ ...chatMessage(1), reactions: { '🎉': ['x', 'y'] } }] })
    const react = (emoji: string, memberId: string, on: boolean) => socket.receive({ type: 'reaction', roomId: 'lobby', id: 'msg-1', emoji, memberId, on })
    const reactions = () => chat.timeline.value.flatMap(entry => (entry.kind === 'chat' ? [entry.message.reactions] : []))[0]
    react('👍', ada.id, true)
    react('👍', bob.id, true)
    expect(reactions()).toEqual({ '🎉': ['x', 'y'], '👍': [ada.id, bob.id] })
    // The same change twice (a resent frame) counts once.
    react('👍', bob.id, true)
    react('🎉', 'x', false)
    expect(reactions()).toEqual({ '🎉': ['y'], '👍': [ada.id, bob.id] })
    react('🎉', 'x', false)
    react('🎉', 'y', false)
    react('👍', ada.id, false)
    expect(reactions()).toEqual({ '👍': [bob.id] })
    react('👍', bob.id, false)
    expect(reactions()).toBeUndefined()
  })

  it('sends a reply with its replyTo, again after a rejoin until acknowledged', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ history: [chatMessage(1)] })
    chat.send('answer', 'msg-1')
    expect(socket.framesOfType('chat')[0]).toMatchObject({ text: 'answer', replyTo: 'msg-1' })
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    const again = acceptJoin({ history: [chatMessage(1)] })
    expect(again.framesOfType('chat')[0]).toMatchObject({ text: 'answer', replyTo: 'msg-1' })
  })

  it('a reply still waiting when its message is deleted goes as a plain message, not "sending…" for ever', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin({ history: [chatMessage(1)] })
    FakeWebSocket.latest().drop()
    chat.send('answer', 'msg-1')
    vi.advanceTimersByTime(500)
    const again = acceptJoin({ history: [chatMessage(1)] })
    expect(again.framesOfType('chat')[0]).toMatchObject({ text: 'answer', replyTo: 'msg-1' })
    again.receive({ type: 'deleted', roomId: 'lobby', id: 'msg-1' })
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    const third = acceptJoin({ history: [chatMessage(1)] })
    const resent = third.framesOfType('chat')[0]
    expect(resent).toMatchObject({ text: 'answer' })
    expect(resent).not.toHaveProperty('replyTo')
  })
})
