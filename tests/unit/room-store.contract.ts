import { describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { MAX_BANS_PER_ROOM } from '../../server/rooms/bans'
import { SEAT_TOKENS } from '../../server/rooms/types'
import type { MemberRecord, PrivateSeat, RoomEvent, RoomStore } from '../../server/rooms/types'

/**
 * What every RoomStore must do. The memory store runs it now; a Redis store
 * runs the same suite against a real redis-server.
 */
export function describeRoomStore(name: string, createStore: (historyLimit: number) => Promise<RoomStore> | RoomStore) {
  const room = { id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }
  const member = (id: string, name: string): MemberRecord => ({
    id, roomId: 'lobby', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1,
  })

  describe(`${name}: the RoomStore contract`, () => {
    it('creates a room once; a second creator gets the first one', async () => {
      const store = await createStore(10)
      expect(await store.ensureRoom(room, 100)).toEqual({ room, created: true })
      const second = await store.ensureRoom({ ...room, passwordHash: 'other', createdAt: 2, title: 'Another', visibility: 'public' as const, ownerId: 'other' }, 100)
      expect(second).toEqual({ room, created: false })
      expect(await store.listRoomIds()).toEqual(['lobby'])
    })

    it('keeps a room\'s title, visibility and owner, and getRoom gives them back', async () => {
      const store = await createStore(10)
      const listed = { id: 'kitchen', passwordHash: null, createdAt: 5, title: 'Kitchen talk 🍳', visibility: 'public' as const, ownerId: 'm-1' }
      await store.ensureRoom(listed, 100)
      await store.ensureRoom(room, 100)
      expect(await store.getRoom('kitchen')).toEqual(listed)
      expect(await store.getRoom('lobby')).toEqual(room)
      expect(await store.getRoom('nowhere')).toBeUndefined()
    })

    it('renames an existing room only', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      expect(await store.setTitle('lobby', 'The lobby')).toBe(true)
      expect(await store.getRoom('lobby')).toEqual({ ...room, title: 'The lobby' })
      expect(await store.setTitle('nowhere', 'Ghost town')).toBe(false)
      expect(await store.getRoom('nowhere')).toBeUndefined()
    })

    it('an encrypted room changes its password one key generation at a time; another room does not (rule: rekeyedRecord)', async () => {
      const store = await createStore(10)
      const sealedRoom = { ...room, id: 'sealed', passwordHash: 'hash-1', e2eeSalt: 'salt-one' }
      await store.ensureRoom(sealedRoom, 100)
      await store.ensureRoom({ ...room, passwordHash: 'plain-hash' }, 100)
      expect(await store.rekeyRoom('sealed', { passwordHash: 'hash-3', e2eeSalt: 'salt-three', generation: 3 })).toBe(false)
      expect(await store.rekeyRoom('sealed', { passwordHash: 'hash-2', e2eeSalt: 'salt-two', generation: 2 })).toBe(true)
      expect(await store.getRoom('sealed')).toEqual({ ...sealedRoom, passwordHash: 'hash-2', e2eeSalt: 'salt-two', e2eeGeneration: 2 })
      // A second change from generation 1 came too late.
      expect(await store.rekeyRoom('sealed', { passwordHash: 'hash-x', e2eeSalt: 'salt-x', generation: 2 })).toBe(false)
      expect(await store.getRoom('sealed')).toMatchObject({ passwordHash: 'hash-2', e2eeGeneration: 2 })
      expect(await store.rekeyRoom('lobby', { passwordHash: 'hash-2', e2eeSalt: 'salt-two', generation: 2 })).toBe(false)
      expect(await store.getRoom('lobby')).toEqual({ ...room, passwordHash: 'plain-hash' })
      expect(await store.rekeyRoom('nowhere', { passwordHash: 'hash-2', e2eeSalt: 'salt-two', generation: 2 })).toBe(false)
      expect(await store.getRoom('nowhere')).toBeUndefined()
    })

    it('a kick removes the member and bans its token, seat and browser, not its network, from that room until the given time (rule: banKeysOf)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.ensureRoom({ ...room, id: 'other' }, 100)
      await store.addMember({ ...member('a', 'Ada'), addressHash: 'net-a', browserHash: 'browser-a' }, 100)
      await store.addMember(member('b', 'Bob'), 100)
      expect(await store.kickMember('lobby', 'a', 5000, 1000)).toMatchObject({ id: 'a', name: 'Ada' })
      expect((await store.listMembers('lobby')).map(m => m.id)).toEqual(['b'])
      expect(await store.findMemberByTokenHash('lobby', 'hash-a')).toBeUndefined()
      expect(await store.bannedUntil('lobby', ['t:hash-a'], 1000)).toBe(5000)
      expect(await store.bannedUntil('lobby', ['m:a'], 1000)).toBe(5000)
      expect(await store.bannedUntil('lobby', ['t:someone-else', 'b:browser-a'], 4999)).toBe(5000)
      expect(await store.bannedUntil('lobby', ['t:hash-a', 'b:browser-a'], 5000)).toBe(0)
      // Someone else on the same network, in another browser, is not banned by a plain removal.
      expect(await store.bannedUntil('lobby', ['b:browser-other', 'n:net-a'], 1000)).toBe(0)
      expect(await store.bannedUntil('lobby', [], 1000)).toBe(0)
      expect(await store.bannedUntil('lobby', ['t:hash-b', 'b:browser-b'], 1000)).toBe(0)
      expect(await store.bannedUntil('other', ['t:hash-a', 'b:browser-a'], 1000)).toBe(0)
      // A member that is gone is not kicked, and nothing is banned.
      expect(await store.kickMember('lobby', 'a', 9000, 1000)).toBeUndefined()
      expect(await store.bannedUntil('lobby', ['t:hash-a'], 6000)).toBe(0)
      expect(await store.addMember(member('c', 'Ada'), 100)).toBe('added')
    })

    it('a kick that blocks the network bans the network it joined from too (rule: banKeysOf)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember({ ...member('a', 'Ada'), addressHash: 'net-a', browserHash: 'browser-a' }, 100)
      expect(await store.kickMember('lobby', 'a', 5000, 1000, true)).toMatchObject({ id: 'a' })
      expect(await store.bannedUntil('lobby', ['n:net-a'], 1000)).toBe(5000)
      expect(await store.bannedUntil('lobby', ['b:browser-a'], 1000)).toBe(5000)
      expect(await store.bannedUntil('lobby', ['n:net-b'], 1000)).toBe(0)
    })

    it('keeps at most MAX_BANS_PER_ROOM bans, dropping those that ended first, then those ending soonest (rule: addBans)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      // Each kick bans a token and a seat: two bans.
      const kicks = MAX_BANS_PER_ROOM / 2 + 1
      for (let i = 0; i < kicks; i++) {
        await store.addMember(member(`m${i}`, `M${i}`), 10_000)
        await store.kickMember('lobby', `m${i}`, 10_000 + i, 1000)
      }
      // The first kick's two bans ended soonest: they made room for the last one's.
      expect(await store.bannedUntil('lobby', ['t:hash-m0', 'm:m0'], 1000)).toBe(0)
      expect(await store.bannedUntil('lobby', ['m:m1'], 1000)).toBe(10_001)
      expect(await store.bannedUntil('lobby', ['t:hash-m' + (kicks - 1)], 1000)).toBe(10_000 + kicks - 1)
    })

    it('opens one private room per pair of an origin room, adding each new token to its seat, the newest SEAT_TOKENS kept (rule: pairKeyOf, withSeatTokens)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      const privateRoom = (id: string, first: string, second: string, tokens: [string, string]) => ({
        id, passwordHash: null, createdAt: 2, title: 'A & B', visibility: 'unlisted' as const, ownerId: '',
        private: { originRoomId: 'lobby', seats: [
          { memberId: first, name: first.toUpperCase(), tokenHashes: [tokens[0]] },
          { memberId: second, name: second.toUpperCase(), tokenHashes: [tokens[1]] },
        ] as [PrivateSeat, PrivateSeat] },
      })
      const opened = await store.openPrivateRoom(privateRoom('dm-1', 'a', 'b', ['a1', 'b1']), 100)
      expect(opened).toEqual({ room: privateRoom('dm-1', 'a', 'b', ['a1', 'b1']), created: true })
      // The other way round, with a candidate of its own: the same room, the new tokens added.
      const again = await store.openPrivateRoom(privateRoom('dm-2', 'b', 'a', ['b2', 'a2']), 100)
      expect(again).toMatchObject({ created: false, room: { id: 'dm-1' } })
      expect(await store.getRoom('dm-2')).toBeUndefined()
      const seats = (await store.getRoom('dm-1'))!.private!.seats
      expect(seats.map(seat => [seat.memberId, seat.tokenHashes])).toEqual([['a', ['a1', 'a2']], ['b', ['b1', 'b2']]])
      for (let i = 3; i <= SEAT_TOKENS + 3; i++) await store.openPrivateRoom(privateRoom(`dm-${i}`, 'a', 'b', [`a${i}`, `b${i}`]), 100)
      const kept = (await store.getRoom('dm-1'))!.private!.seats[0].tokenHashes
      expect(kept).toHaveLength(SEAT_TOKENS)
      expect(kept.at(-1)).toBe(`a${SEAT_TOKENS + 3}`)
      expect(kept).not.toContain('a1')
      // Another pair gets a room of its own; past the room cap, none.
      expect(await store.openPrivateRoom(privateRoom('dm-c', 'a', 'c', ['a', 'c']), 100)).toMatchObject({ created: true, room: { id: 'dm-c' } })
      expect(await store.openPrivateRoom(privateRoom('dm-d', 'a', 'd', ['a', 'd']), 3)).toBe('server-full')
      expect((await store.listRoomIds()).sort()).toEqual(['dm-1', 'dm-c', 'lobby'])
    })

    it('refuses to add a member id that is in the room already, under any name, and changes nothing (rule: isNameFree)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      expect(await store.addMember(member('a', 'Ada'), 100)).toBe('added')
      expect(await store.addMember({ ...member('a', 'Someone else'), tokenHash: 'hash-other' }, 100)).toBe('name-taken')
      expect(await store.listMembers('lobby')).toMatchObject([{ id: 'a', name: 'Ada', tokenHash: 'hash-a' }])
      expect(await store.findMemberByTokenHash('lobby', 'hash-other')).toBeUndefined()
    })

    it('keeps names unique per room, case-insensitive, and frees a name on removal (rule: isNameFree)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      expect(await store.addMember(member('a', 'Ada'), 100)).toBe('added')
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('name-taken')
      await store.removeMember('lobby', 'a')
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('added')
      expect((await store.listMembers('lobby')).map(m => m.name)).toEqual(['ADA'])
    })

    it('refuses a name that looks like a member\'s: another script, another case, fullwidth, decomposed, capital I for l (rule: nameKeys)', async () => {
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

    it('a member holds its name however long it has been silent or offline: a newcomer gets name-taken, the holder and its token stay (rule: isNameFree)', async () => {
      const store = await createStore(10)
      const events: Array<[string, RoomEvent]> = []
      store.onEvent((roomId, event) => events.push([roomId, event]))
      await store.ensureRoom(room, 100)
      await store.subscribe('lobby')
      await store.addMember({ ...member('old', 'Ada'), lastSeenAt: 100 }, 100)
      for (const name of ['Ada', 'ada', 'ADA', '\u0410da']) {
        expect(await store.addMember({ ...member('new', name), lastSeenAt: 10 ** 12 }, 100)).toBe('name-taken')
      }
      expect(await store.findMemberByTokenHash('lobby', 'hash-old')).toMatchObject({ id: 'old', name: 'Ada' })
      expect((await store.listMembers('lobby')).map(m => m.id)).toEqual(['old'])
      // Offline members count towards the room's cap.
      expect(await store.addMember({ ...member('new', 'Bob'), lastSeenAt: 10 ** 12 }, 1)).toBe('room-full')
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(events.filter(([, event]) => event.kind === 'left')).toEqual([])
      await store.removeMember('lobby', 'old')
      expect(await store.addMember(member('ada2', 'Ada'), 100)).toBe('added')
    })

    it('a replaced token finds the member, the old one nobody; the member keeps its id, name and state', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect(await store.replaceToken('lobby', 'a', 'hash-new')).toMatchObject({ id: 'a', name: 'Ada', tokenHash: 'hash-new' })
      expect(await store.findMemberByTokenHash('lobby', 'hash-a')).toBeUndefined()
      expect(await store.findMemberByTokenHash('lobby', 'hash-new')).toMatchObject({ id: 'a', name: 'Ada' })
      expect(await store.replaceToken('lobby', 'nobody', 'hash-x')).toBeUndefined()
      expect(await store.findMemberByTokenHash('lobby', 'hash-x')).toBeUndefined()
      // Its name stays held, and a removal takes the new token with it.
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('name-taken')
      await store.removeMember('lobby', 'a')
      expect(await store.findMemberByTokenHash('lobby', 'hash-new')).toBeUndefined()
      expect(await store.addMember(member('b', 'ADA'), 100)).toBe('added')
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

    it('brings members\' last-seen forward in one write, never back, and skips members no longer held', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      for (const [id, name] of [['a', 'Ada'], ['b', 'Bob'], ['c', 'Cy']]) await store.addMember(member(id!, name!), 100)
      await store.touchMember('lobby', 'c', 500)
      await store.touchMembers('lobby', ['a', 'c', 'gone'], 300)
      const seen = Object.fromEntries((await store.listMembers('lobby')).map(m => [m.id, m.lastSeenAt]))
      expect(seen).toEqual({ a: 300, b: 1, c: 500 })
      expect((await store.listMembersSeenBefore('lobby', 400)).map(m => m.id).sort()).toEqual(['a', 'b'])
      expect(await store.countMembers('lobby')).toBe(3)
      expect(await store.countMembers('nowhere')).toBe(0)
    })

    it('lists as never heard only the members who joined before the cutoff and never pinged since', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember({ ...member('b', 'Bob'), joinedAt: 40, lastSeenAt: 40 }, 100)
      await store.addMember({ ...member('c', 'Cy'), joinedAt: 5, lastSeenAt: 5 }, 100)
      await store.addMember({ ...member('d', 'Dee'), joinedAt: 6, lastSeenAt: 6 }, 100)
      await store.touchMember('lobby', 'c', 20)
      // The join's own check that the member exists is not a ping.
      await store.touchMember('lobby', 'b', 40)
      // A flush alone (its first ping's write lost) still counts as heard.
      await store.touchMembers('lobby', ['d'], 21)
      await store.removeMember('lobby', 'a')
      expect((await store.listNeverPingedBefore('lobby', 30)).map(m => m.id)).toEqual([])
      expect((await store.listNeverPingedBefore('lobby', 50)).map(m => m.id)).toEqual(['b'])
      await store.addMember({ ...member('e', 'Eve'), joinedAt: 7, lastSeenAt: 7 }, 100)
      expect((await store.listNeverPingedBefore('lobby', 50)).map(m => m.id).sort()).toEqual(['b', 'e'])
    })

    it('touch returns the member as it was before', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      expect(await store.touchMember('lobby', 'a', 50)).toMatchObject({ lastSeenAt: 1 })
      expect(await store.touchMember('lobby', 'a', 40)).toMatchObject({ lastSeenAt: 50 })
      expect((await store.listMembers('lobby'))[0]).toMatchObject({ lastSeenAt: 50 })
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
      // With a limit, the newest of them: a resume is one page.
      expect((await store.messagesAfter('lobby', 2, 2))?.map(m => m.seq)).toEqual([4, 5])
      expect((await store.messagesAfter('lobby', 4, 2))?.map(m => m.seq)).toEqual([5])
      expect(await store.messagesAfter('lobby', 1, 2)).toBeUndefined()
    })

    async function roomWithMessages(historyLimit: number, count: number) {
      const store = await createStore(historyLimit)
      await store.ensureRoom(room, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember(member('b', 'Bob'), 100)
      for (let i = 1; i <= count; i++) {
        await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: `t${i}`, at: i })
      }
      return store
    }

    it('pages back through history from a seq: no gap, no duplicate, hasMore false at the oldest held', async () => {
      const store = await roomWithMessages(7, 10)
      // Held: seqs 4-10. The newest 3 are what a join gave.
      const joined = (await store.recentMessages('lobby', 3)).map(m => m.seq)
      expect(joined).toEqual([8, 9, 10])
      const first = await store.messagesBefore('lobby', 8, 3)
      expect({ seqs: first.messages.map(m => m.seq), hasMore: first.hasMore }).toEqual({ seqs: [5, 6, 7], hasMore: true })
      const second = await store.messagesBefore('lobby', 5, 3)
      expect({ seqs: second.messages.map(m => m.seq), hasMore: second.hasMore }).toEqual({ seqs: [4], hasMore: false })
      const exact = await store.messagesBefore('lobby', 7, 3)
      expect({ seqs: exact.messages.map(m => m.seq), hasMore: exact.hasMore }).toEqual({ seqs: [4, 5, 6], hasMore: false })
      expect(await store.messagesBefore('lobby', 4, 3)).toEqual({ messages: [], hasMore: false })
      expect((await store.messagesBefore('lobby', 99, 2)).messages.map(m => m.seq)).toEqual([9, 10])
      expect(await store.messagesBefore('nowhere', 5, 3)).toEqual({ messages: [], hasMore: false })
    })

    it('toggles reactions per member, publishes them, keeps them in history, and bounds distinct emoji (rule: withReactionToggled)', async () => {
      const store = await roomWithMessages(10, 2)
      const events: RoomEvent[] = []
      store.onEvent((_, event) => events.push(event))
      await store.subscribe('lobby')
      expect(await store.toggleReaction('lobby', 'm1', 'a', '👍')).toMatchObject({ id: 'm1', reactions: { '👍': ['a'] } })
      expect(await store.toggleReaction('lobby', 'm1', 'b', '👍')).toMatchObject({ reactions: { '👍': ['a', 'b'] } })
      expect(await store.toggleReaction('lobby', 'm1', 'a', '👍')).toMatchObject({ reactions: { '👍': ['b'] } })
      const last = await store.toggleReaction('lobby', 'm1', 'b', '👍')
      expect(last).not.toHaveProperty('reactions')
      await store.toggleReaction('lobby', 'm2', 'b', '👨‍👩‍👧')
      await vi.waitFor(() => expect(events.filter(e => e.kind === 'reaction')).toHaveLength(5))
      // Each event is the change, not the message's set.
      expect(events.filter(e => e.kind === 'reaction')).toEqual([
        { kind: 'reaction', id: 'm1', emoji: '👍', memberId: 'a', on: true },
        { kind: 'reaction', id: 'm1', emoji: '👍', memberId: 'b', on: true },
        { kind: 'reaction', id: 'm1', emoji: '👍', memberId: 'a', on: false },
        { kind: 'reaction', id: 'm1', emoji: '👍', memberId: 'b', on: false },
        { kind: 'reaction', id: 'm2', emoji: '👨‍👩‍👧', memberId: 'b', on: true },
      ])
      const history = await store.recentMessages('lobby', 10)
      expect(history.map(m => m.reactions)).toEqual([undefined, { '👨‍👩‍👧': ['b'] }])
      expect(history.map(m => m.text)).toEqual(['t1', 't2'])
      const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗']
      for (const e of emoji.slice(0, LIMITS.reactionsPerMessage)) expect(await store.toggleReaction('lobby', 'm1', 'a', e)).toHaveProperty('id', 'm1')
      expect(await store.toggleReaction('lobby', 'm1', 'b', emoji[LIMITS.reactionsPerMessage]!)).toBe('too-many-reactions')
      // An emoji already there can still be added to.
      expect(await store.toggleReaction('lobby', 'm1', 'b', emoji[0]!)).toMatchObject({ reactions: { [emoji[0]!]: ['a', 'b'] } })
      expect(await store.toggleReaction('lobby', 'nope', 'a', '👍')).toBe('not-found')
    })

    it('edits and deletes for the author only; a tombstone keeps its place without text or reactions (rule: withTextEdited, asTombstone)', async () => {
      const store = await roomWithMessages(10, 3)
      const events: RoomEvent[] = []
      store.onEvent((_, event) => events.push(event))
      await store.subscribe('lobby')
      expect(await store.editMessage('lobby', 'm2', 'b', 'not mine', 5)).toBe('forbidden')
      expect(await store.deleteMessage('lobby', 'm2', 'b')).toBe('forbidden')
      expect(await store.editMessage('lobby', 'm2', 'a', 'fixed "quote" é', 5)).toMatchObject({ id: 'm2', seq: 2, text: 'fixed "quote" é', editedAt: 5 })
      await store.toggleReaction('lobby', 'm3', 'b', '🎉')
      expect(await store.deleteMessage('lobby', 'm3', 'a')).toEqual({ type: 'chat', seq: 3, id: 'm3', roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: '', at: 3, deleted: true })
      expect(await store.editMessage('lobby', 'm3', 'a', 'back', 6)).toBe('not-found')
      expect(await store.deleteMessage('lobby', 'm3', 'a')).toBe('not-found')
      expect(await store.toggleReaction('lobby', 'm3', 'b', '🎉')).toBe('not-found')
      expect(await store.editMessage('lobby', 'nope', 'a', 'x', 6)).toBe('not-found')
      await vi.waitFor(() => expect(events).toHaveLength(3))
      expect(events).toEqual([
        { kind: 'edited', id: 'm2', text: 'fixed "quote" é', editedAt: 5 },
        { kind: 'reaction', id: 'm3', emoji: '🎉', memberId: 'b', on: true },
        { kind: 'deleted', id: 'm3' },
      ])
      const history = await store.recentMessages('lobby', 10)
      expect(history.map(m => [m.seq, m.text, m.deleted ?? false])).toEqual([[1, 't1', false], [2, 'fixed "quote" é', false], [3, '', true]])
      expect(await store.findMessage('lobby', 'm2')).toMatchObject({ text: 'fixed "quote" é', editedAt: 5 })
      expect(await store.findMessage('lobby', 'm1')).toMatchObject({ id: 'm1', text: 't1', from: { id: 'a' } })
      expect(await store.findMessage('lobby', 'nope')).toBeUndefined()
      // History stays consecutive after changes: paging and resuming still line up.
      expect((await store.messagesBefore('lobby', 3, 5)).messages.map(m => m.seq)).toEqual([1, 2])
      expect((await store.messagesAfter('lobby', 1))?.map(m => m.seq)).toEqual([2, 3])
    })

    it('the owner may delete any message, and its tombstone says so; anyone else only their own (rule: asTombstone)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('owner', 'Olga'), 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember(member('b', 'Bob'), 100)
      await store.appendMessage({ type: 'chat', id: 'm1', roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: 'spam', at: 1, clientId: 'c1' })
      await store.appendMessage({ type: 'chat', id: 'm2', roomId: 'lobby', from: { id: 'owner', name: 'Olga' }, text: 'mine', at: 2 })
      const events: RoomEvent[] = []
      store.onEvent((_, event) => events.push(event))
      await store.subscribe('lobby')
      expect(await store.deleteMessage('lobby', 'm1', 'b')).toBe('forbidden')
      expect(await store.deleteMessage('lobby', 'm2', 'a')).toBe('forbidden')
      expect(await store.editMessage('lobby', 'm1', 'owner', 'rewritten', 5)).toBe('forbidden')
      expect(await store.deleteMessage('lobby', 'm1', 'owner')).toEqual({ type: 'chat', seq: 1, id: 'm1', roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text: '', at: 1, clientId: 'c1', deleted: true, deletedBy: 'owner' })
      expect(await store.deleteMessage('lobby', 'm2', 'owner')).toEqual({ type: 'chat', seq: 2, id: 'm2', roomId: 'lobby', from: { id: 'owner', name: 'Olga' }, text: '', at: 2, deleted: true })
      await vi.waitFor(() => expect(events).toHaveLength(2))
      expect(events).toEqual([{ kind: 'deleted', id: 'm1', deletedBy: 'owner' }, { kind: 'deleted', id: 'm2' }])
      // A room without an owner ('') lets nobody delete another's message.
      await store.ensureRoom({ ...room, id: 'ownerless', ownerId: '' }, 100)
      await store.addMember({ ...member('x', 'Xia'), roomId: 'ownerless' }, 100)
      await store.addMember({ ...member('y', 'Yan'), roomId: 'ownerless' }, 100)
      await store.appendMessage({ type: 'chat', id: 'm3', roomId: 'ownerless', from: { id: 'x', name: 'Xia' }, text: 'hi', at: 3 })
      expect(await store.deleteMessage('ownerless', 'm3', 'y')).toBe('forbidden')
      expect(await store.deleteMessage('ownerless', 'm3', '')).toBe('forbidden')
    })

    it('a delete or an edit leaves no old words in the dedupe window: a resend of the clientId gets the tombstone or the new text (rule: changedWords)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('owner', 'Olga'), 100)
      await store.addMember(member('a', 'Ada'), 100)
      const send = (id: string, clientId: string, text: string) => store.appendMessage({ type: 'chat', id, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text, at: 1, clientId })
      await send('m1', 'c1', 'card 4111 secret')
      await send('m2', 'c2', 'typo secret')
      await send('m3', 'c3', 'spam secret')
      await store.deleteMessage('lobby', 'm1', 'a')
      await store.editMessage('lobby', 'm2', 'a', 'fixed', 5)
      await store.deleteMessage('lobby', 'm3', 'owner')
      const resent = [await send('x1', 'c1', 'card 4111 secret'), await send('x2', 'c2', 'typo secret'), await send('x3', 'c3', 'spam secret')]
      expect(resent).toEqual([
        { duplicate: true, message: expect.objectContaining({ id: 'm1', text: '', deleted: true }) },
        { duplicate: true, message: expect.objectContaining({ id: 'm2', text: 'fixed', editedAt: 5 }) },
        { duplicate: true, message: expect.objectContaining({ id: 'm3', text: '', deleted: true, deletedBy: 'owner' }) },
      ])
      expect(JSON.stringify(resent)).not.toContain('secret')
      expect(JSON.stringify(await store.recentMessages('lobby', 10))).not.toContain('secret')
    })

    it('a reply\'s quote follows the quoted words: an edit gives it the new excerpt, a delete leaves none in the reply or its dedupe copy (rule: withQuoteOf)', async () => {
      const store = await createStore(10)
      await store.ensureRoom(room, 100)
      await store.addMember(member('owner', 'Olga'), 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.addMember(member('b', 'Bob'), 100)
      const ada = { id: 'a', name: 'Ada' }
      await store.appendMessage({ type: 'chat', id: 'q1', roomId: 'lobby', from: ada, text: 'typo secret', at: 1 })
      await store.appendMessage({ type: 'chat', id: 'q2', roomId: 'lobby', from: ada, text: 'card 4111 secret', at: 2 })
      const reply = (id: string, clientId: string, quoted: string, excerpt: string) => store.appendMessage({ type: 'chat', id, roomId: 'lobby', from: { id: 'b', name: 'Bob' }, text: `re ${id}`, at: 3, clientId, replyTo: { id: quoted, from: ada, excerpt } })
      await reply('r1', 'c1', 'q1', 'typo secret')
      await reply('r2', 'c2', 'q2', 'card 4111 secret')
      await reply('r3', 'c3', 'q2', 'card 4111 secret')
      await store.editMessage('lobby', 'q1', 'a', 'fixed', 5)
      await store.deleteMessage('lobby', 'q2', 'a')
      const byId = new Map((await store.recentMessages('lobby', 10)).map(message => [message.id, message]))
      expect(byId.get('r1')!.replyTo).toEqual({ id: 'q1', from: ada, excerpt: 'fixed' })
      expect(byId.get('r2')!.replyTo).toEqual({ id: 'q2', from: ada, excerpt: '', deleted: true })
      expect(byId.get('r3')!.replyTo).toEqual({ id: 'q2', from: ada, excerpt: '', deleted: true })
      const resent = await reply('x1', 'c2', 'q2', 'ignored')
      expect(resent).toMatchObject({ duplicate: true, message: { id: 'r2', replyTo: { excerpt: '', deleted: true } } })
      expect(JSON.stringify(await store.recentMessages('lobby', 10))).not.toContain('secret')
      expect(JSON.stringify(resent)).not.toContain('secret')
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
      expect((await store.listMembersSeenBefore('lobby', 50)).map(m => m.id)).toEqual(['a'])
      expect((await store.listMembersSeenBefore('lobby', 200)).map(m => m.id).sort()).toEqual(['a', 'b'])
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
