import { afterEach, describe, expect, it } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/**
 * Which join makes a room, whatever store holds the rooms: only one that says
 * `create: true`, so a mistyped id is told it names no room. Ids compare
 * case-insensitively and are kept in lower case.
 */
export function describeRoomCreation(name: string, createStore: () => Promise<RoomStore>) {
  describe(`${name}: which join creates a room`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function createHub() {
      const hub = new RoomHub({ store: await createStore(), log: () => {} })
      hubs.push(hub)
      return hub
    }

    function send(hub: RoomHub, frame: object) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify(frame))
      return conn
    }

    async function answer(conn: FakeConnection) {
      return Promise.race([conn.waitFor('joined'), conn.waitFor('error')])
    }

    it('a join of a room that does not exist, without create, gets NO_SUCH_ROOM and creates nothing', async () => {
      const hub = await createHub()
      const typo = send(hub, { type: 'join', roomId: 'desing', name: 'Ada' })
      expect(await answer(typo)).toMatchObject({ type: 'error', code: 'NO_SUCH_ROOM' })
      expect(typo.of('joined')).toHaveLength(0)
      expect(await hub.summary('desing')).toBeUndefined()
      expect(await hub.store.getRoom('desing')).toBeUndefined()
      // Nothing of the refused join holds the room or the name: a create afterwards makes Ada its owner.
      const creator = send(hub, { type: 'join', roomId: 'desing', name: 'Ada', create: true })
      expect(await answer(creator)).toMatchObject({ type: 'joined', created: true, presence: { members: 1 } })
    })

    it('a join without create enters a room that exists, and create: true on an existing room only joins it', async () => {
      const hub = await createHub()
      const ada = send(hub, { type: 'join', roomId: 'design', name: 'Ada', create: true, title: 'Design review' })
      expect(await answer(ada)).toMatchObject({ type: 'joined', created: true })
      const bob = send(hub, { type: 'join', roomId: 'design', name: 'Bob' })
      expect(await answer(bob)).toMatchObject({ type: 'joined', created: false, title: 'Design review', presence: { members: 2 } })
      const cy = send(hub, { type: 'join', roomId: 'design', name: 'Cy', create: true, title: 'Hijacked' })
      expect(await answer(cy)).toMatchObject({ type: 'joined', created: false, title: 'Design review', presence: { members: 3 } })
    })

    it('room ids compare case-insensitively: DESIGN joins design, and a room created as MixedCase is kept as mixedcase', async () => {
      const hub = await createHub()
      const ada = send(hub, { type: 'join', roomId: 'design', name: 'Ada', create: true })
      expect(await answer(ada)).toMatchObject({ type: 'joined', roomId: 'design' })
      for (const [i, spelling] of ['DESIGN', 'Design'].entries()) {
        const other = send(hub, { type: 'join', roomId: spelling, name: `Member${i}` })
        expect(await answer(other)).toMatchObject({ type: 'joined', roomId: 'design', created: false })
      }
      expect(await hub.summary('design')).toMatchObject({ members: 3 })
      const mixed = send(hub, { type: 'join', roomId: 'MixedCase', name: 'Ada', create: true })
      expect(await answer(mixed)).toMatchObject({ type: 'joined', roomId: 'mixedcase', created: true })
      expect(await hub.store.getRoom('mixedcase')).toMatchObject({ id: 'mixedcase' })
      expect(await hub.store.getRoom('MixedCase')).toBeUndefined()
    })

    it('a private room id is never created by a join, create or not', async () => {
      const hub = await createHub()
      for (const create of [undefined, true]) {
        const conn = send(hub, { type: 'join', roomId: 'dm-0123456789abcdef', name: 'Eve', create })
        expect(await answer(conn)).toMatchObject({ type: 'error', code: 'FORBIDDEN' })
      }
      expect(await hub.store.getRoom('dm-0123456789abcdef')).toBeUndefined()
    })

    it('the summary shows an open room\'s title, and not a protected room\'s', async () => {
      const hub = await createHub()
      await answer(send(hub, { type: 'join', roomId: 'open', name: 'Ada', create: true, title: 'Tea break' }))
      await answer(send(hub, { type: 'join', roomId: 'locked', name: 'Ada', create: true, title: 'Secret plans', password: 'hunter2' }))
      expect(await hub.summary('open')).toEqual({ roomId: 'open', online: 1, members: 1, protected: false, title: 'Tea break' })
      expect(await hub.summary('locked')).toEqual({ roomId: 'locked', online: 1, members: 1, protected: true })
    })
  })
}
