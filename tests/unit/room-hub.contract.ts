import { afterEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomHubOptions } from '../../server/rooms/room-hub'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

const WINDOW_MS = 400

/** The store with one method failing at its first call, as a store error would. */
function failingOnce(store: RoomStore, method: keyof RoomStore): RoomStore {
  let failed = false
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown
      if (typeof value !== 'function') return value
      if (key !== method || failed) return value.bind(target)
      return () => {
        failed = true
        return Promise.reject(new Error(`injected ${method} failure`))
      }
    },
  })
}

/** The store with `then` run right after `method` answers, before its caller goes on. */
function after(store: RoomStore, method: keyof RoomStore, then: () => Promise<void>): RoomStore {
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown
      if (typeof value !== 'function') return value
      if (key !== method) return value.bind(target)
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args)
        await then()
        return result
      }
    },
  })
}

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

    async function createHub(wrap: (store: RoomStore) => RoomStore = store => store, options: RoomHubOptions = {}) {
      const hub = new RoomHub({ store: wrap(await createStore()), heartbeatWindowMs: WINDOW_MS, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {}, ...options })
      hub.start()
      hubs.push(hub)
      return hub
    }

    async function join(hub: RoomHub, roomId: string, name: string, extra: object = {}) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    const lastPresence = (conn: FakeConnection) => conn.of('presence').at(-1)

    async function refusal(hub: RoomHub, roomId: string, name: string, extra: object = {}) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      const error = await conn.waitFor('error')
      expect(conn.of('joined')).toHaveLength(0)
      return error
    }

    it('refuses a look-alike of a member\'s name: another script, zero-width, soft hyphen, fullwidth, decomposed, case', async () => {
      const hub = await createHub()
      await join(hub, 'names', 'alice')
      await join(hub, 'names', '\u00e9mile')
      for (const name of ['al\u0456ce', 'alice\u200b', 'a\u200dlice', 'al\u00adice', '\uff41\uff4c\uff49\uff43\uff45', 'ALICE', 'aIice', 'e\u0301mile']) {
        expect({ name, error: await refusal(hub, 'names', name) }).toMatchObject({ name, error: { code: 'NAME_TAKEN' } })
      }
      for (const name of ['\u200b', '\u202e', 'ali\u0000ce', 'ali\ud800ce']) {
        expect({ name, error: await refusal(hub, 'names', name) }).toMatchObject({ name, error: { code: 'BAD_REQUEST' } })
      }
      const shown = await join(hub, 'names', '\u202eecila')
      expect(shown.joined.you.name).toBe('ecila')
      expect(await hub.summary('names')).toMatchObject({ members: 3 })
    })

    it('a join never takes the name of a member silent past the window: NAME_TAKEN, nobody leaves, and its token still brings it back', async () => {
      const hub = await createHub()
      const watcher = await join(hub, 'phone', 'Watcher')
      const keepAlive = setInterval(() => hub.receive(watcher.conn, '{"type":"ping"}'), 100)
      try {
        const laptop = await join(hub, 'phone', 'Ada')
        await new Promise(resolve => setTimeout(resolve, 20))
        hub.receive(laptop.conn, '{"type":"ping"}')
        await laptop.conn.waitFor('pong')
        hub.close(laptop.conn)
        expect(await refusal(hub, 'phone', 'ada')).toMatchObject({ code: 'NAME_TAKEN' })
        await new Promise(resolve => setTimeout(resolve, WINDOW_MS + 100))
        expect(await refusal(hub, 'phone', 'ada')).toMatchObject({ code: 'NAME_TAKEN' })
        expect(watcher.conn.of('presence').some(p => p.left.includes(laptop.joined.you.id))).toBe(false)
        const back = await join(hub, 'phone', 'Ada', { token: laptop.joined.token })
        expect(back.joined.you).toEqual(laptop.joined.you)
        expect(await hub.summary('phone')).toMatchObject({ members: 2 })
      }
      finally {
        clearInterval(keepAlive)
      }
    })

    it('nobody takes the name of a member who is online, however long it has been a member', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'kept', 'Ada')
      const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 100)
      try {
        await new Promise(resolve => setTimeout(resolve, 2 * WINDOW_MS))
        expect(await refusal(hub, 'kept', 'ADA')).toMatchObject({ code: 'NAME_TAKEN' })
        expect(await hub.summary('kept')).toMatchObject({ online: 1, members: 1 })
        expect(ada.conn.of('left')).toHaveLength(0)
      }
      finally {
        clearInterval(keepAlive)
      }
    })

    it('joined says whether the room is protected, and notes a password sent to an open room', async () => {
      const hub = await createHub()
      const creator = await join(hub, 'vault', 'Ada', { password: 's3cret' })
      expect(creator.joined).toMatchObject({ created: true, protected: true })
      expect(creator.joined).not.toHaveProperty('passwordIgnored')
      // The token is enough to come back in, without the password.
      const tab = await join(hub, 'vault', 'Ada', { token: creator.joined.token })
      expect(tab.joined).toMatchObject({ protected: true, you: creator.joined.you })
      const open = await join(hub, 'open', 'Bob')
      expect(open.joined).toMatchObject({ protected: false })
      expect(open.joined).not.toHaveProperty('passwordIgnored')
      const typed = await join(hub, 'open', 'Cy', { password: 'typed anyway' })
      expect(typed.joined).toMatchObject({ protected: false, passwordIgnored: true })
      expect(await hub.summary('open')).toMatchObject({ protected: false, members: 2 })
    })

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

    it('between full sweeps, a member that stops pinging still leaves online within the window plus a sweep', async () => {
      const hub = await createHub(store => store, { idleRoomSweepIntervalMs: 60_000 })
      const ada = await join(hub, 'between', 'Ada')
      const bob = await join(hub, 'between', 'Bob')
      await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ online: 2, members: 2 }))
      const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 100)
      try {
        const quietSince = Date.now()
        await vi.waitFor(() => expect(lastPresence(ada.conn)).toMatchObject({ online: 1, changed: [{ id: bob.joined.you.id, active: false }] }), { timeout: 2 * WINDOW_MS })
        expect(Date.now() - quietSince).toBeLessThan(WINDOW_MS + 300)
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

    it.each(['subscribe', 'listMembers', 'touchMember', 'timelineBefore'] as const)(
      'a first join whose %s fails leaves nothing behind: the room and the name work for the next join',
      async (step) => {
        const hub = await createHub(store => failingOnce(store, step))
        const first = new FakeConnection()
        hub.open(first)
        hub.receive(first, JSON.stringify({ type: 'join', roomId: 'fragile', name: 'Ada', create: true }))
        expect(await first.waitFor('error')).toMatchObject({ code: 'INTERNAL' })
        const ada = await join(hub, 'fragile', 'Ada')
        expect(ada.joined.presence).toMatchObject({ online: 1, members: 1 })
        const bob = await join(hub, 'fragile', 'Bob')
        hub.receive(ada.conn, '{"type":"chat","text":"still works"}')
        expect(await bob.conn.waitFor('chat')).toMatchObject({ text: 'still works', from: { id: ada.joined.you.id } })
        expect(await hub.summary('fragile')).toMatchObject({ members: 2 })
      },
    )

    it('a resume racing a leave either joins as a new member or is told it left: nobody acts for the removed one', async () => {
      let raceLeave: (() => Promise<void>) | undefined
      const hub = await createHub(store => after(store, 'findMemberByTokenHash', async () => {
        const leave = raceLeave
        raceLeave = undefined
        await leave?.()
      }))
      const ada = await join(hub, 'race', 'Ada')
      const bob = await join(hub, 'race', 'Bob')
      // The leave lands (on another instance, say) between the resume's token lookup and its entry.
      raceLeave = () => hub.leaveByToken('race', ada.joined.token).then(() => {})
      const back = new FakeConnection()
      hub.open(back)
      hub.receive(back, JSON.stringify({ type: 'join', roomId: 'race', name: 'Ada', token: ada.joined.token }))
      await vi.waitFor(() => expect(back.of('joined').length + back.of('left').length).toBe(1))
      hub.receive(back, '{"type":"chat","text":"after the race"}')
      const joined = back.of('joined')[0]
      if (joined) {
        expect(joined.you.id).not.toBe(ada.joined.you.id)
        expect(await bob.conn.waitFor('chat')).toMatchObject({ from: { id: joined.you.id, name: 'Ada' } })
      }
      else {
        expect(await back.waitFor('error')).toMatchObject({ code: 'NOT_JOINED' })
      }
      const ids = (await hub.store.listMembers('race')).map(m => m.id)
      expect(ids).toContain(bob.joined.you.id)
      expect(ids).not.toContain(ada.joined.you.id)
      expect(bob.conn.of('chat').filter(m => m.from.id === ada.joined.you.id)).toEqual([])
    })

    it('a socket whose member was removed without this process hearing of it is told it left and posts nothing', async () => {
      const hub = await createHub()
      const ada = await join(hub, 'ghost', 'Ada')
      const bob = await join(hub, 'ghost', 'Bob')
      await hub.store.removeMember('ghost', ada.joined.you.id)
      hub.receive(ada.conn, '{"type":"chat","text":"from a ghost"}')
      expect(await ada.conn.waitFor('left')).toEqual({ type: 'left', roomId: 'ghost' })
      hub.receive(bob.conn, '{"type":"chat","text":"from a member"}')
      await bob.conn.waitFor('chat')
      expect(bob.conn.of('chat').map(m => m.text)).toEqual(['from a member'])
    })
  })
}
