import { describe, expect, it } from 'vitest'
import type { LobbyUpdate } from '../../server/rooms/lobby/lobby-entry'
import { CHANGE_LOG_LIMIT } from '../../server/rooms/lobby/lobby-index'
import type { LobbyIndex } from '../../server/rooms/lobby/lobby-index'

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

/** What every lobby index does, the memory one and the one in Redis alike. */
export function describeLobbyIndex(name: string, create: () => Promise<LobbyIndex>): void {
  describe(`${name}: the lobby index`, () => {
    it('pages through the listed rooms in order (online, members, id), each once, with a cursor after the last one', async () => {
      const index = await create()
      await index.apply([listed('b', 1, 3), listed('a', 1, 3), listed('c', 2, 2), listed('d', 0, 9), listed('e', 1, 1), { id: 'x', meta: { title: 'x', listed: false }, counts: { online: 9, members: 9, at: 1 } }])
      expect(await allPages(index, 2)).toEqual([['c', 'a'], ['b', 'e'], ['d']])
      expect(await allPages(index, 5)).toEqual([['c', 'a', 'b', 'e', 'd']])
    })

    it('a count change moves the room; an older observation of the counts never overwrites a newer one; an empty room is not listed', async () => {
      const index = await create()
      await index.apply([listed('a', 1, 1), listed('b', 2, 2), listed('c', 0, 1)])
      await index.apply([{ id: 'a', counts: { online: 5, members: 5, at: 10 } }, { id: 'a', counts: { online: 0, members: 1, at: 9 } }])
      await index.apply([{ id: 'c', counts: { online: 0, members: 0, at: 10 } }])
      expect((await index.page(undefined, 10)).entries.map(e => [e.id, e.online])).toEqual([['a', 5], ['b', 2]])
    })

    it('searches ids and titles, case-insensitively', async () => {
      const index = await create()
      await index.apply([listed('cats', 1, 1, 'Meow'), listed('dogs', 2, 2, 'Woof and CATS'), listed('birds', 3, 3, 'Tweet')])
      expect(await allPages(index, 10, 'cat')).toEqual([['dogs', 'cats']])
      expect(await allPages(index, 1, 'cat')).toEqual([['dogs'], ['cats']])
    })

    it('a poll tells the top and the rooms changed since a version, and nothing when nothing changed', async () => {
      const index = await create()
      await index.apply([listed('a', 1, 1), listed('b', 2, 2), { id: 'h', meta: { title: 'H', listed: false }, counts: { online: 1, members: 1, at: 1 } }])
      const first = await index.poll(-1, 1)
      expect(first.top!.map(e => e.id)).toEqual(['b'])
      expect(await index.poll(first.version, 1)).toEqual({ version: first.version })
      await index.apply([{ id: 'h', lastSeq: 3 }, { id: 'a', lastSeq: 0 }, { id: 'b', gone: true }])
      const second = await index.poll(first.version, 1)
      expect(second.top!.map(e => e.id)).toEqual(['a'])
      expect(new Set(second.changedIds)).toEqual(new Set(['h', 'b']))
      const entries = await index.entries(['h', 'b'])
      expect([...entries.keys()]).toEqual(['h'])
      expect(entries.get('h')).toMatchObject({ title: 'H', listed: false, lastSeq: 3 })
    })

    it('a feed further behind than the change log reads everything again', async () => {
      const index = await create()
      const start = (await index.poll(-1, 1)).version
      await index.apply(Array.from({ length: CHANGE_LOG_LIMIT + 10 }, (_, n) => ({ id: `r${n}`, lastSeq: 1 })))
      const poll = await index.poll(start, 1)
      expect(poll.changedIds).toBeUndefined()
      expect(poll.version).toBeGreaterThan(start)
    })
  })
}
