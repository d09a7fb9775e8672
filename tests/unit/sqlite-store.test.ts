import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../server/rooms/sqlite/schema'
import { SqliteRoomStore } from '../../server/rooms/sqlite/sqlite-store'
import { prepareStatements } from '../../server/rooms/sqlite/statements'
import type { SqliteRoomStoreOptions } from '../../server/rooms/sqlite/sqlite-store'
import type { MemberRecord, PrivateSeat } from '../../server/rooms/types'
import { mountSmallDisk } from '../support/mounts'
import { describeRoomConversation } from './room-conversation.contract'
import { describeConversationTools } from './room-finding.contract'
import { describeThreads } from './room-threads.contract'
import { describeRoomCreation } from './room-create.contract'
import { describeRoomHub } from './room-hub.contract'
import { describeRoomOwnership } from './room-owner.contract'
import { describePrivateRooms } from './room-private.contract'
import { describeRoomRules } from './room-rules.contract'
import { describeRoomStore } from './room-store.contract'

let dir: string
const stores: SqliteRoomStore[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hb-sqlite-'))
})
afterEach(async () => {
  await Promise.all(stores.splice(0).map(store => store.close()))
  rmSync(dir, { recursive: true, force: true })
})

function createStore(options: Partial<SqliteRoomStoreOptions> = {}) {
  const store = new SqliteRoomStore({ file: join(dir, 'rooms.db'), historyLimit: 500, emptyRoomRetentionMs: 0, log: () => {}, ...options })
  stores.push(store)
  return store
}

async function reopen(store: SqliteRoomStore, options: Partial<SqliteRoomStoreOptions> = {}) {
  await store.close()
  return createStore(options)
}

// A real file in a folder of the test's own; a suite that makes two stores gets two files.
let files = 0
describeRoomStore('SqliteRoomStore', historyLimit => createStore({ historyLimit, file: join(dir, `contract-${++files}.db`) }))
describeRoomHub('SQLite store', async () => createStore({ file: join(dir, `hub-${++files}.db`) }))
describeRoomConversation('SQLite store', async () => createStore({ file: join(dir, `conversation-${++files}.db`) }))
describeConversationTools('SQLite store', async () => createStore({ file: join(dir, `finding-${++files}.db`) }))
describeThreads('SQLite store', async () => createStore({ file: join(dir, `threads-${++files}.db`) }))
describeRoomOwnership('SQLite store', async () => createStore({ file: join(dir, `owner-${++files}.db`) }))
describePrivateRooms('SQLite store', async () => createStore({ file: join(dir, `private-${++files}.db`) }))
describeRoomCreation('SQLite store', async () => createStore({ file: join(dir, `create-${++files}.db`) }))
describeRoomRules('SqliteRoomStore', async () => createStore({ file: join(dir, `rules-${++files}.db`) }))

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

describe('SqliteRoomStore on disk', () => {
  const room = { id: 'lobby', passwordHash: 'scrypt-hash', createdAt: 1, title: 'A room', visibility: 'public' as const, ownerId: 'owner' }
  const member = (id: string, name: string): MemberRecord => ({ id, roomId: 'lobby', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1 })
  const chat = (text: string, clientId?: string) => ({ type: 'chat' as const, id: `id-${text}`, roomId: 'lobby', from: { id: 'a', name: 'Ada' }, text, at: 5, ...(clientId ? { clientId } : {}) })

  it('keeps rooms, members, history and the clientId window across a reopen; members come back offline', async () => {
    let store = createStore({ historyLimit: 3 })
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    await store.addMember(member('b', 'Bob'), 100)
    for (const text of ['one', 'two', 'three', 'four']) await store.appendMessage(chat(text, `c-${text}`))
    await store.touchMember('lobby', 'a', 1000)

    store = await reopen(store, { historyLimit: 3, now: () => 5000 })
    expect(await store.getRoom('lobby')).toEqual(room)
    expect(await store.findMemberByTokenHash('lobby', 'hash-a')).toMatchObject({ id: 'a', name: 'Ada', lastSeenAt: 5000 })
    expect((await store.listMembers('lobby')).map(m => m.id).sort()).toEqual(['a', 'b'])
    expect(await store.addMember(member('x', 'ADA'), 100)).toBe('name-taken')
    expect((await store.recentMessages('lobby', 10)).map(m => [m.seq, m.text])).toEqual([[2, 'two'], [3, 'three'], [4, 'four']])
    expect((await store.messagesAfter('lobby', 2))?.map(m => m.text)).toEqual(['three', 'four'])
    expect(await store.messagesAfter('lobby', 0)).toBeUndefined()
    expect(await store.appendMessage(chat('again', 'c-one'))).toMatchObject({ duplicate: true, message: { seq: 1, text: 'one' } })
    expect(await store.appendMessage(chat('five'))).toMatchObject({ duplicate: false, message: { seq: 5 } })
  })

  it('a write resolves only once its turn is committed, and a burst of one turn is one transaction', async () => {
    const store = createStore()
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    let resolved = 0
    const burst = Array.from({ length: 50 }, (_, i) => store.appendMessage(chat(`m${i}`)).then(() => resolved++))
    await Promise.resolve()
    expect(resolved).toBe(0)
    await Promise.all(burst)
    expect(resolved).toBe(50)
    await store.close()
    const db = new Database(join(dir, 'rooms.db'), { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 50 })
    db.close()
  })

  it('keeps an end-to-end encrypted room\'s salt and sealed messages across a reopen', async () => {
    let store = createStore()
    const sealed = { ...room, passwordHash: 'scrypt-hash', visibility: 'unlisted' as const, e2eeSalt: 'AAECAwQFBgcICQoLDA0ODw' }
    const cipher = { v: 1 as const, iv: 'BwcHBwcHBwcHBwcH', data: 'sealed-words' }
    await store.ensureRoom(sealed, 100)
    await store.addMember(member('a', 'Ada'), 100)
    await store.appendMessage({ ...chat('', 'c1'), cipher })
    store = await reopen(store)
    expect(await store.getRoom('lobby')).toEqual(sealed)
    expect(await store.recentMessages('lobby', 10)).toEqual([expect.objectContaining({ text: '', cipher })])
  })

  it('keeps an empty room for the retention time, across a reopen, then removes it with its messages', async () => {
    let now = 1000
    let store = createStore({ emptyRoomRetentionMs: 10_000, now: () => now })
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    await store.appendMessage(chat('kept'))
    now = 2000
    await store.removeMember('lobby', 'a')
    now = 11_999
    expect(await store.deleteRoomIfEmpty('lobby')).toBe(false)
    store = await reopen(store, { emptyRoomRetentionMs: 10_000, now: () => now })
    expect((await store.recentMessages('lobby', 10)).map(m => m.text)).toEqual(['kept'])
    expect(await store.deleteRoomIfEmpty('lobby')).toBe(false)
    now = 12_000
    expect(await store.deleteRoomIfEmpty('lobby')).toBe(true)
    store = await reopen(store)
    expect(await store.getRoom('lobby')).toBeUndefined()
    expect(await store.recentMessages('lobby', 10)).toEqual([])
  })

  it('at the room cap, a new room replaces the room empty the longest past the grace, never a fresh or occupied one', async () => {
    let now = 100_000
    const store = createStore({ emptyRoomRetentionMs: 10 ** 9, emptyRoomGraceMs: 30_000, now: () => now })
    for (const id of ['old', 'older', 'busy']) await store.ensureRoom({ id, passwordHash: null, createdAt: 1, title: id, visibility: 'unlisted', ownerId: '' }, 3)
    await store.addMember({ ...member('a', 'Ada'), roomId: 'busy' }, 100)
    for (const id of ['older', 'old']) {
      await store.addMember({ ...member(id, 'Bob'), roomId: id }, 100)
      await store.appendMessage({ ...chat('kept'), roomId: id, from: { id, name: 'Bob' } })
      now += 1000
      await store.removeMember(id, id)
    }
    // 'older' has stood empty for 29 s, 'old' for 28 s: within the grace.
    now += 28_000
    expect(await store.ensureRoom({ id: 'new', passwordHash: null, createdAt: now, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 3)).toBe('server-full')
    now += 1000
    expect(await store.ensureRoom({ id: 'new', passwordHash: null, createdAt: now, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 3)).toMatchObject({ created: true })
    expect((await store.listRoomIds()).sort()).toEqual(['busy', 'new', 'old'])
    expect(await store.recentMessages('older', 10)).toEqual([])
    now += 60_000
    await store.addMember({ ...member('n', 'Nia'), roomId: 'new' }, 100)
    expect(await store.ensureRoom({ id: 'newer', passwordHash: null, createdAt: now, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 3)).toMatchObject({ created: true })
    // 'newer' was created a moment ago, 'busy' and 'new' have members: none gives way.
    expect(await store.ensureRoom({ id: 'newest', passwordHash: null, createdAt: now, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 3)).toBe('server-full')
    expect((await store.listRoomIds()).sort()).toEqual(['busy', 'new', 'newer'])
  })

  it('a member joining an empty room stops its retention clock', async () => {
    let now = 1000
    let store = createStore({ emptyRoomRetentionMs: 10_000, now: () => now })
    await store.ensureRoom(room, 100)
    now = 50_000
    await store.addMember(member('a', 'Ada'), 100)
    await store.removeMember('lobby', 'a')
    store = await reopen(store, { emptyRoomRetentionMs: 10_000, now: () => now })
    expect(await store.deleteRoomIfEmpty('lobby')).toBe(false)
  })

  it('keeps a renamed title and the bans of a kick across a reopen, and forgets bans that ended', async () => {
    let store = createStore()
    await store.ensureRoom(room, 100)
    await store.addMember({ ...member('a', 'Ada'), addressHash: 'net-a', browserHash: 'browser-a' }, 100)
    await store.setTitle('lobby', 'Renamed')
    await store.kickMember('lobby', 'a', 50_000, 1000, true)
    store = await reopen(store, { now: () => 2000 })
    expect(await store.getRoom('lobby')).toMatchObject({ title: 'Renamed' })
    expect(await store.bannedUntil('lobby', ['n:net-a'], 2000)).toBe(50_000)
    expect(await store.bannedUntil('lobby', ['b:browser-a'], 2000)).toBe(50_000)
    expect(await store.findMemberByTokenHash('lobby', 'hash-a')).toBeUndefined()
    store = await reopen(store, { now: () => 60_000 })
    expect(await store.bannedUntil('lobby', ['n:net-a', 'b:browser-a', 't:hash-a'], 0)).toBe(0)
  })

  it('keeps a private room, its seats and its pair across a reopen', async () => {
    const seats = (a: string, b: string): [PrivateSeat, PrivateSeat] => [{ memberId: 'a', name: 'Ada', tokenHashes: [a] }, { memberId: 'b', name: 'Bob', tokenHashes: [b] }]
    const privateRoom = (id: string, a: string, b: string) => ({ id, passwordHash: null, createdAt: 1, title: 'Ada & Bob', visibility: 'unlisted' as const, ownerId: '', private: { originRoomId: 'lobby', seats: seats(a, b) } })
    let store = createStore()
    await store.ensureRoom(room, 100)
    await store.openPrivateRoom(privateRoom('dm-first', 'a1', 'b1'), 100)
    store = await reopen(store)
    expect(await store.getRoom('dm-first')).toEqual(privateRoom('dm-first', 'a1', 'b1'))
    expect(await store.openPrivateRoom(privateRoom('dm-second', 'a2', 'b2'), 100)).toMatchObject({ created: false, room: { id: 'dm-first' } })
    store = await reopen(store)
    expect((await store.getRoom('dm-first'))!.private!.seats.map(seat => seat.tokenHashes)).toEqual([['a1', 'a2'], ['b1', 'b2']])
  })

  it('finds a message by id with one probe of an index, never a scan of the history', async () => {
    const store = createStore()
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    for (let i = 0; i < 500; i++) await store.appendMessage(chat(`m${i}`))
    expect((await store.findMessage('lobby', 'id-m7'))?.text).toBe('m7')
    expect(await store.findMessage('lobby', 'nope')).toBeUndefined()
    await store.close()
    const db = new Database(join(dir, 'rooms.db'))
    // The plan of the statement the store runs.
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${prepareStatements(db).messageById.source}`).all('lobby', 'id-m7') as Array<{ detail: string }>
    db.close()
    expect(plan.map(step => step.detail).join('; ')).toMatch(/USING INDEX messages_by_id \(room_id=\? AND <expr>=\?\)/)
  })

  it('a search is led by the trigram index\'s matches, then reads each by its key: never a walk of the room\'s messages', async () => {
    const db = new Database(':memory:')
    for (const migration of MIGRATIONS) db.exec(migration)
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${prepareStatements(db).searchMessages.source}`).all('"abc"', 'lobby', 10, 10) as Array<{ detail: string }>
    db.close()
    expect(plan.map(step => step.detail)).toEqual([
      expect.stringMatching(/^SCAN message_search VIRTUAL TABLE INDEX/),
      'SEARCH search_rows USING INTEGER PRIMARY KEY (rowid=?)',
      'SEARCH messages USING PRIMARY KEY (room_id=? AND seq=?)',
      'USE TEMP B-TREE FOR ORDER BY',
    ])
  })

  it('keeps slow mode and pins across a reopen, and its search index with them', async () => {
    let store = createStore()
    await store.ensureRoom(room, 100)
    await store.addMember(member('a', 'Ada'), 100)
    await store.appendMessage({ ...chat('the quarterly report'), id: 'm1' })
    await store.setSlowMode('lobby', 30)
    await store.changePin('lobby', 'm1', true)
    store = await reopen(store)
    expect(await store.conversationSettings('lobby')).toEqual({ slowModeSeconds: 30, pins: ['m1'] })
    expect((await store.searchMessages('lobby', { q: 'QUARTERLY', beforeSeq: Number.MAX_SAFE_INTEGER, limit: 5 })).messages.map(message => message.id)).toEqual(['m1'])
  })

  it('a file of schema 5 gets its messages into the search index when it opens, tombstones left out', async () => {
    const file = join(dir, 'rooms.db')
    const older = new Database(file)
    for (const migration of MIGRATIONS.slice(0, 5)) older.exec(migration)
    older.pragma('user_version = 5')
    older.prepare('INSERT INTO rooms (id, password_hash, created_at, empty_since) VALUES (?, NULL, 1, NULL)').run('old-room')
    const body = (seq: number, text: string, deleted = false) => JSON.stringify({ type: 'chat', seq, id: `o${seq}`, roomId: 'old-room', from: { id: 'a', name: 'Ada' }, text, at: seq, ...(deleted ? { deleted: true } : {}) })
    const insert = older.prepare('INSERT INTO messages (room_id, seq, body) VALUES (?, ?, ?)')
    insert.run('old-room', 1, body(1, 'an old message about lunch'))
    insert.run('old-room', 2, body(2, '', true))
    insert.run('old-room', 3, body(3, 'lunch again, later'))
    older.close()
    const store = createStore()
    const found = await store.searchMessages('old-room', { q: 'lunch', beforeSeq: Number.MAX_SAFE_INTEGER, limit: 5 })
    expect(found.messages.map(message => message.seq)).toEqual([3, 1])
  })

  it('opens a file of the first schema: its rooms show their id as title, unlisted, with no owner', async () => {
    const file = join(dir, 'rooms.db')
    const older = new Database(file)
    older.exec(MIGRATIONS[0]!)
    older.pragma('user_version = 1')
    older.prepare('INSERT INTO rooms (id, password_hash, created_at, empty_since) VALUES (?, NULL, 1, NULL)').run('old-room')
    older.prepare('INSERT INTO members (room_id, id, name, token_hash, joined_at) VALUES (?, ?, ?, ?, 1)').run('old-room', 'a', 'Ada', 'hash-a')
    older.close()
    const store = createStore()
    expect(await store.getRoom('old-room')).toEqual({ id: 'old-room', passwordHash: null, createdAt: 1, title: 'old-room', visibility: 'unlisted', ownerId: '' })
    expect(await store.findMemberByTokenHash('old-room', 'hash-a')).toMatchObject({ id: 'a', name: 'Ada' })
  })

  it('refuses a file from a newer schema, naming it, and leaves it as it was', async () => {
    const file = join(dir, 'rooms.db')
    const newer = new Database(file)
    newer.pragma('user_version = 99')
    newer.exec('CREATE TABLE future (x)')
    newer.close()
    const before = sha256(file)
    expect(() => createStore()).toThrow(`${file} was written by a newer version`)
    expect(sha256(file)).toBe(before)
  })

  it('refuses a damaged file, naming it, and leaves it as it was', async () => {
    const file = join(dir, 'rooms.db')
    writeFileSync(file, 'this is not a database, but it is long enough to look like one might be '.repeat(100))
    const before = sha256(file)
    expect(() => createStore()).toThrow(`${file} is damaged`)
    expect(sha256(file)).toBe(before)
  })

  it('refuses a file another store holds open', async () => {
    createStore()
    expect(() => createStore()).toThrow('in use by another process')
  })
})

describe('SqliteRoomStore on a disk that fills up', () => {
  const member = (id: string, name: string): MemberRecord => ({ id, roomId: 'lobby', name, tokenHash: `hash-${id}`, joinedAt: 1, lastSeenAt: 1 })
  const chat = (from: string, text: string, clientId: string) => ({ type: 'chat' as const, id: `id-${text}`, roomId: 'lobby', from: { id: from, name: from }, text, at: 5, clientId })

  it('a turn whose commit fails leaves nothing behind, in the file or in memory, and the store recovers once there is room', async () => {
    const disk = mountSmallDisk(512)
    try {
      const logged: string[] = []
      const store = createStore({ file: join(disk.path, 'rooms.db'), retryIntervalMs: 50, log: message => logged.push(message) })
      await store.ensureRoom({ id: 'lobby', passwordHash: null, createdAt: 1, title: 'A room', visibility: 'unlisted' as const, ownerId: 'owner' }, 100)
      await store.addMember(member('a', 'Ada'), 100)
      await store.appendMessage(chat('a', 'kept', 'c1'))

      const filler = join(disk.path, 'filler')
      const fd = openSync(filler, 'w')
      try {
        for (;;) writeSync(fd, Buffer.alloc(4096))
      }
      catch {
        // ENOSPC: the disk is full, which is what this test needs.
      }
      closeSync(fd)
      const turn = [
        store.addMember(member('b', 'Bob'), 100),
        store.appendMessage(chat('a', 'x'.repeat(2000), 'c2')),
        store.appendMessage(chat('a', 'y'.repeat(2000), 'c3')),
      ].map(write => write.then(() => 'written', (error: unknown) => store.isUnavailableError(error) ? 'unavailable' : String(error)))
      expect(await Promise.all(turn)).toEqual(['unavailable', 'unavailable', 'unavailable'])
      expect(store.health().state).toBe('unavailable')
      expect(logged.join('\n')).toContain(`cannot write ${join(disk.path, 'rooms.db')}`)
      expect(await store.findMemberByTokenHash('lobby', 'hash-b')).toBeUndefined()
      expect(await store.countMembers('lobby')).toBe(1)
      expect(await store.messagesAfter('lobby', 1)).toEqual([])

      rmSync(filler)
      await expect.poll(() => store.health().state).toBe('ready')
      expect(await store.addMember(member('b', 'Bob'), 100)).toBe('added')
      expect(await store.appendMessage(chat('a', 'again', 'c2'))).toMatchObject({ duplicate: false, message: { seq: 2 } })
      await store.close()
      const reopened = createStore({ file: join(disk.path, 'rooms.db') })
      expect((await reopened.recentMessages('lobby', 10)).map(m => m.clientId)).toEqual(['c1', 'c2'])
      expect((await reopened.listMembers('lobby')).map(m => m.id).sort()).toEqual(['a', 'b'])
    }
    finally {
      // A file system with an open file cannot be unmounted.
      await Promise.all(stores.splice(0).map(store => store.close()))
      disk.unmount()
    }
  })
})
