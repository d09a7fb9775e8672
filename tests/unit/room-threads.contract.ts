import { afterEach, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { pinnedRefsOf } from '../../server/rooms/conversation/pinned-refs'
import { RoomHub } from '../../server/rooms/room-hub'
import type { MemberRecord, RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/**
 * Threads (issue 23), the same on every store (memory, SQLite, Redis): the
 * rules of threads.ts and asTombstone, named "rule: …" as the Redis Lua
 * restates them, then the frames through the hub.
 */
/** `createStore(historyLimit)`: the store's own default limit when none is given. */
export function describeThreads(name: string, createStore: (historyLimit?: number) => Promise<RoomStore>) {
  const room = { id: 'threads', passwordHash: null, createdAt: 1, title: 'Threads', visibility: 'unlisted' as const, ownerId: 'a' }
  const member = (id: string, name: string): MemberRecord => ({ id, roomId: 'threads', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1 })
  const ada = { id: 'a', name: 'Ada' }
  const bob = { id: 'b', name: 'Bob' }
  const END = Number.MAX_SAFE_INTEGER

  async function roomWithAdaAndBob(historyLimit?: number) {
    const store = await createStore(historyLimit)
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    await store.addMember(member('b', 'Bob'), 100)
    return store
  }

  async function post(store: RoomStore, id: string, text: string, at: number, extra: Partial<ChatMessage> = {}, from = ada) {
    return store.appendMessage({ type: 'chat', id, roomId: 'threads', from, text, at, ...extra })
  }

  const ids = (page: { messages: ChatMessage[] }) => page.messages.map(message => message.id)
  const main = (store: RoomStore, before = END, limit = 50) => store.timelineBefore('threads', before, limit)
  const thread = (store: RoomStore, threadId: string, before = END, limit = 50) => store.timelineBefore('threads', before, limit, threadId)

  describe(`${name}: threads on the store`, () => {
    it('rule: withReplyCounted: each reply is counted on its root, which the main timeline shows without the replies', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'shall we plan the trip?', 10)
      await post(store, 'r1', 'yes', 20, { threadId: 'root' }, bob)
      await post(store, 'other', 'unrelated', 25)
      await post(store, 'r2', 'next week', 30, { threadId: 'root' })
      const page = await main(store)
      expect(ids(page)).toEqual(['root', 'other'])
      expect(page.hasMore).toBe(false)
      expect(page.messages[0]).toMatchObject({ seq: 1, thread: { replyCount: 2, lastReplyAt: 30 } })
      expect(page.messages[1]!.thread).toBeUndefined()
      expect(await store.findMessage('threads', 'root')).toMatchObject({ thread: { replyCount: 2, lastReplyAt: 30 } })
      const replies = await thread(store, 'root')
      expect(replies.messages.map(message => [message.seq, message.id, message.threadId])).toEqual([[2, 'r1', 'root'], [4, 'r2', 'root']])
      expect(replies.hasMore).toBe(false)
    })

    it('rule: mayHoldThread: a reply to a message not held, to a thread reply, or to a tombstone is refused and nothing is stored', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'root', 1)
      await post(store, 'r1', 'reply', 2, { threadId: 'root' })
      await post(store, 'gone', 'to be deleted', 3)
      await store.deleteMessage('threads', 'gone', 'a')
      expect(await post(store, 'x1', 'to nothing', 4, { threadId: 'no-such-message' })).toBe('no-thread')
      expect(await post(store, 'x2', 'two deep', 5, { threadId: 'r1' })).toBe('no-thread')
      expect(await post(store, 'x3', 'under a tombstone', 6, { threadId: 'gone' })).toBe('no-thread')
      const all = await store.messagesBefore('threads', END, 50)
      expect(ids(all)).toEqual(['root', 'r1', 'gone'])
      expect((await store.findMessage('threads', 'root'))!.thread).toEqual({ replyCount: 1, lastReplyAt: 2 })
      // The seq was not taken: the next message is the fourth.
      expect(await post(store, 'next', 'next', 7)).toMatchObject({ message: { seq: 4 } })
    })

    it('a pinned thread reply names its root, so that choosing it opens the thread', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'plan', 1)
      await post(store, 'r1', 'the answer', 2, { threadId: 'root' }, bob)
      const refs = await pinnedRefsOf(store, 'threads', ['r1', 'root'])
      expect(refs.map(ref => [ref.id, ref.threadId])).toEqual([['r1', 'root'], ['root', undefined]])
    })

    it('pages the main timeline and a thread back with before and limit, counting only their own messages', async () => {
      const store = await roomWithAdaAndBob()
      for (let i = 1; i <= 6; i++) {
        await post(store, `m${i}`, `main ${i}`, i * 10)
        await post(store, `t${i}`, `reply ${i}`, i * 10 + 1, { threadId: 'm1' })
      }
      const newest = await main(store, END, 4)
      expect(ids(newest)).toEqual(['m3', 'm4', 'm5', 'm6'])
      expect(newest.hasMore).toBe(true)
      const older = await main(store, newest.messages[0]!.seq, 4)
      expect(ids(older)).toEqual(['m1', 'm2'])
      expect(older.hasMore).toBe(false)
      expect(older.messages[0]!.thread).toEqual({ replyCount: 6, lastReplyAt: 61 })
      const lastReplies = await thread(store, 'm1', END, 4)
      expect(ids(lastReplies)).toEqual(['t3', 't4', 't5', 't6'])
      expect(lastReplies.hasMore).toBe(true)
      const firstReplies = await thread(store, 'm1', lastReplies.messages[0]!.seq, 4)
      expect(ids(firstReplies)).toEqual(['t1', 't2'])
      expect(firstReplies.hasMore).toBe(false)
      expect(ids(await thread(store, 'm2'))).toEqual([])
    })

    it('rule: asTombstone: a deleted root keeps its summary and its replies; a deleted reply stays in its thread and still counts', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'root words', 1)
      await post(store, 'r1', 'first', 2, { threadId: 'root' }, bob)
      await post(store, 'r2', 'second', 3, { threadId: 'root' })
      expect(await store.deleteMessage('threads', 'r1', 'b')).toMatchObject({ deleted: true, threadId: 'root', text: '' })
      // The owner (Ada) deletes the root.
      expect(await store.deleteMessage('threads', 'root', 'a')).toMatchObject({ deleted: true, thread: { replyCount: 2, lastReplyAt: 3 } })
      const page = await main(store)
      expect(ids(page)).toEqual(['root'])
      expect(page.messages[0]).toMatchObject({ deleted: true, text: '', thread: { replyCount: 2, lastReplyAt: 3 } })
      const replies = await thread(store, 'root')
      expect(replies.messages.map(message => [message.id, message.deleted ?? false, message.text])).toEqual([['r1', true, ''], ['r2', false, 'second']])
      expect(await post(store, 'r3', 'too late', 4, { threadId: 'root' })).toBe('no-thread')
    })

    it('reactions, edits, deletes and quotes work on thread replies as in the main timeline', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'root', 1)
      await post(store, 'r1', 'original words', 2, { threadId: 'root' })
      await post(store, 'r2', 'quoting', 3, { threadId: 'root', replyTo: { id: 'r1', from: ada, excerpt: 'original words' } }, bob)
      expect(await store.toggleReaction('threads', 'r1', 'b', '👍')).toMatchObject({ reactions: { '👍': ['b'] }, threadId: 'root' })
      expect(await store.editMessage('threads', 'r1', 'a', 'better words', 9)).toMatchObject({ text: 'better words', editedAt: 9, threadId: 'root' })
      expect(await store.editMessage('threads', 'r1', 'b', 'not yours', 10)).toBe('forbidden')
      const [first, quoting] = (await thread(store, 'root')).messages
      expect(first).toMatchObject({ text: 'better words', reactions: { '👍': ['b'] } })
      expect(quoting!.replyTo).toMatchObject({ id: 'r1', excerpt: 'better words' })
      // The root's reactions and edits keep its summary.
      await store.toggleReaction('threads', 'root', 'b', '🎉')
      expect(await store.editMessage('threads', 'root', 'a', 'root, edited', 11)).toMatchObject({ thread: { replyCount: 2, lastReplyAt: 3 }, reactions: { '🎉': ['b'] } })
      expect(await store.deleteMessage('threads', 'r2', 'b')).toMatchObject({ deleted: true, threadId: 'root' })
      expect((await main(store)).messages[0]!.thread).toEqual({ replyCount: 2, lastReplyAt: 3 })
    })

    it('a resume, an export and a search carry thread replies, with their root\'s id', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'where to eat', 1)
      await post(store, 'r1', 'the noodle place', 2, { threadId: 'root' })
      await post(store, 'm2', 'noodle soup is back', 3)
      expect((await store.messagesAfter('threads', 1))!.map(message => [message.id, message.threadId])).toEqual([['r1', 'root'], ['m2', undefined]])
      expect(ids(await store.messagesBefore('threads', END, 10))).toEqual(['root', 'r1', 'm2'])
      const found = await store.searchMessages('threads', { q: 'noodle', beforeSeq: END, limit: 10 })
      expect(found.messages.map(message => [message.id, message.threadId])).toEqual([['m2', undefined], ['r1', 'root']])
      const rootFound = await store.searchMessages('threads', { q: 'where to', beforeSeq: END, limit: 10 })
      expect(rootFound.messages[0]).toMatchObject({ id: 'root', thread: { replyCount: 1, lastReplyAt: 2 } })
    })

    it('the history cap counts replies as messages: the root, older than its replies, leaves first, and then its thread takes no reply and no page shows what is left of it', async () => {
      const store = await roomWithAdaAndBob(4)
      await post(store, 'root', 'root', 1)
      await post(store, 'r1', 'first', 2, { threadId: 'root' })
      await post(store, 'r2', 'second', 3, { threadId: 'root' })
      await post(store, 'm1', 'main', 4)
      expect((await main(store)).messages.map(message => [message.id, message.thread?.replyCount])).toEqual([['root', 2], ['m1', undefined]])
      await post(store, 'm2', 'main again', 5)
      expect(await store.findMessage('threads', 'root')).toBeUndefined()
      expect(ids(await main(store))).toEqual(['m1', 'm2'])
      expect(ids(await store.messagesBefore('threads', END, 10))).toEqual(['r1', 'r2', 'm1', 'm2'])
      expect(await post(store, 'r3', 'too late', 6, { threadId: 'root' })).toBe('no-thread')
      // A reply counted on a root that the same append trims away: stored, and the root is gone.
      await post(store, 'm3', 'a new root', 7)
      await post(store, 'm4', 'filler', 8)
      await post(store, 'm5', 'filler', 9)
      expect(await post(store, 'r4', 'just in time', 10, { threadId: 'm2' })).toMatchObject({ message: { seq: 9, threadId: 'm2' } })
      expect(ids(await store.messagesBefore('threads', END, 10))).toEqual(['m3', 'm4', 'm5', 'r4'])
      expect(await post(store, 'r5', 'to a root held', 11, { threadId: 'm5' })).toMatchObject({ duplicate: false })
      expect((await store.findMessage('threads', 'm5'))!.thread).toEqual({ replyCount: 1, lastReplyAt: 11 })
      expect(ids(await thread(store, 'm5'))).toEqual(['r5'])
    })

    it('a resend of a thread reply\'s clientId is acknowledged with the original, not counted again', async () => {
      const store = await roomWithAdaAndBob()
      await post(store, 'root', 'root', 1)
      expect(await post(store, 'r1', 'once', 2, { threadId: 'root', clientId: 'c1' })).toMatchObject({ duplicate: false })
      expect(await post(store, 'r1-again', 'once', 3, { threadId: 'root', clientId: 'c1' })).toMatchObject({ duplicate: true, message: { id: 'r1' } })
      expect((await store.findMessage('threads', 'root'))!.thread).toEqual({ replyCount: 1, lastReplyAt: 2 })
    })
  })

  describe(`${name}: threads through the hub`, () => {
    let hubs: RoomHub[] = []
    let store: RoomStore

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function hubWithRoom() {
      store = await createStore()
      const hub = new RoomHub({ store, heartbeatWindowMs: 400, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {} })
      hub.start()
      hubs.push(hub)
      return hub
    }

    async function join(hub: RoomHub, name: string, lastSeq?: number, token?: string) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'hubthreads', name, create: true, ...(lastSeq === undefined ? {} : { lastSeq }), ...(token ? { token } : {}) }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    const send = (hub: RoomHub, conn: FakeConnection, frame: object) => hub.receive(conn, JSON.stringify(frame))

    it('a reply reaches the whole room as a chat with threadId; a new member sees only the root, with its summary, and pages the thread by threadId', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      const bob = await join(hub, 'Bob')
      send(hub, ada.conn, { type: 'chat', text: 'a root', clientId: 'c0' })
      const root = await bob.conn.waitFor('chat')
      for (const [i, text] of ['one', 'two', 'three'].entries()) send(hub, bob.conn, { type: 'chat', text, threadId: root.id, clientId: `t${i}` })
      await ada.conn.waitFor('chat', 4)
      expect(ada.conn.of('chat').slice(1).map(message => [message.seq, message.text, message.threadId, message.clientId])).toEqual([[2, 'one', root.id, 't0'], [3, 'two', root.id, 't1'], [4, 'three', root.id, 't2']])
      send(hub, ada.conn, { type: 'chat', text: 'main again' })
      await bob.conn.waitFor('chat', 5)
      const cy = await join(hub, 'Cy')
      expect(cy.joined.history.map(message => message.text)).toEqual(['a root', 'main again'])
      expect(cy.joined.history[0]!.thread).toEqual({ replyCount: 3, lastReplyAt: ada.conn.of('chat')[3]!.at })
      send(hub, cy.conn, { type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: root.id, limit: 2 })
      const newest = await cy.conn.waitFor('history')
      expect(newest).toMatchObject({ threadId: root.id, hasMore: true, roomId: 'hubthreads' })
      expect(newest.messages.map(message => message.text)).toEqual(['two', 'three'])
      send(hub, cy.conn, { type: 'history', before: newest.messages[0]!.seq, threadId: root.id })
      const oldest = await cy.conn.waitFor('history', 2)
      expect(oldest).toMatchObject({ threadId: root.id, hasMore: false })
      expect(oldest.messages.map(message => message.text)).toEqual(['one'])
      send(hub, cy.conn, { type: 'history', around: 3, limit: 3, threadId: root.id })
      const around = await cy.conn.waitFor('history', 3)
      expect(around).toMatchObject({ threadId: root.id, around: 3, hasMore: false, hasNewer: false })
      expect(around.messages.map(message => message.seq)).toEqual([2, 3, 4])
      send(hub, cy.conn, { type: 'history', before: 10 })
      const mainPage = await cy.conn.waitFor('history', 4)
      expect(mainPage.threadId).toBeUndefined()
      expect(mainPage.messages.map(message => message.seq)).toEqual([1, 5])
      send(hub, cy.conn, { type: 'history', around: 1, limit: 3 })
      const mainAround = await cy.conn.waitFor('history', 5)
      expect(mainAround.messages.map(message => message.seq)).toEqual([1])
      expect(mainAround).toMatchObject({ around: 1, hasNewer: true })
    })

    it('a reply to an unknown message, to a reply or to a deleted root gets BAD_REQUEST with its clientId; a thread page of an unknown root gets BAD_REQUEST; nothing is stored', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      send(hub, ada.conn, { type: 'chat', text: 'root' })
      const root = await ada.conn.waitFor('chat')
      send(hub, ada.conn, { type: 'chat', text: 'reply', threadId: root.id })
      const reply = await ada.conn.waitFor('chat', 2)
      send(hub, ada.conn, { type: 'chat', text: 'to nothing', threadId: 'no-such-id', clientId: 'x1' })
      expect(await ada.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'x1' })
      send(hub, ada.conn, { type: 'chat', text: 'two deep', threadId: reply.id, clientId: 'x2' })
      expect(await ada.conn.waitFor('error', 2)).toMatchObject({ code: 'BAD_REQUEST', clientId: 'x2' })
      send(hub, ada.conn, { type: 'history', before: 10, threadId: 'no-such-id' })
      expect(await ada.conn.waitFor('error', 3)).toMatchObject({ code: 'BAD_REQUEST' })
      send(hub, ada.conn, { type: 'history', before: 10, threadId: reply.id })
      expect(await ada.conn.waitFor('error', 4)).toMatchObject({ code: 'BAD_REQUEST' })
      send(hub, ada.conn, { type: 'chat', text: 'sent once', threadId: root.id, clientId: 'once' })
      const once = await ada.conn.waitFor('chat', 3)
      send(hub, ada.conn, { type: 'delete', id: root.id })
      await ada.conn.waitFor('deleted')
      send(hub, ada.conn, { type: 'chat', text: 'under a tombstone', threadId: root.id, clientId: 'x3' })
      expect(await ada.conn.waitFor('error', 5)).toMatchObject({ code: 'BAD_REQUEST', clientId: 'x3' })
      // A resend of a reply stored before the root went (its answer lost) is acknowledged, not refused.
      send(hub, ada.conn, { type: 'chat', text: 'sent once', threadId: root.id, clientId: 'once' })
      expect(await ada.conn.waitFor('chat', 4)).toEqual(once)
      // The deleted root's thread is still read.
      send(hub, ada.conn, { type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: root.id })
      expect((await ada.conn.waitFor('history')).messages.map(message => message.text)).toEqual(['reply', 'sent once'])
      expect((await store.messagesBefore('hubthreads', Number.MAX_SAFE_INTEGER, 10)).messages.map(message => message.text)).toEqual(['', 'reply', 'sent once'])
    })

    it('a resume with lastSeq carries the thread replies it missed, so the summary stays right', async () => {
      const hub = await hubWithRoom()
      const ada = await join(hub, 'Ada')
      const bob = await join(hub, 'Bob')
      send(hub, ada.conn, { type: 'chat', text: 'root' })
      const root = await bob.conn.waitFor('chat')
      hub.close(bob.conn)
      send(hub, ada.conn, { type: 'chat', text: 'while away', threadId: root.id })
      await ada.conn.waitFor('chat', 2)
      const back = await join(hub, 'Bob', root.seq, bob.joined.token)
      expect(back.joined.recovered).toBe(true)
      expect(back.joined.history.map(message => [message.text, message.threadId])).toEqual([['while away', root.id]])
    })
  })
}
