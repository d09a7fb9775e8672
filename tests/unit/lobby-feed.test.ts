import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LobbyFrame } from '../../shared/protocol'
import type { LobbyUpdate } from '../../server/rooms/lobby/lobby-entry'
import { LobbyFeed } from '../../server/rooms/lobby/lobby-feed'
import { MemoryLobbyIndex } from '../../server/rooms/lobby/memory-lobby-index'
import { FakeConnection } from '../support/fake-connection'

const TOKENS: Record<string, string> = { secret: 'tok-secret', hidden: 'tok-hidden' }

function room(id: string, online: number, members: number, listed = true, title = id): LobbyUpdate {
  return { id, meta: { title, listed }, counts: { online, members, at: Date.now() } }
}

describe('LobbyFeed', () => {
  let index: MemoryLobbyIndex
  let feed: LobbyFeed

  beforeEach(() => {
    vi.useFakeTimers()
    index = new MemoryLobbyIndex()
    feed = new LobbyFeed({
      index,
      topCount: 3,
      mergeMs: 1000,
      maxWatchers: 4,
      watchersPerAddress: 2,
      verifyToken: async (roomId, token) => TOKENS[roomId] === token,
      compute: async () => undefined,
      log: () => {},
    })
  })
  afterEach(() => {
    feed.dispose()
    vi.useRealTimers()
  })

  const lobbyFrames = (conn: FakeConnection) => conn.of('lobby') as LobbyFrame[]

  it('a watcher gets the top listed rooms busiest first (online, members, then id), and no unlisted room', async () => {
    await index.apply([room('b', 2, 5), room('a', 2, 5), room('c', 9, 9, false), room('d', 3, 1), room('e', 0, 9), room('f', 0, 1)])
    const conn = new FakeConnection('1.1.1.1')
    expect(await feed.watch(conn, '1.1.1.1')).toBeUndefined()
    expect(lobbyFrames(conn)).toEqual([{
      type: 'lobby',
      rooms: [
        { id: 'd', title: 'd', online: 3, members: 1 },
        { id: 'a', title: 'a', online: 2, members: 5 },
        { id: 'b', title: 'b', online: 2, members: 5 },
      ],
      mine: [],
      refused: [],
    }])
  })

  it('changes within a second go out as one frame with the latest state, at most once a second, and nothing when nothing changed', async () => {
    await index.apply([room('a', 1, 1)])
    const conn = new FakeConnection()
    await feed.watch(conn, 'x')
    await index.apply([room('a', 2, 2)])
    await index.apply([room('b', 1, 1)])
    await index.apply([room('a', 3, 3)])
    await vi.advanceTimersByTimeAsync(999)
    expect(lobbyFrames(conn)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(lobbyFrames(conn)).toHaveLength(2)
    expect(lobbyFrames(conn)[1]).toEqual({ type: 'lobby', changed: [{ id: 'a', title: 'a', online: 3, members: 3 }, { id: 'b', title: 'b', online: 1, members: 1 }] })
    await vi.advanceTimersByTimeAsync(5000)
    expect(lobbyFrames(conn)).toHaveLength(2)
    // A change that does not touch what the lobby shows (a chat seq) sends nothing either.
    await index.apply([{ id: 'a', lastSeq: 7 }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(conn)).toHaveLength(2)
  })

  it('a room that is gone, no longer listed, emptied or pushed out of the top is removed', async () => {
    await index.apply([room('a', 3, 3), room('b', 2, 2), room('c', 1, 1)])
    const conn = new FakeConnection()
    await feed.watch(conn, 'x')
    await index.apply([{ id: 'a', gone: true }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(conn)[1]).toEqual({ type: 'lobby', removed: ['a'] })
    await index.apply([{ id: 'b', meta: { title: 'b', listed: false } }, { id: 'c', counts: { online: 0, members: 0, at: Date.now() } }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(conn)[2]).toEqual({ type: 'lobby', removed: ['b', 'c'] })
    await index.apply([room('p', 5, 5), room('q', 5, 5), room('r', 5, 5), room('s', 6, 6)])
    await vi.advanceTimersByTimeAsync(1000)
    await index.apply([room('t', 7, 7)])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(conn)[4]).toEqual({ type: 'lobby', changed: [{ id: 't', title: 't', online: 7, members: 7 }], removed: ['q'] })
  })

  it('your rooms: a good token shows the room whatever its visibility, a wrong one shows nothing; changes come in mine, a deleted room in mineRemoved', async () => {
    await index.apply([room('secret', 1, 2, false, 'Secret'), room('hidden', 1, 1, false, 'Hidden'), room('open', 1, 1)])
    const mine = new FakeConnection()
    const other = new FakeConnection()
    await feed.watch(mine, 'x', [{ id: 'secret', token: 'tok-secret' }, { id: 'hidden', token: 'wrong' }])
    await feed.watch(other, 'y')
    expect(lobbyFrames(mine)[0]).toEqual({
      type: 'lobby',
      rooms: [{ id: 'open', title: 'open', online: 1, members: 1 }],
      mine: [{ id: 'secret', title: 'Secret', online: 1, members: 2, lastSeq: 0 }],
      refused: ['hidden'],
    })
    await index.apply([{ id: 'secret', lastSeq: 4 }, { id: 'hidden', lastSeq: 9 }, room('open', 2, 2)])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(mine)[1]).toEqual({
      type: 'lobby',
      changed: [{ id: 'open', title: 'open', online: 2, members: 2 }],
      mine: [{ id: 'secret', title: 'Secret', online: 1, members: 2, lastSeq: 4 }],
    })
    expect(lobbyFrames(other)[1]).toEqual({ type: 'lobby', changed: [{ id: 'open', title: 'open', online: 2, members: 2 }] })
    await index.apply([{ id: 'secret', gone: true }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(lobbyFrames(mine)[2]).toEqual({ type: 'lobby', mineRemoved: ['secret'] })
    expect(lobbyFrames(other)).toHaveLength(2)
  })

  it('watchers are bounded per address and in total; unwatch frees a place, and the timer stops with the last watcher', async () => {
    const conns = Array.from({ length: 6 }, () => new FakeConnection())
    expect(await feed.watch(conns[0]!, 'a')).toBeUndefined()
    expect(await feed.watch(conns[1]!, 'a')).toBeUndefined()
    expect(await feed.watch(conns[2]!, 'a')).toMatchObject({ code: 'TOO_MANY_WATCHERS' })
    expect(await feed.watch(conns[2]!, 'b')).toBeUndefined()
    expect(await feed.watch(conns[3]!, 'c')).toBeUndefined()
    expect(await feed.watch(conns[4]!, 'd')).toMatchObject({ code: 'TOO_MANY_WATCHERS' })
    feed.unwatch(conns[0]!)
    expect(await feed.watch(conns[4]!, 'a')).toBeUndefined()
    expect(feed.watcherCount).toBe(4)
    // Watching again replaces the feed (a new first frame, still one place): bursts of 5, then once a second, unwatching or not.
    for (let n = 0; n < 4; n++) expect(await feed.watch(conns[1]!, 'a')).toBeUndefined()
    expect(await feed.watch(conns[1]!, 'a')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 })
    feed.unwatch(conns[1]!)
    await vi.advanceTimersByTimeAsync(999)
    expect(await feed.watch(conns[1]!, 'a')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1 })
    await vi.advanceTimersByTimeAsync(1)
    expect(await feed.watch(conns[1]!, 'a')).toBeUndefined()
    expect(lobbyFrames(conns[1]!).filter(frame => frame.rooms)).toHaveLength(6)
    expect(vi.getTimerCount()).toBe(1)
    for (const conn of conns) feed.unwatch(conn)
    expect(feed.watcherCount).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    await index.apply([room('a', 1, 1)])
    await vi.advanceTimersByTimeAsync(2000)
    expect(conns.every(conn => lobbyFrames(conn).every(frame => frame.rooms !== undefined))).toBe(true)
  })

  it('one read of the index per tick, however many watchers', async () => {
    const many = new LobbyFeed({ index, topCount: 100, mergeMs: 1000, maxWatchers: 1000, watchersPerAddress: 1000, verifyToken: async () => false, compute: async () => undefined, log: () => {} })
    const poll = vi.spyOn(index, 'poll')
    const conns = Array.from({ length: 500 }, () => new FakeConnection())
    for (const conn of conns) await many.watch(conn, 'x')
    poll.mockClear()
    await index.apply([room('a', 1, 1)])
    await vi.advanceTimersByTimeAsync(3000)
    expect(poll).toHaveBeenCalledTimes(3)
    expect(conns.every(conn => lobbyFrames(conn).length === 2)).toBe(true)
    many.dispose()
  })
})
