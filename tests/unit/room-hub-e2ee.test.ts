import { afterEach, describe, expect, it } from 'vitest'
import { E2EE_LIMITS } from '../../shared/protocol'
import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

const salt = 'AAECAwQFBgcICQoLDA0ODw'
const sealed = { v: 1, iv: 'BwcHBwcHBwcHBwcH', data: 'SeqQCHtrbUhOseke2saFlVjEQXECpxz_g-s' }

describe('end-to-end encrypted rooms in the hub', () => {
  let hubs: RoomHub[] = []
  afterEach(() => {
    for (const hub of hubs) hub.stop()
    hubs = []
  })

  function createHub() {
    const hub = new RoomHub({ store: new MemoryRoomStore(), log: () => {} })
    hubs.push(hub)
    return hub
  }

  function send(hub: RoomHub, conn: FakeConnection, frame: object) {
    hub.receive(conn, JSON.stringify(frame))
  }

  async function joined(hub: RoomHub, frame: object) {
    const conn = new FakeConnection()
    hub.open(conn)
    send(hub, conn, { type: 'join', ...frame })
    const answer = await Promise.race([conn.waitFor('joined'), conn.waitFor('error')])
    return { conn, answer }
  }

  it('a room created with a salt and a password tells its salt to whoever asks, and in the joined frame', async () => {
    const hub = createHub()
    const ada = await joined(hub, { roomId: 'sealed', name: 'Ada', password: 'auth-key-of-ada', e2eeSalt: salt, create: true })
    expect(ada.answer).toMatchObject({ type: 'joined', created: true, protected: true, e2ee: { salt } })
    expect(await hub.summary('sealed')).toMatchObject({ protected: true, e2ee: true, salt })
    expect(await hub.summary('sealed')).not.toHaveProperty('title')
    const bob = await joined(hub, { roomId: 'sealed', name: 'Bob', password: 'auth-key-of-ada' })
    expect(bob.answer).toMatchObject({ type: 'joined', created: false, e2ee: { salt } })
    const eve = await joined(hub, { roomId: 'sealed', name: 'Eve', password: 'a wrong key' })
    expect(eve.answer).toMatchObject({ type: 'error', code: 'WRONG_PASSWORD' })
  })

  it('a salt without a password creates nothing, and a salt that is not 16 bytes is refused', async () => {
    const hub = createHub()
    expect((await joined(hub, { roomId: 'open', name: 'Ada', e2eeSalt: salt, create: true })).answer).toMatchObject({ type: 'error', code: 'BAD_REQUEST', message: expect.stringContaining('needs a password') })
    expect(await hub.store.getRoom('open')).toBeUndefined()
    expect((await joined(hub, { roomId: 'open', name: 'Ada', password: 'p', e2eeSalt: 'short', create: true })).answer).toMatchObject({ type: 'error', code: 'BAD_REQUEST', message: expect.stringContaining('e2eeSalt must be 22 base64url characters') })
    const plain = await joined(hub, { roomId: 'plain', name: 'Ada', password: 'p', create: true })
    expect(plain.answer).not.toHaveProperty('e2ee')
    expect(await hub.summary('plain')).not.toHaveProperty('salt')
  })

  it('an encrypted room takes only sealed chats and edits (E2EE_REQUIRED), relays them as they came, and a plain room takes no cipher', async () => {
    const hub = createHub()
    const { conn: ada } = await joined(hub, { roomId: 'sealed', name: 'Ada', password: 'k', e2eeSalt: salt, create: true })
    send(hub, ada, { type: 'chat', text: 'plain words', clientId: 'c1' })
    expect(await ada.waitFor('error')).toMatchObject({ code: 'E2EE_REQUIRED', clientId: 'c1' })
    send(hub, ada, { type: 'chat', text: '', cipher: sealed, clientId: 'c2' })
    const chat = await ada.waitFor('chat')
    expect(chat).toMatchObject({ text: '', cipher: sealed, clientId: 'c2' })
    send(hub, ada, { type: 'edit', id: chat.id, text: 'plain edit' })
    expect(await ada.waitFor('error', 2)).toMatchObject({ code: 'E2EE_REQUIRED' })
    const resealed = { ...sealed, iv: 'CAgICAgICAgICAgI' }
    send(hub, ada, { type: 'edit', id: chat.id, cipher: resealed })
    expect(await ada.waitFor('edited')).toMatchObject({ id: chat.id, text: '', cipher: resealed })
    // A reply in an encrypted room quotes nothing the server could read.
    send(hub, ada, { type: 'chat', cipher: sealed, clientId: 'c3', replyTo: chat.id })
    expect(await ada.waitFor('chat', 2)).toMatchObject({ replyTo: { id: chat.id, excerpt: '' }, cipher: sealed })

    const { conn: cy } = await joined(hub, { roomId: 'plain', name: 'Cy', create: true })
    send(hub, cy, { type: 'chat', text: '', cipher: sealed, clientId: 'c4' })
    expect(await cy.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('only for end-to-end encrypted rooms') })
  })

  it('refuses a ciphertext past what the largest plain content seals to, and one without its clientId', async () => {
    const hub = createHub()
    const { conn: ada } = await joined(hub, { roomId: 'sealed', name: 'Ada', password: 'k', e2eeSalt: salt, create: true })
    send(hub, ada, { type: 'chat', cipher: { ...sealed, data: 'A'.repeat(E2EE_LIMITS.cipherDataMaxLength + 1) }, clientId: 'c1' })
    expect(await ada.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('cipher must be') })
    send(hub, ada, { type: 'chat', cipher: sealed })
    expect(await ada.waitFor('error', 2)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('clientId') })
    send(hub, ada, { type: 'chat', cipher: { ...sealed, data: 'A'.repeat(E2EE_LIMITS.cipherDataMaxLength) }, clientId: 'c2' })
    expect(await ada.waitFor('chat')).toMatchObject({ clientId: 'c2' })
  })
})
