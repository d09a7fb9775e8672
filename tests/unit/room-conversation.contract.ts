import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomHubOptions } from '../../server/rooms/hub-options'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/**
 * The conversation frames (typing, history pages, replies, reactions, edits,
 * deletes) through the hub, whatever store holds the rooms: the memory store
 * and the Redis store run this same suite, in real time.
 */
export function describeRoomConversation(name: string, createStore: () => Promise<RoomStore>) {
  describe(`${name}: the conversation frames`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function createHub(options: Partial<RoomHubOptions> = {}) {
      const hub = new RoomHub({ store: await createStore(), heartbeatWindowMs: 400, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {}, ...options })
      hub.start()
      hubs.push(hub)
      return hub
    }

    async function join(hub: RoomHub, roomId: string, name: string) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    const send = (hub: RoomHub, conn: FakeConnection, frame: object) => hub.receive(conn, JSON.stringify(frame))

    async function post(hub: RoomHub, from: Awaited<ReturnType<typeof join>>, text: string, extra: object = {}) {
      const before = from.conn.of('chat').length
      send(hub, from.conn, { type: 'chat', text, ...extra })
      return from.conn.waitFor('chat', before + 1)
    }

    it('typing reaches the others, never the typist, merges starts within 250 ms, and a stop clears it', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'typing', 'Ada')
      const bob = await join(hub, 'typing', 'Bob')
      const cy = await join(hub, 'typing', 'Cy')
      const adaId = ada.joined.you.id
      const bobId = bob.joined.you.id
      send(hub, ada.conn, { type: 'typing' })
      expect(await cy.conn.waitFor('typing')).toEqual({ type: 'typing', roomId: 'typing', ids: [adaId] })
      send(hub, bob.conn, { type: 'typing' })
      expect(await cy.conn.waitFor('typing', 2)).toEqual({ type: 'typing', roomId: 'typing', ids: [adaId, bobId] })
      // The typist is never told of itself: Ada hears of Bob, Bob of Ada.
      await vi.waitFor(() => expect(ada.conn.of('typing').at(-1)).toEqual({ type: 'typing', roomId: 'typing', ids: [bobId] }))
      expect(ada.conn.of('typing').every(frame => !frame.ids.includes(adaId))).toBe(true)
      expect(bob.conn.of('typing').every(frame => !frame.ids.includes(bobId))).toBe(true)
      // A client sending typing as fast as it may adds no frames while nothing changes.
      const framesBefore = cy.conn.of('typing').length
      for (let i = 0; i < 5; i++) send(hub, ada.conn, { type: 'typing' })
      send(hub, bob.conn, { type: 'typing', stop: true })
      expect(await cy.conn.waitFor('typing', framesBefore + 1)).toEqual({ type: 'typing', roomId: 'typing', ids: [adaId] })
      // Posting stops typing too.
      await post(hub, ada, 'done')
      await vi.waitFor(() => expect(cy.conn.of('typing').at(-1)).toEqual({ type: 'typing', roomId: 'typing', ids: [] }))
      await new Promise(resolve => setTimeout(resolve, LIMITS.typingMergeMs + 100))
      expect(cy.conn.of('typing')).toHaveLength(framesBefore + 2)
    })

    it('typing within 250 ms of the last typing frame waits and goes out merged', async () => {
      const hub = await createHub()
      const watcher = await join(hub, 'merge', 'Watcher')
      const typists = await Promise.all(['A', 'B', 'C', 'D'].map(n => join(hub, 'merge', n)))
      const start = Date.now()
      for (const typist of typists) send(hub, typist.conn, { type: 'typing' })
      await vi.waitFor(() => expect(watcher.conn.of('typing').at(-1)?.ids).toHaveLength(4))
      // The first at once, the other three together once the 250 ms are up.
      expect(watcher.conn.of('typing').map(frame => frame.ids.length)).toEqual([1, 4])
      expect(Date.now() - start).toBeGreaterThanOrEqual(LIMITS.typingMergeMs - 20)
    })

    it('pages back through history from the oldest joined message: no gap, no duplicate, hasMore false at the start', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'pages', 'Ada')
      const from = { id: ada.joined.you.id, name: 'Ada' }
      for (let i = 1; i <= 130; i++) await hub.store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'pages', from, text: `t${i}`, at: i })
      const bob = await join(hub, 'pages', 'Bob')
      const seen = bob.joined.history.map(m => m.seq)
      expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => 81 + i))
      send(hub, bob.conn, { type: 'history', before: seen[0] })
      const first = await bob.conn.waitFor('history')
      expect(first).toMatchObject({ roomId: 'pages', hasMore: true })
      expect(first.messages.map(m => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 31 + i))
      send(hub, bob.conn, { type: 'history', before: 31, limit: 100 })
      const second = await bob.conn.waitFor('history', 2)
      expect(second.hasMore).toBe(false)
      expect(second.messages.map(m => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 1 + i))
      const all = [...second.messages, ...first.messages, ...bob.joined.history].map(m => m.seq)
      expect(all).toEqual(Array.from({ length: 130 }, (_, i) => 1 + i))
      send(hub, bob.conn, { type: 'history', before: 31, limit: 101 })
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
    })

    // As heavy in bytes as a message may be: 6 bytes of JSON per U+0001.
    const heavyText = (n: number) => `${n} ${'\u0001'.repeat(Math.floor((LIMITS.textMaxBytes - 12) / 6))}`

    async function heavyRoom(hub: RoomHub, roomId: string, count: number) {
      const ada = await join(hub, roomId, 'Ada')
      const from = { id: ada.joined.you.id, name: 'Ada' }
      for (let i = 1; i <= count; i++) {
        // A member that never pings is removed after twice the (short) window: a slow store must not lose Ada.
        if (i % 20 === 0) send(hub, ada.conn, { type: 'ping' })
        await hub.store.appendMessage({ type: 'chat', id: `m${i}`, roomId, from, text: heavyText(i), at: i })
      }
      return ada
    }

    it('a resume from seq 0 is one page, the newest, and says there is more; paging back from it leaves no gap', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'resume', 'Ada')
      const from = { id: ada.joined.you.id, name: 'Ada' }
      for (let i = 1; i <= 200; i++) {
        if (i % 20 === 0) send(hub, ada.conn, { type: 'ping' })
        await hub.store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'resume', from, text: `t${i}`, at: i })
      }
      const again = new FakeConnection()
      hub.open(again)
      send(hub, again, { type: 'join', roomId: 'resume', name: 'Ada', token: ada.joined.token, lastSeq: 0 })
      const resumed = await again.waitFor('joined')
      expect(resumed).toMatchObject({ recovered: true, hasMore: true })
      expect(resumed.history.map(m => m.seq)).toEqual(Array.from({ length: LIMITS.historyOnJoin }, (_, i) => 151 + i))
      send(hub, again, { type: 'history', before: 151, limit: 100 })
      expect((await again.waitFor('history')).messages.map(m => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 51 + i))
      // A resume that fits says nothing more.
      const third = new FakeConnection()
      hub.open(third)
      send(hub, third, { type: 'join', roomId: 'resume', name: 'Ada', token: ada.joined.token, lastSeq: 190 })
      const near = await third.waitFor('joined')
      expect(near.history.map(m => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 191 + i))
      expect(near.hasMore).toBeUndefined()
    })

    it('a history page and a join\'s history of heavy messages hold at most historyPageMaxBytes, the newest, and say there is more', async () => {
      const hub = await createHub()
      await heavyRoom(hub, 'heavy', 120)
      const bob = await join(hub, 'heavy', 'Bob')
      const joinedBytes = bob.joined.history.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0)
      expect(joinedBytes).toBeLessThanOrEqual(LIMITS.historyPageMaxBytes)
      expect(bob.joined.hasMore).toBe(true)
      expect(bob.joined.history.at(-1)?.seq).toBe(120)
      send(hub, bob.conn, { type: 'history', before: 121, limit: 100 })
      const page = await bob.conn.waitFor('history')
      expect(page.messages.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0)).toBeLessThanOrEqual(LIMITS.historyPageMaxBytes)
      expect(page.messages.length).toBeGreaterThan(10)
      expect(page.messages.length).toBeLessThan(100)
      expect(page.messages.at(-1)?.seq).toBe(120)
      expect(page.hasMore).toBe(true)
    })

    it('past its answer budget a socket gets RATE_LIMITED with retryAfterMs for history, and a join with no history that says there is more', async () => {
      const hub = await createHub({ answerBudget: { socketBytesPerSecond: 64 * 1024, socketBurstBytes: 300 * 1024, addressBytesPerSecond: 1024 * 1024, addressBurstBytes: 4 * 1024 * 1024 } })
      await heavyRoom(hub, 'budget', 120)
      const bob = await join(hub, 'budget', 'Bob')
      send(hub, bob.conn, { type: 'history', before: 121, limit: 100 })
      await bob.conn.waitFor('history')
      send(hub, bob.conn, { type: 'history', before: 121, limit: 100 })
      const refusal = await bob.conn.waitFor('error')
      expect(refusal.code).toBe('RATE_LIMITED')
      expect(refusal.retryAfterMs).toBeGreaterThan(1000)
      expect(bob.conn.of('history')).toHaveLength(1)
      // Every socket of one address draws on the address's budget too.
      const tight = await createHub({ answerBudget: { addressBytesPerSecond: 64 * 1024, addressBurstBytes: 200 * 1024 } })
      await heavyRoom(tight, 'shared', 120)
      const first = await join(tight, 'shared', 'Cy')
      expect(first.joined.history.length).toBeGreaterThan(0)
      const second = await join(tight, 'shared', 'Di')
      expect(second.joined).toMatchObject({ history: [], hasMore: true })
      send(tight, second.conn, { type: 'history', before: 121 })
      expect(await second.conn.waitFor('error')).toMatchObject({ code: 'RATE_LIMITED' })
    })

    it('a reply carries the id, sender and an excerpt of its message; a reply to an unknown id gets BAD_REQUEST', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'replies', 'Ada')
      const bob = await join(hub, 'replies', 'Bob')
      const long = 'x'.repeat(LIMITS.replyExcerptMaxLength + 50)
      const original = await post(hub, ada, long)
      const reply = await post(hub, bob, 'agreed', { replyTo: original.id })
      expect(reply.replyTo).toEqual({ id: original.id, from: { id: ada.joined.you.id, name: 'Ada' }, excerpt: `${'x'.repeat(LIMITS.replyExcerptMaxLength - 1)}…` })
      expect(await ada.conn.waitFor('chat', 2)).toEqual(reply)
      send(hub, bob.conn, { type: 'chat', text: 'to nothing', replyTo: 'no-such-id' })
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      expect(bob.conn.of('chat')).toHaveLength(2)
      const later = await join(hub, 'replies', 'Cy')
      expect(later.joined.history.at(-1)?.replyTo).toEqual(reply.replyTo)
    })

    it('reactions toggle per member, reach the room, show in history, and are bounded', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'reactions', 'Ada')
      const bob = await join(hub, 'reactions', 'Bob')
      const message = await post(hub, ada, 'react to me')
      send(hub, bob.conn, { type: 'react', id: message.id, emoji: '👍🏽' })
      expect(await ada.conn.waitFor('reaction')).toEqual({ type: 'reaction', roomId: 'reactions', id: message.id, emoji: '👍🏽', memberId: bob.joined.you.id, on: true })
      send(hub, ada.conn, { type: 'react', id: message.id, emoji: '👍🏽' })
      expect(await bob.conn.waitFor('reaction', 2)).toMatchObject({ emoji: '👍🏽', memberId: ada.joined.you.id, on: true })
      send(hub, bob.conn, { type: 'react', id: message.id, emoji: '👍🏽' })
      expect(await ada.conn.waitFor('reaction', 3)).toMatchObject({ emoji: '👍🏽', memberId: bob.joined.you.id, on: false })
      for (const emoji of ['ab', '👍👍', 'a', '']) {
        const errors = bob.conn.of('error').length
        send(hub, bob.conn, { type: 'react', id: message.id, emoji })
        expect(await bob.conn.waitFor('error', errors + 1)).toMatchObject({ code: 'BAD_REQUEST' })
      }
      send(hub, bob.conn, { type: 'react', id: 'no-such-id', emoji: '👍' })
      expect(await bob.conn.waitFor('error', 5)).toMatchObject({ code: 'BAD_REQUEST' })
      const later = await join(hub, 'reactions', 'Cy')
      expect(later.joined.history.at(-1)?.reactions).toEqual({ '👍🏽': [ada.joined.you.id] })
    })

    it('a toggle on a message with 1,000 reactions sends each socket the change, a frame of under 200 bytes', async () => {
      // Reacting 999 times takes the SQLite and Redis stores a few seconds: the members must not expire meanwhile.
      const hub = await createHub({ neverPingedMemberTtlMs: 60_000, heartbeatWindowMs: 30_000 })
      const ada = await join(hub, 'crowd', 'Ada')
      const bob = await join(hub, 'crowd', 'Bob')
      const message = await post(hub, ada, 'popular')
      // 999 others reacted already (held as the store holds them), then Bob makes it 1,000.
      const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂']
      // 50 at a time: Redis times out a command that waits behind hundreds.
      for (let start = 0; start < LIMITS.reactionEntriesPerMessage - 1; start += 50) {
        const ids = Array.from({ length: Math.min(50, LIMITS.reactionEntriesPerMessage - 1 - start) }, (_, i) => start + i)
        await Promise.all(ids.map(i => hub.store.toggleReaction('crowd', message.id, `member-${i}`, emoji[i % emoji.length]!)))
      }
      // The room heard each of those (through pub/sub in Redis, so perhaps not yet).
      const before = LIMITS.reactionEntriesPerMessage - 1
      await ada.conn.waitFor('reaction', before)
      send(hub, bob.conn, { type: 'react', id: message.id, emoji: emoji[0]! })
      const change = await ada.conn.waitFor('reaction', before + 1)
      expect(change).toMatchObject({ memberId: bob.joined.you.id, on: true })
      expect(Buffer.byteLength(JSON.stringify(change))).toBeLessThan(200)
      // The message now holds as many reactions as it may: one more is refused, and the room hears nothing.
      const cy = await join(hub, 'crowd', 'Cy')
      send(hub, cy.conn, { type: 'react', id: message.id, emoji: emoji[1]! })
      expect(await cy.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      expect(ada.conn.of('reaction')).toHaveLength(before + 1)
    })

    it('only the author edits or deletes: others get FORBIDDEN; the room sees edited and deleted, history the edit and a tombstone', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'edits', 'Ada')
      const bob = await join(hub, 'edits', 'Bob')
      const first = await post(hub, ada, 'teh first')
      const second = await post(hub, ada, 'oops')
      send(hub, bob.conn, { type: 'edit', id: first.id, text: 'hijacked' })
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      send(hub, bob.conn, { type: 'delete', id: first.id })
      expect(await bob.conn.waitFor('error', 2)).toMatchObject({ code: 'FORBIDDEN' })
      send(hub, ada.conn, { type: 'edit', id: first.id, text: 'the first' })
      const edited = await bob.conn.waitFor('edited')
      expect(edited).toMatchObject({ type: 'edited', roomId: 'edits', id: first.id, text: 'the first' })
      expect(edited.editedAt).toBeGreaterThanOrEqual(first.at)
      send(hub, ada.conn, { type: 'delete', id: second.id })
      expect(await bob.conn.waitFor('deleted')).toEqual({ type: 'deleted', roomId: 'edits', id: second.id })
      send(hub, ada.conn, { type: 'edit', id: second.id, text: 'back from the dead' })
      expect(await ada.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      const later = await join(hub, 'edits', 'Cy')
      expect(later.joined.history.map(m => [m.id, m.text, m.editedAt !== undefined, m.deleted ?? false])).toEqual([
        [first.id, 'the first', true, false],
        [second.id, '', false, true],
      ])
      expect(bob.conn.of('chat').map(m => m.text)).toEqual(['teh first', 'oops'])
    })

    it('each new frame before a join gets NOT_JOINED, and the socket stays usable', async () => {
      const hub = await createHub()
      const conn = new FakeConnection()
      hub.open(conn)
      const frames = [{ type: 'typing' }, { type: 'history', before: 5 }, { type: 'react', id: 'm', emoji: '👍' }, { type: 'edit', id: 'm', text: 'x' }, { type: 'delete', id: 'm' }]
      for (const frame of frames) send(hub, conn, frame)
      await conn.waitFor('error', frames.length)
      expect(conn.of('error').map(e => e.code)).toEqual(frames.map(() => 'NOT_JOINED'))
      send(hub, conn, { type: 'join', roomId: 'late', name: 'Ada', create: true })
      await conn.waitFor('joined')
    })
  })
}
