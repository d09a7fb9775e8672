import { describe, expect, it } from 'vitest'
import { LIMITS, replyExcerpt } from '../../shared/protocol'
import type { ChatMessage } from '../../shared/protocol'
import type { MemberRecord, PrivateSeat, RoomStore } from '../../server/rooms/types'

/**
 * The rules the in-process stores take from one plain function each
 * (message-changes.ts, name-keys.ts, bans.ts, private-rooms.ts) and the Redis
 * store restates in Lua (redis/scripts/). Each title names its rule, so a
 * rule changed in one place and not the other fails here, for the store that
 * drifted. The other rule cases stand in room-store.contract.ts, under the
 * same "rule: …" names.
 */
export function describeRoomRules(name: string, createStore: () => Promise<RoomStore> | RoomStore) {
  const room = { id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }
  const member = (id: string, name: string, roomId = 'lobby'): MemberRecord => ({ id, roomId, name, tokenHash: `hash-${roomId}-${id}`, joinedAt: 1, lastSeenAt: 1 })
  const ada = { id: 'a', name: 'Ada' }
  const file = { id: 'f1', name: 'cat.png', type: 'image/png', size: 10, url: '/files/f1-secret', width: 1, height: 1 }

  async function roomWith(...members: MemberRecord[]) {
    const store = await createStore()
    await store.ensureRoom(room, 100)
    for (const one of members) await store.addMember(one, 100)
    return store
  }

  const post = (store: RoomStore, message: Omit<ChatMessage, 'type' | 'seq' | 'roomId'>) => store.appendMessage({ type: 'chat', roomId: 'lobby', ...message })

  describe(`${name}: the rules every store applies`, () => {
    it('rule: withReactionToggled bounds the reactions of a message by their entries, whatever the emoji; a removal is always allowed', async () => {
      const store = await roomWith(member('a', 'Ada'))
      await post(store, { id: 'm1', from: ada, text: 'hi', at: 1 })
      const emoji = ['👍', '🎉', '😀', '🙂']
      // All at once: one transaction for SQLite, one pipeline for Redis.
      await Promise.all(Array.from({ length: LIMITS.reactionEntriesPerMessage }, (_, i) => store.toggleReaction('lobby', 'm1', `r${i}`, emoji[i % emoji.length]!)))
      expect(await store.toggleReaction('lobby', 'm1', 'one-more', '👍')).toBe('too-many-reactions')
      expect(await store.toggleReaction('lobby', 'm1', 'one-more', '🔥')).toBe('too-many-reactions')
      const removed = await store.toggleReaction('lobby', 'm1', 'r0', '👍')
      expect(removed).toMatchObject({ id: 'm1' })
      expect(Object.values((removed as ChatMessage).reactions!).flat()).toHaveLength(LIMITS.reactionEntriesPerMessage - 1)
      expect(await store.toggleReaction('lobby', 'm1', 'one-more', '👍')).toMatchObject({ id: 'm1' })
    })

    it('rule: withTextEdited changes only the text and editedAt: reactions, the reply it is and its files stay', async () => {
      const store = await roomWith(member('a', 'Ada'), member('b', 'Bob'))
      await post(store, { id: 'q', from: { id: 'b', name: 'Bob' }, text: 'question', at: 1 })
      await post(store, { id: 'm1', from: ada, text: 'answer', at: 2, clientId: 'c1', replyTo: { id: 'q', from: { id: 'b', name: 'Bob' }, excerpt: 'question' }, attachments: [file] })
      await store.toggleReaction('lobby', 'm1', 'b', '👍')
      const edited = await store.editMessage('lobby', 'm1', 'a', 'better answer', 9)
      expect(edited).toEqual({ type: 'chat', seq: 2, id: 'm1', roomId: 'lobby', from: ada, text: 'better answer', at: 2, clientId: 'c1', replyTo: { id: 'q', from: { id: 'b', name: 'Bob' }, excerpt: 'question' }, attachments: [file], reactions: { '👍': ['b'] }, editedAt: 9 })
      expect(await store.findMessage('lobby', 'm1')).toEqual(edited)
      // Edited again: the latest text and time.
      expect(await store.editMessage('lobby', 'm1', 'a', 'best answer', 10)).toMatchObject({ text: 'best answer', editedAt: 10 })
    })

    it('an end-to-end encrypted room keeps its salt, and a room without one has none', async () => {
      const store = await createStore()
      const salt = 'AAECAwQFBgcICQoLDA0ODw'
      expect(await store.ensureRoom({ ...room, id: 'sealed', passwordHash: 'scrypt-hash', e2eeSalt: salt }, 100)).toEqual({ room: { ...room, id: 'sealed', passwordHash: 'scrypt-hash', e2eeSalt: salt }, created: true })
      expect(await store.getRoom('sealed')).toEqual({ ...room, id: 'sealed', passwordHash: 'scrypt-hash', e2eeSalt: salt })
      // A second creation of the same id gets the first one's record, salt and all.
      expect(await store.ensureRoom({ ...room, id: 'sealed', passwordHash: 'other', e2eeSalt: 'BBECAwQFBgcICQoLDA0ODw' }, 100)).toMatchObject({ room: { e2eeSalt: salt }, created: false })
      await store.ensureRoom(room, 100)
      expect(await store.getRoom('lobby')).not.toHaveProperty('e2eeSalt')
    })

    it('rule: withTextEdited with a sealed text replaces the cipher, everywhere its words are held, and is an edit, not a delete', async () => {
      const store = await roomWith(member('a', 'Ada'), member('b', 'Bob'))
      const events: unknown[] = []
      store.onEvent((_, event) => events.push(event))
      await store.subscribe('lobby')
      const first = { v: 1 as const, iv: 'BwcHBwcHBwcHBwcH', data: 'first-sealed-words' }
      const second = { v: 1 as const, iv: 'CAgICAgICAgICAgI', data: 'second-sealed-words' }
      await post(store, { id: 'm1', from: ada, text: '', at: 2, clientId: 'c1', cipher: first })
      await post(store, { id: 'r', from: { id: 'b', name: 'Bob' }, text: '', at: 3, clientId: 'c2', replyTo: { id: 'm1', from: ada, excerpt: '' }, cipher: first })
      const edited = await store.editMessage('lobby', 'm1', 'a', '', 9, second)
      expect(edited).toEqual({ type: 'chat', seq: 1, id: 'm1', roomId: 'lobby', from: ada, text: '', at: 2, clientId: 'c1', editedAt: 9, cipher: second })
      expect(await store.findMessage('lobby', 'm1')).toEqual(edited)
      expect(await post(store, { id: 'again', from: ada, text: '', at: 4, clientId: 'c1', cipher: first })).toEqual({ message: edited, duplicate: true })
      await expect.poll(() => events).toContainEqual({ kind: 'edited', id: 'm1', text: '', editedAt: 9, cipher: second })
      // The reply quotes nothing the server could read: its excerpt stays empty.
      expect((await store.findMessage('lobby', 'r'))!.replyTo).toEqual({ id: 'm1', from: ada, excerpt: '' })
      expect(await store.editMessage('lobby', 'm1', 'b', '', 10, first)).toBe('forbidden')
      const tombstone = await store.deleteMessage('lobby', 'm1', 'a')
      expect(tombstone).toMatchObject({ deleted: true, text: '' })
      expect(tombstone).not.toHaveProperty('cipher')
      expect(JSON.stringify(await store.recentMessages('lobby', 10))).not.toContain('second-sealed-words')
    })

    it('rule: asTombstone keeps the place, the author, the time and the clientId, and nothing else: no quote, no files, no reactions, no edit time', async () => {
      const store = await roomWith(member('a', 'Ada'), member('b', 'Bob'))
      await post(store, { id: 'q', from: { id: 'b', name: 'Bob' }, text: 'question', at: 1 })
      await post(store, { id: 'm1', from: ada, text: 'answer secret', at: 2, clientId: 'c1', replyTo: { id: 'q', from: { id: 'b', name: 'Bob' }, excerpt: 'question' }, attachments: [file] })
      await store.toggleReaction('lobby', 'm1', 'b', '👍')
      await store.editMessage('lobby', 'm1', 'a', 'edited secret', 9)
      const tombstone = { type: 'chat', seq: 2, id: 'm1', roomId: 'lobby', from: ada, text: '', at: 2, clientId: 'c1', deleted: true }
      expect(await store.deleteMessage('lobby', 'm1', 'a')).toEqual(tombstone)
      expect(await store.findMessage('lobby', 'm1')).toEqual(tombstone)
      expect(await post(store, { id: 'again', from: ada, text: 'answer secret', at: 3, clientId: 'c1' })).toEqual({ message: tombstone, duplicate: true })
      expect(JSON.stringify(await store.recentMessages('lobby', 10))).not.toMatch(/secret|f1/)
    })

    it('rule: withQuoteOf gives a reply the excerpt of the edited text (replyExcerpt), in the history and in the replier\'s dedupe window; a reaction changes no quote', async () => {
      const store = await roomWith(member('a', 'Ada'), member('b', 'Bob'))
      await post(store, { id: 'q', from: ada, text: 'short', at: 1 })
      await post(store, { id: 'r', from: { id: 'b', name: 'Bob' }, text: 're', at: 2, clientId: 'c1', replyTo: { id: 'q', from: ada, excerpt: 'short' } })
      await post(store, { id: 'other', from: { id: 'b', name: 'Bob' }, text: 'unrelated', at: 3, replyTo: { id: 'elsewhere', from: ada, excerpt: 'kept' } })
      const long = 'é'.repeat(LIMITS.replyExcerptMaxLength + 40)
      await store.editMessage('lobby', 'q', 'a', long, 5)
      await store.toggleReaction('lobby', 'q', 'b', '👍')
      expect((await store.findMessage('lobby', 'r'))!.replyTo).toEqual({ id: 'q', from: ada, excerpt: replyExcerpt(long) })
      expect(await post(store, { id: 'x', from: { id: 'b', name: 'Bob' }, text: 're', at: 4, clientId: 'c1' })).toMatchObject({ duplicate: true, message: { id: 'r', replyTo: { excerpt: replyExcerpt(long) } } })
      expect((await store.findMessage('lobby', 'other'))!.replyTo).toEqual({ id: 'elsewhere', from: ada, excerpt: 'kept' })
    })

    it('rule: pairKeyOf makes a private room per pair of one origin room: the same two members from another room get another room', async () => {
      const store = await createStore()
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'elsewhere' }, 100)
      const privateRoom = (id: string, originRoomId: string, seats: [string, string]) => ({
        id, passwordHash: null, createdAt: 2, title: 'A & B', visibility: 'unlisted' as const, ownerId: '',
        private: { originRoomId, seats: seats.map(seat => ({ memberId: seat, name: seat, tokenHashes: [`${id}-${seat}`] })) as [PrivateSeat, PrivateSeat] },
      })
      expect(await store.openPrivateRoom(privateRoom('dm-1', 'lobby', ['a', 'b']), 100)).toMatchObject({ created: true, room: { id: 'dm-1' } })
      expect(await store.openPrivateRoom(privateRoom('dm-2', 'elsewhere', ['a', 'b']), 100)).toMatchObject({ created: true, room: { id: 'dm-2' } })
      expect(await store.openPrivateRoom(privateRoom('dm-3', 'elsewhere', ['b', 'a']), 100)).toMatchObject({ created: false, room: { id: 'dm-2' } })
      // An id taken by a room that is not private is never turned into one.
      await expect(store.openPrivateRoom(privateRoom('lobby', 'elsewhere', ['c', 'd']), 100)).rejects.toThrow(/not a private room/)
      expect((await store.getRoom('lobby'))!.private).toBeUndefined()
    })

    it('rule: isNameFree is checked against members only: a removed member\'s name, and a kicked one\'s, are free again', async () => {
      const store = await roomWith(member('a', 'Ada'), member('b', 'Bob'))
      await store.removeMember('lobby', 'a')
      await store.kickMember('lobby', 'b', 5000, 1000)
      expect(await store.addMember(member('c', 'ADA'), 100)).toBe('added')
      expect(await store.addMember(member('d', 'bob'), 100)).toBe('added')
      // A name is held under both of its keys, and only by its holder: freeing one frees both.
      await store.removeMember('lobby', 'c')
      expect(await store.addMember(member('e', 'ada'), 100)).toBe('added')
      expect(await store.addMember(member('f', 'Ada'), 100)).toBe('name-taken')
    })
  })
}
