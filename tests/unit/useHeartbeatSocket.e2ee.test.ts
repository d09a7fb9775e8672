// @vitest-environment happy-dom
import { effectScope, shallowRef } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { useSealedMessages } from '../../composables/useSealedMessages'
import type { ChatMessage, ChatSendFrame } from '../../shared/protocol'
import { deriveRoomKeys } from '../../utils/e2ee/room-keys'
import { openMessage, sealMessage } from '../../utils/e2ee/sealed-message'
import type { TimelineEntry } from '../../utils/timeline'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, ada, bob, chatMessage, mountHeartbeatSocket, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

const salt = 'AAECAwQFBgcICQoLDA0ODw'
// Few iterations: these tests are about what is sealed and sent, not the cost of a guess.
const keys = deriveRoomKeys('our password', new Uint8Array(16).map((_, index) => index), 1000)
const otherKeys = deriveRoomKeys('another password', new Uint8Array(16).map((_, index) => index), 1000)
const roomKey = async () => (await keys).contentKey

async function sealedChats(socket: FakeWebSocket, count: number): Promise<ChatSendFrame[]> {
  await vi.waitFor(() => expect(socket.framesOfType('chat')).toHaveLength(count))
  return socket.framesOfType('chat')
}

describe('an end-to-end encrypted room in the composable', () => {
  it('a chat goes sealed, bound to this member and its clientId: no word of it in the frame', async () => {
    const { chat } = mountHeartbeatSocket({ roomKey })
    const socket = acceptJoin({ e2ee: { salt }, protected: true })
    expect(chat.send('meet at the usual café')).toBe(true)
    const [frame] = await sealedChats(socket, 1)
    expect(frame).toMatchObject({ type: 'chat', text: '', clientId: expect.any(String), cipher: { v: 1 } })
    expect(JSON.stringify(frame)).not.toMatch(/usual|café/)
    // Opened as the server will hand it back: bound to the room, Ada and the frame's clientId.
    const posted = { ...chatMessage(1, ada, ''), clientId: frame!.clientId, cipher: frame!.cipher }
    expect(await openMessage((await keys).contentKey, posted)).toEqual({ text: 'meet at the usual café' })
    expect(await openMessage((await keys).contentKey, { ...posted, from: { id: bob.id, name: bob.name } })).toBeNull()
  })

  it('messages sent quickly are sealed and sent in the order they were written', async () => {
    const { chat } = mountHeartbeatSocket({ roomKey })
    const socket = acceptJoin({ e2ee: { salt } })
    for (const text of ['one', 'two', 'three']) chat.send(text)
    // One at a time: the next goes once the server acknowledged the one before.
    const opened: string[] = []
    for (let seq = 1; seq <= 3; seq++) {
      const frame = (await sealedChats(socket, seq)).at(-1)!
      const posted = { ...chatMessage(seq, ada, ''), clientId: frame.clientId, cipher: frame.cipher }
      opened.push((await openMessage((await keys).contentKey, posted))!.text)
      socket.receive(posted)
    }
    expect(opened).toEqual(['one', 'two', 'three'])
  })

  it('an edit of an own message goes sealed under that message\'s clientId', async () => {
    const { chat } = mountHeartbeatSocket({ roomKey })
    const { contentKey } = await keys
    const cipher = await sealMessage(contentKey, { roomId: 'lobby', authorId: ada.id, clientId: 'c-1' }, { text: 'first words' })
    const socket = acceptJoin({ e2ee: { salt }, history: [{ ...chatMessage(1, ada, ''), clientId: 'c-1', cipher }] })
    expect(chat.edit('msg-1', 'better words')).toBe(true)
    await vi.waitFor(() => expect(socket.framesOfType('edit')).toHaveLength(1))
    const [edit] = socket.framesOfType('edit')
    expect(edit).toMatchObject({ type: 'edit', id: 'msg-1', text: '' })
    expect(JSON.stringify(edit)).not.toContain('better')
    expect(await openMessage(contentKey, { ...chatMessage(1, ada, ''), clientId: 'c-1', cipher: (edit as { cipher: ChatMessage['cipher'] }).cipher })).toEqual({ text: 'better words' })
  })

  it('a room that is not encrypted sends plain text, and a join that creates an encrypted room names its salt', async () => {
    const plain = mountHeartbeatSocket({ roomKey })
    const socket = acceptJoin()
    plain.chat.send('hello')
    expect(socket.framesOfType('chat')).toEqual([expect.objectContaining({ text: 'hello' })])
    expect(socket.framesOfType('chat')[0]).not.toHaveProperty('cipher')
    mountHeartbeatSocket({ roomKey, create: true, password: 'auth-key', e2eeSalt: salt })
    const creating = FakeWebSocket.latest()
    creating.open()
    expect(creating.framesOfType('join')[0]).toMatchObject({ create: true, password: 'auth-key', e2eeSalt: salt })
  })
})

describe('useSealedMessages', () => {
  async function opened(messages: ChatMessage[], key = roomKey) {
    const scope = effectScope()
    const timeline = shallowRef<TimelineEntry[]>(messages.map(message => ({ kind: 'chat', message, mine: false })) as TimelineEntry[])
    const sealed = scope.run(() => useSealedMessages({ roomId: 'lobby', e2eeSalt: shallowRef(salt), timeline, roomKey: key }))!
    await vi.waitFor(() => expect(messages.every(message => !sealed.contentOf(message).opening && sealed.key.value)).toBe(true))
    return { sealed, scope }
  }

  it('shows each message as written; a forged, moved or foreign one as undecryptable, never its bytes', async () => {
    const { contentKey } = await keys
    const bound = { roomId: 'lobby', authorId: bob.id, clientId: 'c-1' }
    const good = { ...chatMessage(1, bob, ''), clientId: 'c-1', cipher: await sealMessage(contentKey, bound, { text: 'hi Ada' }) }
    const moved = { ...chatMessage(2, bob, ''), clientId: 'c-2', cipher: good.cipher }
    const foreign = { ...chatMessage(3, bob, ''), clientId: 'c-3', cipher: await sealMessage((await otherKeys).contentKey, { ...bound, clientId: 'c-3' }, { text: 'other key' }) }
    const forged = { ...chatMessage(4, bob, ''), clientId: 'c-4', cipher: { v: 1 as const, iv: 'BwcHBwcHBwcHBwcH', data: 'Zm9yZ2VkIGJ5IGEgcmF3IHNvY2tldCEhIQ' } }
    const plain = chatMessage(5, bob, 'a plain message')
    const { sealed, scope } = await opened([good, moved, foreign, forged, plain])
    expect(sealed.contentOf(good)).toEqual({ text: 'hi Ada' })
    for (const bad of [moved, foreign, forged]) expect(sealed.contentOf(bad)).toEqual({ text: '', undecryptable: true })
    expect(sealed.contentOf(plain)).toEqual({ text: 'a plain message' })
    expect(sealed.needsPassword.value).toBe(false)
    scope.stop()
  })

  it('without a key the room needs the password, and nothing sealed is shown', async () => {
    const { contentKey } = await keys
    const message = { ...chatMessage(1, bob, ''), clientId: 'c-1', cipher: await sealMessage(contentKey, { roomId: 'lobby', authorId: bob.id, clientId: 'c-1' }, { text: 'secret' }) }
    const scope = effectScope()
    const sealed = scope.run(() => useSealedMessages({ roomId: 'lobby', e2eeSalt: shallowRef(salt), timeline: shallowRef([{ kind: 'chat', message, mine: false }] as TimelineEntry[]), roomKey: async () => undefined }))!
    await vi.waitFor(() => expect(sealed.needsPassword.value).toBe(true))
    expect(sealed.contentOf(message)).toEqual({ text: '', undecryptable: true })
    scope.stop()
  })
})

describe('unlocking an encrypted room with a password typed after a reload', () => {
  it('a password that opens none of the held messages is let go and said to be wrong; the right one opens them', async () => {
    const { contentKey } = await keys
    const message = { ...chatMessage(1, bob, ''), clientId: 'c-1', cipher: await sealMessage(contentKey, { roomId: 'lobby', authorId: bob.id, clientId: 'c-1' }, { text: 'hello again' }) }
    let held: CryptoKey | undefined
    const forgotten: string[] = []
    const scope = effectScope()
    const sealed = scope.run(() => useSealedMessages({
      roomId: 'lobby',
      e2eeSalt: shallowRef(salt),
      timeline: shallowRef([{ kind: 'chat', message, mine: false }] as TimelineEntry[]),
      roomKey: async () => held,
      forgetKey: async (roomId) => {
        forgotten.push(roomId)
        held = undefined
      },
    }))!
    await vi.waitFor(() => expect(sealed.needsPassword.value).toBe(true))
    held = (await otherKeys).contentKey
    await sealed.reloadKey({ check: true })
    await vi.waitFor(() => expect(sealed.wrongPassword.value).toBe(true))
    expect(sealed.needsPassword.value).toBe(true)
    expect(forgotten).toEqual(['lobby'])
    held = contentKey
    await sealed.reloadKey({ check: true })
    await vi.waitFor(() => expect(sealed.contentOf(message)).toEqual({ text: 'hello again' }))
    expect(sealed.wrongPassword.value).toBe(false)
    scope.stop()
  })
})
