import { afterEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

const WINDOW_MS = 400

/**
 * The room logic's behaviour, whatever store holds the rooms: the memory
 * store and the Redis store run this same suite, in real time with a short
 * window (Redis answers over a real socket, which fake timers cannot drive).
 */
export function describeRoomHub(name: string, createStore: () => Promise<RoomStore>) {
  describe(`${name}: the room logic`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function createHub() {
      const hub = new RoomHub({ store: await createStore(), heartbeatWindowMs: WINDOW_MS, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {} })
      hub.start()
      hubs.push(hub)
      return hub
    }

    async function join(hub: RoomHub, roomId: string, name: string, extra: object = {}) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, ...extra }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    const lastPresence = (conn: FakeConnection) => conn.of('presence').at(-1)

    it('tells the room about a newcomer with only what changed, and chat reaches everyone in seq order', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'lobby', 'Ada')
      const bob = await join(hub, 'lobby', 'Bob')
      await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ online: 2, members: 2, changed: [{ id: bob.joined.you.id, active: true }], left: [] }))
      hub.receive(ada.conn, '{"type":"chat","text":"one"}')
      hub.receive(bob.conn, '{"type":"chat","text":"two"}')
      await bob.conn.waitFor('chat', 2)
      await ada.conn.waitFor('chat', 2)
      expect(ada.conn.of('chat').map(m => m.seq)).toEqual(bob.conn.of('chat').map(m => m.seq))
      expect(bob.conn.of('chat').map(m => m.text).sort()).toEqual(['one', 'two'])
    })

    it('one member in two tabs is counted once, and is offline at once when both close', async () => {
      const hub = await createHub()
      const watcher = await join(hub, 'tabs', 'Watcher')
      const first = await join(hub, 'tabs', 'Ada')
      const second = await join(hub, 'tabs', 'Ada', { token: first.joined.token })
      expect(second.joined.presence).toMatchObject({ online: 2, members: 2 })
      hub.close(first.conn)
      hub.close(second.conn)
      await vi.waitFor(() => expect(lastPresence(watcher.conn)).toMatchObject({ online: 1, members: 2 }), { timeout: WINDOW_MS / 2 })
    })

    it('a member that stops pinging leaves online within the window plus a sweep, and a ping brings it back', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'quiet', 'Ada')
      const bob = await join(hub, 'quiet', 'Bob')
      const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 100)
      try {
        await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ online: 1, changed: [{ id: bob.joined.you.id, active: false }] }), { timeout: 2 * WINDOW_MS })
        hub.receive(bob.conn, '{"type":"ping"}')
        await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ online: 2, changed: [{ id: bob.joined.you.id, active: true }] }))
      }
      finally {
        clearInterval(keepAlive)
      }
    })

    it('resumes with lastSeq, answers a repeated clientId with the original, and removes a leaver', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'resume', 'Ada')
      const bob = await join(hub, 'resume', 'Bob')
      hub.receive(ada.conn, '{"type":"chat","text":"seen","clientId":"c1"}')
      const seen = await bob.conn.waitFor('chat')
      hub.close(bob.conn)
      hub.receive(ada.conn, '{"type":"chat","text":"missed"}')
      await ada.conn.waitFor('chat', 2)
      const back = await join(hub, 'resume', 'Bob', { token: bob.joined.token, lastSeq: seen.seq })
      expect(back.joined).toMatchObject({ recovered: true, you: bob.joined.you })
      expect(back.joined.history.map(m => m.text)).toEqual(['missed'])

      hub.receive(ada.conn, '{"type":"chat","text":"seen","clientId":"c1"}')
      await vi.waitFor(() => expect(ada.conn.of('chat')).toHaveLength(3))
      expect(ada.conn.of('chat')[2]).toEqual(ada.conn.of('chat')[0])

      hub.receive(back.conn, '{"type":"leave"}')
      await back.conn.waitFor('left')
      await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ members: 1, left: [bob.joined.you.id] }))
      expect(await hub.summary('resume')).toMatchObject({ online: 1, members: 1 })
    })
  })
}
