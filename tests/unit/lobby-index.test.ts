import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LobbyWriter } from '../../server/rooms/lobby/lobby-writer'
import type { LobbyUpdate } from '../../server/rooms/lobby/lobby-entry'
import type { LobbyIndex } from '../../server/rooms/lobby/lobby-index'
import { MemoryLobbyIndex } from '../../server/rooms/lobby/memory-lobby-index'
import { decodeCursor, encodeCursor, orderKey } from '../../server/rooms/lobby/lobby-order'

function listed(id: string, online: number, members: number, title = id): LobbyUpdate {
  return { id, meta: { title, listed: true }, counts: { online, members, at: 1 } }
}

async function allPages(index: LobbyIndex, limit: number, query?: string): Promise<string[][]> {
  const pages: string[][] = []
  let after: string | undefined
  do {
    const page = await index.page(after, limit, query)
    pages.push(page.entries.map(entry => entry.id))
    after = page.nextKey
  } while (after)
  return pages
}

describe('MemoryLobbyIndex', () => {
  it('pages through the listed rooms in order, each once, with a cursor after the last one', async () => {
    const index = new MemoryLobbyIndex()
    await index.apply([listed('b', 1, 3), listed('a', 1, 3), listed('c', 2, 2), listed('d', 0, 9), listed('e', 1, 1), { id: 'x', meta: { title: 'x', listed: false }, counts: { online: 9, members: 9, at: 1 } }])
    expect(await allPages(index, 2)).toEqual([['c', 'a'], ['b', 'e'], ['d']])
    expect(await allPages(index, 5)).toEqual([['c', 'a', 'b', 'e', 'd']])
  })

  it('a count change moves the room; an older observation of the counts never overwrites a newer one', async () => {
    const index = new MemoryLobbyIndex()
    await index.apply([listed('a', 1, 1), listed('b', 2, 2)])
    await index.apply([{ id: 'a', counts: { online: 5, members: 5, at: 10 } }, { id: 'a', counts: { online: 0, members: 1, at: 9 } }])
    expect((await index.page(undefined, 10)).entries.map(e => [e.id, e.online])).toEqual([['a', 5], ['b', 2]])
  })

  it('searches ids and titles, case-insensitively', async () => {
    const index = new MemoryLobbyIndex()
    await index.apply([listed('cats', 1, 1, 'Meow'), listed('dogs', 2, 2, 'Woof and CATS'), listed('birds', 3, 3, 'Tweet')])
    expect(await allPages(index, 10, 'cat')).toEqual([['dogs', 'cats']])
    expect(await allPages(index, 1, 'cat')).toEqual([['dogs'], ['cats']])
  })

  it('a cursor is opaque and checked: only a key the server made decodes', () => {
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
