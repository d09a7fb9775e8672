// @vitest-environment happy-dom
import { effectScope, shallowRef } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { rekeyedRecord } from '../../server/rooms/room-rekey'
import { useSealedMessages } from '../../composables/useSealedMessages'
import { E2EE_LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ChatSendFrame } from '../../shared/protocol'
import { openMessage, sealMessage } from '../../utils/e2ee/sealed-message'
import { deriveRoomKeys } from '../../utils/e2ee/room-keys'
import type { TimelineEntry } from '../../utils/timeline'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, ada, bob, chatMessage, mountHeartbeatSocket, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

const salt = 'AAECAwQFBgcICQoLDA0ODw'
const salt2 = 'EBESExQVFhcYGRobHB0eHw'
const saltBytes = new Uint8Array(16).map((_, index) => index)
// Few iterations: these tests are about generations, not the cost of a guess.
const first = deriveRoomKeys('first password', saltBytes, 1000)
const second = deriveRoomKeys('second password', saltBytes, 1000)
const iv = 'BwcHBwcHBwcHBwcH'
const data = 'SeqQCHtrbUhOseke2saFlVjEQXECpxz_g-s'

const parse = (frame: object) => parseClientFrame(JSON.stringify(frame))

describe('the key generation on the wire', () => {
  it('an envelope may name its generation as an integer of 1 to the bound; anything else is refused with BAD_REQUEST', () => {
    for (const k of [undefined, 1, 2, E2EE_LIMITS.maxGeneration]) {
      expect(parse({ type: 'chat', text: '', clientId: 'c', cipher: { v: 1, iv, data, ...(k === undefined ? {} : { k }) } })).toMatchObject({ ok: true })
    }
    for (const k of [0, -1, 1.5, '2', null, E2EE_LIMITS.maxGeneration + 1]) {
      expect(parse({ type: 'chat', text: '', clientId: 'c', cipher: { v: 1, iv, data, k } })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
      expect(parse({ type: 'edit', id: 'm1', text: '', cipher: { v: 1, iv, data, k } })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    }
  })

  it('a password change carries an auth key (never a password), a salt, and the generation it replaces', () => {
    const authKey = 'A'.repeat(E2EE_LIMITS.authKeyLength)
    expect(parse({ type: 'rekey', password: authKey, e2eeSalt: salt2, from: 1 })).toMatchObject({ ok: true, frame: { type: 'rekey', password: authKey, e2eeSalt: salt2, from: 1 } })
    for (const bad of [
      { password: 'the new password', e2eeSalt: salt2, from: 1 },
      { password: `${authKey}A`, e2eeSalt: salt2, from: 1 },
      { password: authKey, e2eeSalt: 'short', from: 1 },
      { password: authKey, e2eeSalt: salt2, from: 0 },
      { password: authKey, e2eeSalt: salt2 },
    ]) expect(parse({ type: 'rekey', ...bad })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('a message sealed at a later generation says so in k; the first generation leaves k out, as envelopes did before', async () => {
    const binding = { roomId: 'r', authorId: 'a', clientId: 'c' }
    expect(await sealMessage((await first).contentKey, binding, { text: 'one' })).not.toHaveProperty('k')
    const later = await sealMessage((await second).contentKey, binding, { text: 'two' }, 2)
    expect(later.k).toBe(2)
    expect(await openMessage((await second).contentKey, { roomId: 'r', from: { id: 'a', name: 'A' }, clientId: 'c', cipher: later })).toEqual({ text: 'two' })
    expect(await openMessage((await first).contentKey, { roomId: 'r', from: { id: 'a', name: 'A' }, clientId: 'c', cipher: later })).toBeNull()
  })

  it('the store rule: only an encrypted room, one generation at a time', () => {
    const record = { id: 'r', passwordHash: 'h1', createdAt: 1, title: 'r', visibility: 'unlisted' as const, ownerId: 'o', e2eeSalt: salt }
    expect(rekeyedRecord(record, { passwordHash: 'h2', e2eeSalt: salt2, generation: 2 })).toEqual({ ...record, passwordHash: 'h2', e2eeSalt: salt2, e2eeGeneration: 2 })
    expect(rekeyedRecord(record, { passwordHash: 'h2', e2eeSalt: salt2, generation: 3 })).toBeUndefined()
    expect(rekeyedRecord({ ...record, e2eeGeneration: 2 }, { passwordHash: 'h2', e2eeSalt: salt2, generation: 2 })).toBeUndefined()
    const { e2eeSalt: _, ...plain } = record
    expect(rekeyedRecord(plain, { passwordHash: 'h2', e2eeSalt: salt2, generation: 2 })).toBeUndefined()
  })
})

describe('reading a room whose password changed', () => {
  it('each message opens with its generation\'s key; one of an earlier generation whose key this page never had says so', async () => {
    const old = { ...chatMessage(1, bob, ''), clientId: 'c-1', cipher: await sealMessage((await first).contentKey, { roomId: 'lobby', authorId: bob.id, clientId: 'c-1' }, { text: 'before' }) }
    const fresh = { ...chatMessage(2, bob, ''), clientId: 'c-2', cipher: await sealMessage((await second).contentKey, { roomId: 'lobby', authorId: bob.id, clientId: 'c-2' }, { text: 'after' }, 2) }
    const timeline = shallowRef([old, fresh].map(message => ({ kind: 'chat', message, mine: false })) as TimelineEntry[])
    const held = new Map<number, CryptoKey>([[2, (await second).contentKey]])
    const scope = effectScope()
    const sealed = scope.run(() => useSealedMessages({ roomId: 'lobby', e2eeSalt: shallowRef(salt2), generation: shallowRef(2), timeline, roomKey: async (_, generation) => held.get(generation) }))!
    await vi.waitFor(() => expect(sealed.contentOf(fresh)).toEqual({ text: 'after' }))
    expect(sealed.contentOf(old)).toEqual({ text: '', earlierKey: true })
    expect(sealed.needsPassword.value).toBe(false)
    scope.stop()
  })

  it('a member who holds only the old key keeps reading, is told the password changed, and needs the new one to send', async () => {
    const old = { ...chatMessage(1, bob, ''), clientId: 'c-1', cipher: await sealMessage((await first).contentKey, { roomId: 'lobby', authorId: bob.id, clientId: 'c-1' }, { text: 'before' }) }
    const generation = shallowRef(1)
    const held = new Map<number, CryptoKey>([[1, (await first).contentKey]])
    const scope = effectScope()
    const sealed = scope.run(() => useSealedMessages({ roomId: 'lobby', e2eeSalt: shallowRef(salt), generation, timeline: shallowRef([{ kind: 'chat', message: old, mine: false }] as TimelineEntry[]), roomKey: async (_, at) => held.get(at) }))!
    await vi.waitFor(() => expect(sealed.contentOf(old)).toEqual({ text: 'before' }))
    expect(sealed.passwordChanged.value).toBe(false)
    generation.value = 2
    await vi.waitFor(() => expect(sealed.needsPassword.value).toBe(true))
    expect(sealed.passwordChanged.value).toBe(true)
    expect(sealed.contentOf(old)).toEqual({ text: 'before' })
    held.set(2, (await second).contentKey)
    await sealed.reloadKey({ check: true })
    await vi.waitFor(() => expect(sealed.needsPassword.value).toBe(false))
    scope.stop()
  })
})

describe('sending across a password change', () => {
  it('a chat refused as sealed with the old key is kept, sealed again with the new one (k: 2, same clientId) once the page holds it, and sent', async () => {
    const held = new Map<number, CryptoKey>([[1, (await first).contentKey]])
    const { chat } = mountHeartbeatSocket({ roomKey: async (_, generation = 1) => held.get(generation) })
    const socket = acceptJoin({ e2ee: { salt, generation: 1 }, protected: true })
    expect(chat.send('written before I knew')).toBe(true)
    await vi.waitFor(() => expect(socket.framesOfType('chat')).toHaveLength(1))
    const [sent] = socket.framesOfType('chat') as ChatSendFrame[]
    socket.receive({ type: 'rekeyed', roomId: 'lobby', salt: salt2, generation: 2 })
    socket.receive({ type: 'error', code: 'E2EE_KEY_CHANGED', message: 'changed', clientId: sent!.clientId })
    await vi.waitFor(() => expect(chat.e2eeGeneration.value).toBe(2))
    // Not lost: still in the outbox, shown as not sent yet.
    expect(chat.timeline.value.filter(entry => entry.kind === 'pending')).toHaveLength(1)
    chat.resealRefused()
    await vi.advanceTimersByTimeAsync(20)
    expect(socket.framesOfType('chat')).toHaveLength(1)
    held.set(2, (await second).contentKey)
    chat.resealRefused()
    await vi.waitFor(() => expect(socket.framesOfType('chat')).toHaveLength(2))
    const resent = socket.framesOfType('chat')[1] as ChatSendFrame
    expect(resent).toMatchObject({ clientId: sent!.clientId, cipher: { k: 2 } })
    const posted = { ...chatMessage(5, ada, ''), clientId: resent.clientId, cipher: resent.cipher }
    expect(await openMessage((await second).contentKey, posted)).toEqual({ text: 'written before I knew' })
    expect(FakeWebSocket.latest()).toBe(socket)
  })
})
