import { describe, expect, it, vi } from 'vitest'
import type { MemberRecord, RoomEvent, RoomStore } from '../../server/rooms/types'

/**
 * What every RoomStore must do. The memory store runs it now; a Redis store
 * runs the same suite against a real redis-server.
 */
export function describeRoomStore(name: string, createStore: (historyLimit: number) => Promise<RoomStore> | RoomStore) {
  const room = { id: 'lobby', passwordHash: null, createdAt: 1 }
  const member = (id: string, name: string): MemberRecord => ({
    id, roomId: 'lobby', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1, offline: false,
  })

  describe(`${name}: the RoomStore contract`, () => {
    it('creates a room once; a second creator gets the first one', async () => {
      const store = await createStore(10)
      expect(await store.ensureRoom(room, 100)).toEqual({ room, created: true })
      const second = await store.ensureRoom({ ...room, passwordHash: 'other', createdAt: 2 }, 100)
      expect(second).toEqual({ room, created: false })
      expect(await store.listRoomIds()).toEqual(['lobby'])
    })

    it('keeps names unique per room, case-insensitive, and frees a name on removal', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      expect(await store.addMember(member('a', 'Ada'), 100)).toBe('added')
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('name-taken')
      await store.removeMember('lobby', 'a')
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('added')
      expect((await store.listMembers('lobby')).map(m => m.name)).toEqual(['ADA'])
    })

    it('refuses a name that looks like a member\'s: another script, another case, fullwidth, decomposed, capital I for l', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      expect(await store.addMember(member('a', 'alice'), 100)).toBe('added')
      const lookAlikes = ['al\u0456ce', '\u0430lice', 'ALICE', 'aIice', '\uff41\uff4c\uff49\uff43\uff45', 'al\u200bice', 'a\u00adlice']
      for (const [i, name] of lookAlikes.entries()) {
        expect({ name, result: await store.addMember(member(`x${i}`, name), 100) }).toEqual({ name, result: 'name-taken' })
      }
      expect(await store.addMember(member('c', 'a\u0301lice'), 100)).toBe('added')
      expect(await store.addMember(member('d', '\u00e1lice'), 100)).toBe('name-taken')
      expect(await store.addMember(member('e', 'alicia'), 100)).toBe('added')
      expect((await store.listMembers('lobby')).map(m => m.id).sort()).toEqual(['a', 'c', 'e'])
    })

    it('a member silent since nameFreeBefore gives its name up: removed, token gone, its leave published', async () => {
      const store = await createStore(10)
      const events: Array<[string, RoomEvent]> = []
      store.onEvent((roomId, event) => events.push([roomId, event]))
      await store.ensureRoom(room, 100)
      await store.subscribe('lobby')
      await store.addMember({ ...member('old', 'Ada'), lastSeenAt: 100 }, 100)
      await store.addMember({ ...member('bob', 'Bob'), lastSeenAt: 500 }, 100)
      expect(await store.addMember({ ...member('new', 'ada'), lastSeenAt: 600 }, 100, 100)).toBe('name-taken')
      expect(await store.addMember({ ...member('new', 'ADA'), lastSeenAt: 600 }, 2, 101)).toBe('added')
      expect((await store.listMembers('lobby')).map(m => m.name).sort()).toEqual(['ADA', 'Bob'])
      expect(await store.findMemberByTokenHash('lobby', 'hash-old')).toBeUndefined()
      await vi.waitFor(() => expect(events).toEqual([['lobby', { kind: 'left', memberId: 'old' }]]))
      // Bob was heard from after the cutoff: his name stays his.
      expect(await store.addMember({ ...member('eve', 'Bob'), lastSeenAt: 600 }, 100, 500)).toBe('name-taken')
      await store.removeMember('lobby', 'new')
      expect(await store.addMember(member('ada2', 'Ada'), 100)).toBe('added')
    })

    it('finds a member by token hash only in its own room', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'other' }, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect((await store.findMemberByTokenHash('lobby', 'hash-a'))?.id).toBe('a')
      expect(await store.findMemberByTokenHash('other', 'hash-a')).toBeUndefined()
      expect(await store.findMemberByTokenHash('lobby', 'hash-x')).toBeUndefined()
    })

    it('lists only the members a sweep must look at: offline ones and those silent since the cutoff', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      for (const [id, name] of [['a', 'Ada'], ['b', 'Bob'], ['c', 'Cy']]) await store.addMember(member(id!, name!), 100)
      await store.touchMember('lobby', 'a', 100)
      await store.touchMember('lobby', 'b', 100)
      await store.markOffline('lobby', 'b')
      const silent = await store.listMembersSilentSince('lobby', 50)
      expect(silent.map(m => m.id).sort()).toEqual(['b', 'c'])
      expect(silent.find(m => m.id === 'b')).toMatchObject({ offline: true, lastSeenAt: 100 })
      expect(await store.countMembers('lobby')).toBe(3)
      expect(await store.countMembers('nowhere')).toBe(0)
    })

    it('touch and markOffline return the member as it was before', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect(await store.markOffline('lobby', 'a')).toMatchObject({ offline: false })
      expect(await store.touchMember('lobby', 'a', 50)).toMatchObject({ offline: true, lastSeenAt: 1 })
      expect((await store.listMembers('lobby'))[0]).toMatchObject({ offline: false, lastSeenAt: 50 })
      expect(await store.touchMember('lobby', 'nobody', 60)).toBeUndefined()
    })

    it('numbers messages by one per room and keeps only the newest ones', async () => {
      const store = await createStore(3)
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'other' }, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember({ ...member('a', 'Ada'), roomId: 'other' }, 100)
      for (let i = 1; i <= 5; i++) {
        await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: `t${i}`, at: i })
      }
      const other = await store.appendMessage({ type: 'chat', id: 'o1', roomId: 'other', from: { id: 'a', name: 'Ada' }, text: 'x', at: 1 })
      expect(other).toMatchObject({ duplicate: false, message: { seq: 1 } })
      expect((await store.recentMessages('lobby', 10)).map(m => m.seq)).toEqual([3, 4, 5])
      expect((await store.recentMessages('lobby', 2)).map(m => m.text)).toEqual(['t4', 't5'])
    })

    it('answers a clientId the same member used before with the original message, once', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember(member('b', 'Bob'), 100)
      const draft = { type: 'chat' as const, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: 'hi', at: 1, clientId: 'c1' }
      const first = await store.appendMessage({ ...draft, id: 'm1' })
      const again = await store.appendMessage({ ...draft, id: 'm2' })
      expect(again).toEqual({ ...first as object, duplicate: true })
      const otherMember = await store.appendMessage({ ...draft, id: 'm3', from: { id: 'b', name: 'Bob' } })
      expect(otherMember).toMatchObject({ duplicate: false, message: { seq: 2 } })
      expect((await store.recentMessages('lobby', 10)).map(m => m.id)).toEqual(['m1', 'm3'])
    })

    it('gives the messages after a seq, or undefined once some are no longer held', async () => {
      const store = await createStore(3)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect(await store.messagesAfter('lobby', 0)).toEqual([])
      for (let i = 1; i <= 5; i++) {
        await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: `t${i}`, at: i })
      }
      expect((await store.messagesAfter('lobby', 2))?.map(m => m.seq)).toEqual([3, 4, 5])
      expect((await store.messagesAfter('lobby', 4))?.map(m => m.seq)).toEqual([5])
      expect(await store.messagesAfter('lobby', 5)).toEqual([])
      expect(await store.messagesAfter('lobby', 1)).toBeUndefined()
      expect(await store.messagesAfter('lobby', 9)).toBeUndefined()
      expect(await store.messagesAfter('nowhere', 0)).toBeUndefined()
    })

    it('refuses a member past the room cap and a room past the server cap', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 1)
      expect(await store.ensureRoom({ ...room, id: 'second' }, 1)).toBe('server-full')
      expect(await store.ensureRoom(room, 1)).toMatchObject({ created: false })
      expect(await store.addMember(member('a', 'Ada'), 1)).toBe('added')
      expect(await store.addMember(member('b', 'Bob'), 1)).toBe('room-full')
    })

    it('delivers a subscribed room\'s events, chat in seq order, and not another room\'s', async () => {
      const store = await createStore(10)
      const events: Array<[string, RoomEvent]> = []
      store.onEvent((roomId, event) => events.push([roomId, event]))
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'other' }, 100)
      await store.addMember(member('x', 'X'), 100)
      await store.subscribe('lobby')
      for (const text of ['a', 'b', 'c']) {
        await store.appendMessage({ type: 'chat', id: text, roomId: 'lobby', from: { id: 'x', name: 'X' }, text, at: 1 })
      }
      await store.publish('lobby', { kind: 'left', memberId: 'x' })
      await vi.waitFor(() => expect(events).toHaveLength(4))
      expect(events.map(([roomId, event]) => [roomId, event.kind === 'chat' ? event.message.seq : event.kind])).toEqual([
        ['lobby', 1], ['lobby', 2], ['lobby', 3], ['lobby', 'left'],
      ])
    })

    it('a released member is offline once no process holds it', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.touchMember('lobby', 'a', Date.now())
      expect(await store.releaseMember('lobby', 'a')).toMatchObject({ before: { offline: false }, offline: true })
      expect((await store.listMembers('lobby'))[0]).toMatchObject({ offline: true })
      expect(await store.releaseMember('lobby', 'nobody')).toBeUndefined()
    })

    it('posts only for a current member of an existing room', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      const draft = { type: 'chat' as const, id: 'm', roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: 'hi', at: 1 }
      await store.removeMember('lobby', 'a')
      expect(await store.appendMessage(draft)).toBe('not-a-member')
      expect(await store.appendMessage({ ...draft, roomId: 'nowhere' })).toBe('no-room')
      expect(await store.recentMessages('lobby', 10)).toEqual([])
    })

    it('remembers the last 256 clientIds of a member, and forgets them with the member', async () => {
      const store = await createStore(500)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      const send = (clientId: string) => store.appendMessage({ type: 'chat', id: clientId, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: clientId, at: 1, clientId })
      for (let i = 0; i <= 256; i++) await send(`c${i}`)
      expect(await send('c1')).toMatchObject({ duplicate: true, message: { seq: 2 } })
      expect(await send('c0')).toMatchObject({ duplicate: false, message: { seq: 258 } })
      await store.removeMember('lobby', 'a')
      await store.addMember(member('a', 'Ada'), 100)
      expect(await send('c1')).toMatchObject({ duplicate: false, message: { seq: 259 } })
    })

    it('counts rooms, lists members unseen since a cutoff, and lets a sweep claim the idle rooms', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'other' }, 100)
      expect(await store.countRooms()).toBe(2)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember(member('b', 'Bob'), 100)
      await store.touchMember('lobby', 'b', 100)
      await store.markOffline('lobby', 'b')
      expect((await store.listMembersSeenBefore('lobby', 50)).map(m => m.id)).toEqual(['a'])
      expect(await store.claimIdleSweep(1000)).toBe(true)
    })

    it('undoing an add takes the member out and frees its name', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.undoAddMember('lobby', 'a')
      expect(await store.listMembers('lobby')).toEqual([])
      expect(await store.addMember(member('b', 'Ada'), 100)).toBe('added')
    })

    it('deletes a room only when it has no members', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect(await store.deleteRoomIfEmpty('lobby')).toBe(false)
      await store.removeMember('lobby', 'a')
      expect(await store.deleteRoomIfEmpty('lobby')).toBe(true)
      expect(await store.getRoom('lobby')).toBeUndefined()
      expect(await store.recentMessages('lobby', 10)).toEqual([])
    })
  })
}
