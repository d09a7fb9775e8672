import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryLobbyIndex } from '../../server/rooms/lobby/memory-lobby-index'
import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

const hubs: RoomHub[] = []

function newHub(store: MemoryRoomStore, index: MemoryLobbyIndex) {
  const hub = new RoomHub({ store, lobbyIndex: index, heartbeatWindowMs: 1000, memberTtlMs: 60_000, emptyRoomGraceMs: 2000, idleTimeoutMs: 60_000, log: () => {} })
  hubs.push(hub)
  hub.start()
  return hub
}

async function join(hub: RoomHub, roomId: string, name: string) {
  const conn = new FakeConnection()
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, visibility: 'public' }))
  const joined = await conn.waitFor('joined')
  await vi.advanceTimersByTimeAsync(0)
  return { conn, joined }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.stop()
  vi.useRealTimers()
})

describe('the hub keeps the lobby index', () => {
  it('a join, a chat and a closed last socket reach the index within the flush delay', async () => {
    const index = new MemoryLobbyIndex()
    const hub = newHub(new MemoryRoomStore(50), index)
    const ann = await join(hub, 'room', 'Ann')
    await vi.advanceTimersByTimeAsync(300)
    expect((await index.entries(['room'])).get('room')).toMatchObject({ listed: true, online: 1, members: 1, lastSeq: 0 })
    hub.receive(ann.conn, '{"type":"chat","text":"hi"}')
    await vi.advanceTimersByTimeAsync(300)
    expect((await index.entries(['room'])).get('room')).toMatchObject({ lastSeq: 1 })
    hub.close(ann.conn)
    await vi.advanceTimersByTimeAsync(300)
    expect((await index.entries(['room'])).get('room')).toMatchObject({ online: 0, members: 1 })
  })

  it('after a restart, rooms are read into the index with their members, none online: liveness died with the process', async () => {
    const store = new MemoryRoomStore(50)
    const before = newHub(store, new MemoryLobbyIndex())
    const ann = await join(before, 'kept', 'Ann')
    await vi.advanceTimersByTimeAsync(100)
    before.receive(ann.conn, '{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(0)
    // The process dies: its socket never closes. Who was online lived in
    // that process only (issue 20), so the next one counts the member, offline.
    before.stop()
    const index = new MemoryLobbyIndex()
    newHub(store, index)
    await vi.advanceTimersByTimeAsync(300)
    expect((await index.entries(['kept'])).get('kept')).toMatchObject({ listed: true, online: 0, members: 1 })
  })

  it('an entry of a room the store no longer holds is dropped at the next prune', async () => {
    const index = new MemoryLobbyIndex()
    const hub = newHub(new MemoryRoomStore(50), index)
    await join(hub, 'real', 'Ann')
    await index.apply([{ id: 'ghost', meta: { title: 'Ghost', listed: true }, counts: { online: 3, members: 3, at: Date.now() } }])
    await hub.lobby.prune(['real'], Date.now() + 60_000)
    await hub.lobby.writer.flush()
    expect([...(await index.entries(['real', 'ghost'])).keys()]).toEqual(['real'])
    expect((await hub.lobby.page(undefined, 10)).rooms.map(room => room.id)).toEqual(['real'])
  })
})
