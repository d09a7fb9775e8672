import { afterEach, describe, expect, it } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import type { ChatMessage } from '../../shared/protocol'
import { messagePages } from '../../server/rooms/conversation/room-export'
import { RoomHub } from '../../server/rooms/room-hub'
import type { MemberRecord, RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/**
 * Finding and shaping a conversation (issue 23): search, the page around a
 * seq, pins and slow mode, on the store and through the hub, the same on
 * every store (memory, SQLite, Redis), in real time.
 */
export function describeConversationTools(name: string, createStore: () => Promise<RoomStore>) {
  const room = { id: 'finds', passwordHash: null, createdAt: 1, title: 'Finds', visibility: 'unlisted' as const, ownerId: 'a' }
  const member = (id: string, name: string): MemberRecord => ({ id, roomId: 'finds', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1 })
  const ada = { id: 'a', name: 'Ada' }

  async function roomWithAda() {
    const store = await createStore()
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    return store
  }

  async function postAll(store: RoomStore, texts: string[]) {
    for (const [i, text] of texts.entries()) await store.appendMessage({ type: 'chat', id: `m${i + 1}`, roomId: 'finds', from: ada, text, at: i + 1 })
  }

  const texts = (page: { messages: ChatMessage[] }) => page.messages.map(message => message.text)
  const search = (store: RoomStore, q: string, limit = 20, beforeSeq = Number.MAX_SAFE_INTEGER) => store.searchMessages('finds', { q, beforeSeq, limit })

  describe(`${name}: searching a room's messages`, () => {
    it('finds parts of words in any case, Chinese too, newest first, with their seq', async () => {
      const store = await roomWithAda()
      await postAll(store, ['The Kitchen is open', 'nothing here', 'kitchenette plans', '我们今天去吃火锅', '明天吃火锅吗'])
      const found = await search(store, 'KITCHEN')
      expect(texts(found)).toEqual(['kitchenette plans', 'The Kitchen is open'])
      expect(found.messages.map(message => message.seq)).toEqual([3, 1])
      expect(found.hasMore).toBe(false)
      expect(texts(await search(store, '今天去'))).toEqual(['我们今天去吃火锅'])
      expect(texts(await search(store, 'itchenet'))).toEqual(['kitchenette plans'])
      expect(texts(await search(store, 'absent words'))).toEqual([])
    })

    it('a query of one or two characters is found too, by the bounded scan', async () => {
      const store = await roomWithAda()
      await postAll(store, ['我们今天去吃火锅', 'no hotpot', '明天吃火锅吗', 'ok then', 'OK!'])
      expect(texts(await search(store, '火锅'))).toEqual(['明天吃火锅吗', '我们今天去吃火锅'])
      expect(texts(await search(store, 'ok'))).toEqual(['OK!', 'ok then'])
      expect(texts(await search(store, '!'))).toEqual(['OK!'])
    })

    it('pages back with before and limit, and says when older matches remain', async () => {
      const store = await roomWithAda()
      await postAll(store, Array.from({ length: 7 }, (_, i) => `match number ${i + 1}`))
      const first = await search(store, 'match', 3)
      expect(texts(first)).toEqual(['match number 7', 'match number 6', 'match number 5'])
      expect(first.hasMore).toBe(true)
      const second = await search(store, 'match', 3, first.messages.at(-1)!.seq)
      expect(texts(second)).toEqual(['match number 4', 'match number 3', 'match number 2'])
      expect(second.hasMore).toBe(true)
      const last = await search(store, 'match', 3, second.messages.at(-1)!.seq)
      expect(texts(last)).toEqual(['match number 1'])
      expect(last.hasMore).toBe(false)
    })

    it('a deleted message is never found, and an edit is found by its new words only', async () => {
      const store = await roomWithAda()
      await postAll(store, ['secret plan alpha', 'secret plan beta', 'draft words'])
      expect(await store.deleteMessage('finds', 'm1', 'a')).toMatchObject({ deleted: true })
      await store.editMessage('finds', 'm3', 'a', 'final wording', 9)
      expect(texts(await search(store, 'secret plan'))).toEqual(['secret plan beta'])
      expect(texts(await search(store, 'se'))).toEqual(['secret plan beta'])
      expect(texts(await search(store, 'draft'))).toEqual([])
      expect(texts(await search(store, 'final word'))).toEqual(['final wording'])
      expect((await search(store, 'final word')).messages[0]).toMatchObject({ id: 'm3', seq: 3, editedAt: 9 })
    })

    it('finds only the room\'s own messages', async () => {
      const store = await roomWithAda()
      await store.ensureRoom({ ...room, id: 'elsewhere' }, 100)
      await store.addMember({ ...member('b', 'Bob'), roomId: 'elsewhere' }, 100)
      await store.appendMessage({ type: 'chat', id: 'x1', roomId: 'elsewhere', from: { id: 'b', name: 'Bob' }, text: 'shared phrase', at: 1 })
      await postAll(store, ['a shared phrase here'])
      expect(texts(await search(store, 'shared phrase'))).toEqual(['a shared phrase here'])
      expect(texts(await store.searchMessages('elsewhere', { q: 'shared phrase', beforeSeq: Number.MAX_SAFE_INTEGER, limit: 5 }))).toEqual(['shared phrase'])
    })
  })

  describe(`${name}: search and the page around a seq, through the hub`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    let store: RoomStore

    async function hubWithRoom() {
      store = await createStore()
      const hub = new RoomHub({ store, heartbeatWindowMs: 400, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {} })
      hub.start()
      hubs.push(hub)
      return hub
    }

    // Straight into the store: more than the frame bucket lets one socket send at once.
    async function storeTexts(from: Awaited<ReturnType<typeof join>>, all: string[]) {
      for (const [i, text] of all.entries()) await store.appendMessage({ type: 'chat', id: `s${i}`, roomId: 'hubfinds', from: from.joined.you, text, at: Date.now() })
    }

    async function join(hub: RoomHub, name: string, roomId = 'hubfinds') {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    const send = (hub: RoomHub, conn: FakeConnection, frame: object) => hub.receive(conn, JSON.stringify(frame))

    async function postTexts(hub: RoomHub, conn: FakeConnection, all: string[]) {
      const before = conn.of('chat').length
      for (const text of all) send(hub, conn, { type: 'chat', text })
      await conn.waitFor('chat', before + all.length)
    }

    it('search answers the asker only, newest first, and refuses a sixth search within the burst with RATE_LIMITED', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      const bob = await join(hub, 'Bob')
      await postTexts(hub, ada.conn, ['lunch at noon?', 'sure', 'LUNCH moved to one'])
      send(hub, bob.conn, { type: 'search', q: '  lunch ' })
      const answer = await bob.conn.waitFor('searchResults')
      expect(answer).toMatchObject({ type: 'searchResults', roomId: 'hubfinds', q: 'lunch', hasMore: false })
      expect(answer.results.map(message => [message.seq, message.text])).toEqual([[3, 'LUNCH moved to one'], [1, 'lunch at noon?']])
      expect(ada.conn.of('searchResults')).toEqual([])
      for (let i = 0; i < LIMITS.searchBurst - 1; i++) send(hub, bob.conn, { type: 'search', q: 'sure' })
      await bob.conn.waitFor('searchResults', LIMITS.searchBurst)
      send(hub, bob.conn, { type: 'search', q: 'sure' })
      const refused = await bob.conn.waitFor('error')
      expect(refused).toMatchObject({ code: 'RATE_LIMITED' })
      expect(refused.retryAfterMs).toBeGreaterThan(0)
      expect(refused.retryAfterMs).toBeLessThanOrEqual(LIMITS.searchRefillMs)
    })

    it('history around a seq is the page centred on it, with hasMore and hasNewer', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      await storeTexts(ada, Array.from({ length: 30 }, (_, i) => `line ${i + 1}`))
      send(hub, ada.conn, { type: 'history', around: 12, limit: 5 })
      const page = await ada.conn.waitFor('history')
      expect(page.messages.map(message => message.seq)).toEqual([10, 11, 12, 13, 14])
      expect(page).toMatchObject({ around: 12, hasMore: true, hasNewer: true })
      send(hub, ada.conn, { type: 'history', around: 29, limit: 6 })
      const end = await ada.conn.waitFor('history', 2)
      expect(end.messages.map(message => message.seq)).toEqual([25, 26, 27, 28, 29, 30])
      expect(end).toMatchObject({ around: 29, hasMore: true, hasNewer: false })
      send(hub, ada.conn, { type: 'history', around: 2, limit: 5 })
      const start = await ada.conn.waitFor('history', 3)
      expect(start.messages.map(message => message.seq)).toEqual([1, 2, 3, 4])
      expect(start).toMatchObject({ hasMore: false, hasNewer: true })
    })

    it('the owner pins: the room hears the pins with what the bar shows, a member is FORBIDDEN, a deleted message leaves them, and a join carries them', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      const bob = await join(hub, 'Bob')
      await postTexts(hub, ada.conn, ['read the rules first'])
      const rules = ada.conn.of('chat')[0]!
      send(hub, bob.conn, { type: 'pin', id: rules.id, pinned: true })
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      send(hub, ada.conn, { type: 'pin', id: rules.id, pinned: true })
      const pins = await bob.conn.waitFor('pins')
      expect(pins).toEqual({ type: 'pins', roomId: 'hubfinds', ids: [rules.id], pinned: [{ id: rules.id, seq: rules.seq, from: rules.from, excerpt: 'read the rules first', at: rules.at }] })
      expect(await ada.conn.waitFor('pins')).toEqual(pins)
      const cy = await join(hub, 'Cy')
      expect(cy.joined).toMatchObject({ slowMode: 0, pins: [rules.id], pinned: pins.pinned })
      send(hub, ada.conn, { type: 'pin', id: 'no-such-message', pinned: true })
      expect(await ada.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      send(hub, ada.conn, { type: 'delete', id: rules.id })
      expect(await cy.conn.waitFor('pins')).toEqual({ type: 'pins', roomId: 'hubfinds', ids: [], pinned: [] })
      expect((await join(hub, 'Dee')).joined).toMatchObject({ pins: [], pinned: [] })
    })

    it('slow mode: the owner sets it, the room hears it, a member\'s second message within it gets SLOW_MODE with its clientId and is not stored, the owner is exempt', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      const bob = await join(hub, 'Bob')
      send(hub, bob.conn, { type: 'slowMode', seconds: 10 })
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      send(hub, ada.conn, { type: 'slowMode', seconds: 10 })
      expect(await bob.conn.waitFor('slowMode')).toEqual({ type: 'slowMode', roomId: 'hubfinds', seconds: 10 })
      expect((await join(hub, 'Cy')).joined).toMatchObject({ slowMode: 10 })
      send(hub, bob.conn, { type: 'chat', text: 'one', clientId: 'c1' })
      await ada.conn.waitFor('chat')
      send(hub, bob.conn, { type: 'chat', text: 'two', clientId: 'c2' })
      const refused = await bob.conn.waitFor('error', 2)
      expect(refused).toMatchObject({ code: 'SLOW_MODE', clientId: 'c2' })
      expect(refused.retryAfterMs).toBeGreaterThan(9000)
      expect(refused.retryAfterMs).toBeLessThanOrEqual(10_000)
      // A resend of the stored one is still acknowledged, not refused.
      send(hub, bob.conn, { type: 'chat', text: 'one', clientId: 'c1' })
      await bob.conn.waitFor('chat', 2)
      send(hub, ada.conn, { type: 'chat', text: 'owner a' })
      send(hub, ada.conn, { type: 'chat', text: 'owner b' })
      await bob.conn.waitFor('chat', 4)
      expect(bob.conn.of('chat').map(message => message.text)).toEqual(['one', 'one', 'owner a', 'owner b'])
      expect((await store.recentMessages('hubfinds', 10)).map(message => message.text)).toEqual(['one', 'owner a', 'owner b'])
    })
  })

  describe(`${name}: the export's pages`, () => {
    it('reads every held message once, oldest first, a page at a time', async () => {
      const store = await roomWithAda()
      await postAll(store, Array.from({ length: 130 }, (_, i) => `line ${i + 1}`))
      const pages: ChatMessage[][] = []
      for await (const page of messagePages(store, 'finds', 40)) pages.push(page)
      expect(pages.map(page => page.length)).toEqual([40, 40, 40, 10])
      expect(pages.flat().map(message => message.text)).toEqual(Array.from({ length: 130 }, (_, i) => `line ${i + 1}`))
    })
  })

  describe(`${name}: pins and slow mode on the store`, () => {
    it('rule: withPin adds at the end, keeps a pinned one in place, takes one out, and refuses an eleventh', async () => {
      const store = await roomWithAda()
      expect(await store.conversationSettings('finds')).toEqual({ slowModeSeconds: 0, pins: [] })
      expect(await store.changePin('finds', 'm2', true)).toEqual({ pins: ['m2'], changed: true })
      expect(await store.changePin('finds', 'm1', true)).toEqual({ pins: ['m2', 'm1'], changed: true })
      expect(await store.changePin('finds', 'm2', true)).toEqual({ pins: ['m2', 'm1'], changed: false })
      expect(await store.changePin('finds', 'm9', false)).toEqual({ pins: ['m2', 'm1'], changed: false })
      expect(await store.changePin('finds', 'm2', false)).toEqual({ pins: ['m1'], changed: true })
      for (let i = 2; i <= LIMITS.pinsPerRoom; i++) await store.changePin('finds', `p${i}`, true)
      expect((await store.conversationSettings('finds')).pins).toHaveLength(LIMITS.pinsPerRoom)
      expect(await store.changePin('finds', 'one-more', true)).toBe('too-many-pins')
      expect(await store.changePin('finds', 'm1', false)).toMatchObject({ changed: true })
      expect(await store.changePin('finds', 'one-more', true)).toMatchObject({ changed: true })
      expect((await store.conversationSettings('finds')).pins.at(-1)).toBe('one-more')
      expect(await store.changePin('no-such-room', 'm1', true)).toBeUndefined()
    })

    it('rule: slowModeWaitMs holds back a member\'s message within the interval, not the owner\'s, and stores nothing', async () => {
      const store = await roomWithAda()
      await store.addMember(member('b', 'Bob'), 100)
      const bob = { id: 'b', name: 'Bob' }
      expect(await store.setSlowMode('finds', 5)).toBe(true)
      expect(await store.setSlowMode('no-such-room', 5)).toBe(false)
      expect(await store.conversationSettings('finds')).toEqual({ slowModeSeconds: 5, pins: [] })
      const first = await store.appendMessage({ type: 'chat', id: 'b1', roomId: 'finds', from: bob, text: 'first', at: 1 })
      expect(first).toMatchObject({ message: { seq: 1 }, duplicate: false })
      const tooSoon = await store.appendMessage({ type: 'chat', id: 'b2', roomId: 'finds', from: bob, text: 'second', at: 2 })
      expect(tooSoon).toEqual({ slowModeWaitMs: expect.any(Number) })
      const { slowModeWaitMs } = tooSoon as { slowModeWaitMs: number }
      expect(slowModeWaitMs).toBeGreaterThan(4000)
      expect(slowModeWaitMs).toBeLessThanOrEqual(5000)
      expect((await store.recentMessages('finds', 10)).map(message => message.id)).toEqual(['b1'])
      // The owner ('a') is exempt.
      await store.appendMessage({ type: 'chat', id: 'a1', roomId: 'finds', from: ada, text: 'owner 1', at: 3 })
      await store.appendMessage({ type: 'chat', id: 'a2', roomId: 'finds', from: ada, text: 'owner 2', at: 4 })
      expect((await store.recentMessages('finds', 10)).map(message => message.id)).toEqual(['b1', 'a1', 'a2'])
      // Off again: the member posts at once.
      await store.setSlowMode('finds', 0)
      expect(await store.appendMessage({ type: 'chat', id: 'b3', roomId: 'finds', from: bob, text: 'third', at: 5 })).toMatchObject({ message: { seq: 4 } })
    })
  })
}
