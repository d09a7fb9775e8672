import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LobbyWriter } from '../../server/rooms/lobby/lobby-writer'
import { describeLobbyIndex } from './lobby-index.contract'
import { MemoryLobbyIndex } from '../../server/rooms/lobby/memory-lobby-index'
import { lobbyMetaOf } from '../../server/rooms/lobby/lobby-meta'
import { decodeCursor, encodeCursor, orderKey } from '../../server/rooms/lobby/lobby-order'

describeLobbyIndex('MemoryLobbyIndex', async () => new MemoryLobbyIndex())

describe('the lobby cursor', () => {
  it('is opaque and checked: only a key the server made decodes', () => {
    const key = orderKey({ id: 'room-1', online: 3, members: 4 })
    expect(decodeCursor(encodeCursor(key))).toBe(key)
    expect(decodeCursor('nonsense')).toBeUndefined()
    expect(decodeCursor(encodeCursor('0000000000000000bad id!'))).toBeUndefined()
  })
})

describe('LobbyWriter', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('changes to a room within the flush delay are one write of the latest state; a room without a view is counted from the store', async () => {
    const index = new MemoryLobbyIndex()
    const apply = vi.spyOn(index, 'apply')
    const storeCounts = vi.fn(async () => ({ online: 0, members: 4 }))
    const deleted = new Set(['gone'])
    const writer = new LobbyWriter({
      index,
      flushDelayMs: 250,
      log: () => {},
      source: { meta: async id => deleted.has(id) ? undefined : { title: `T ${id}`, listed: true }, counts: storeCounts, lastSeq: async () => 12 },
    })
    writer.countsChanged('a', 1, 1)
    writer.countsChanged('a', 2, 2)
    writer.chatPosted('a', 3)
    writer.roomChanged('b')
    await vi.advanceTimersByTimeAsync(249)
    expect(apply).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(apply).toHaveBeenCalledTimes(1)
    const entries = await index.entries(['a', 'b'])
    expect(entries.get('a')).toMatchObject({ title: 'T a', listed: true, online: 2, members: 2, lastSeq: 3 })
    expect(entries.get('b')).toMatchObject({ title: 'T b', online: 0, members: 4, lastSeq: 12 })
    expect(storeCounts).toHaveBeenCalledTimes(1)
    deleted.add('a')
    writer.roomGone('a')
    writer.countsChanged('gone', 1, 1)
    await vi.advanceTimersByTimeAsync(250)
    expect([...(await index.entries(['a', 'b', 'gone'])).keys()]).toEqual(['b'])
    writer.dispose()
  })

  it('a write the index refuses is tried again at the next flush', async () => {
    const index = new MemoryLobbyIndex()
    const apply = vi.spyOn(index, 'apply').mockRejectedValueOnce(new Error('redis away'))
    const writer = new LobbyWriter({ index, flushDelayMs: 250, log: () => {}, source: { meta: async () => ({ title: '', listed: true }), counts: async () => ({ online: 0, members: 0 }), lastSeq: async () => 0 } })
    writer.countsChanged('a', 1, 1)
    await vi.advanceTimersByTimeAsync(250)
    await vi.advanceTimersByTimeAsync(250)
    expect(apply).toHaveBeenCalledTimes(2)
    expect((await index.entries(['a'])).get('a')).toMatchObject({ online: 1, members: 1 })
    writer.dispose()
  })
})

describe('what the lobby lists of a room record', () => {
  const base = { id: 'r', passwordHash: null, createdAt: 0, title: 'Title', visibility: 'public' as const, ownerId: 'o' }
  it('a public room without a password is listed; an unlisted, a password or a private one never is', () => {
    expect(lobbyMetaOf(base)).toEqual({ title: 'Title', listed: true })
    expect(lobbyMetaOf({ ...base, visibility: 'unlisted' })?.listed).toBe(false)
    expect(lobbyMetaOf({ ...base, passwordHash: 'scrypt$…' })?.listed).toBe(false)
    const seat = { memberId: 'a', name: 'A', tokenHashes: [] }
    expect(lobbyMetaOf({ ...base, private: { originRoomId: 'o', seats: [seat, { ...seat, memberId: 'b' }] } })?.listed).toBe(false)
    expect(lobbyMetaOf(undefined)).toBeUndefined()
  })
})
