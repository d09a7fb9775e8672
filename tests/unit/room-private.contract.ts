import { afterEach, describe, expect, it } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/** Private rooms of two members (dm, invite), whatever store holds the rooms. */
export function describePrivateRooms(name: string, createStore: () => Promise<RoomStore>) {
  describe(`${name}: private rooms`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function createHub() {
      const hub = new RoomHub({ store: await createStore(), heartbeatWindowMs: 400, sweepIntervalMs: 50, memberTtlMs: 60_000, log: () => {} })
      hub.start()
      hubs.push(hub)
      return hub
    }

    async function join(hub: RoomHub, roomId: string, name: string, extra: object = {}, address = '203.0.113.1') {
      const conn = new FakeConnection(address)
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    async function refusal(hub: RoomHub, roomId: string, name: string, extra: object = {}, address = '192.0.2.9') {
      const conn = new FakeConnection(address)
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      const error = await conn.waitFor('error')
      expect(conn.of('joined')).toHaveLength(0)
      return error
    }

    /** Ada, Bob (two tabs) and Cy in the plaza, Bob also in the attic; Ada asks for a private room with Bob. */
    async function plaza() {
      const hub = await createHub()
      const ada = await join(hub, 'plaza', 'Ada', {}, '203.0.113.1')
      const bob = await join(hub, 'plaza', 'Bob', {}, '198.51.100.2')
      const bobTab = await join(hub, 'plaza', 'Bob', { token: bob.joined.token }, '198.51.100.2')
      const bobAttic = await join(hub, 'attic', 'Bob', {}, '198.51.100.2')
      const cy = await join(hub, 'plaza', 'Cy', {}, '192.0.2.3')
      hub.receive(ada.conn, JSON.stringify({ type: 'dm', to: bob.joined.you.id }))
      const dm = await ada.conn.waitFor('dm')
      const invite = await bob.conn.waitFor('invite')
      return { hub, ada, bob, bobTab, bobAttic, cy, dm, invite }
    }

    it('the sender gets its token, the other member an invite on its sockets in that room only, and both join', async () => {
      const { hub, ada, bob, bobTab, bobAttic, cy, dm, invite } = await plaza()
      expect(dm.roomId).toMatch(/^dm-[0-9a-f]{32}$/)
      expect(invite).toEqual({ type: 'invite', roomId: dm.roomId, from: { id: ada.joined.you.id, name: 'Ada' }, token: invite.token })
      expect(invite.token).not.toBe(dm.token)
      expect(await bobTab.conn.waitFor('invite')).toEqual(invite)
      expect(bobAttic.conn.of('invite')).toEqual([])
      expect(cy.conn.of('invite')).toEqual([])
      expect(ada.conn.of('invite')).toEqual([])
      expect([...bob.conn.of('dm'), ...cy.conn.of('dm')]).toEqual([])

      const adaThere = await join(hub, dm.roomId, 'Ada', { token: dm.token }, '203.0.113.1')
      expect(adaThere.joined).toMatchObject({
        roomId: dm.roomId, you: ada.joined.you, token: dm.token, visibility: 'unlisted', owner: '', protected: false,
        title: 'Ada & Bob', peer: { id: bob.joined.you.id, name: 'Bob' },
      })
      const bobThere = await join(hub, dm.roomId, 'Bob', { token: invite.token }, '198.51.100.2')
      expect(bobThere.joined).toMatchObject({ you: bob.joined.you, token: invite.token, peer: { id: ada.joined.you.id, name: 'Ada' } })
      expect(bobThere.joined.presence.members).toBe(2)
      hub.receive(bobThere.conn, '{"type":"chat","text":"just us"}')
      expect(await adaThere.conn.waitFor('chat')).toMatchObject({ text: 'just us', from: { id: bob.joined.you.id } })
      expect(await hub.store.getRoom(dm.roomId)).toMatchObject({ visibility: 'unlisted', private: { originRoomId: 'plaza' } })
    })

    it('refuses anyone else, whatever the join carries, and never makes a room of an ended one', async () => {
      const { hub, cy, dm } = await plaza()
      expect(await refusal(hub, dm.roomId, 'Cy')).toMatchObject({ code: 'FORBIDDEN' })
      expect(await refusal(hub, dm.roomId, 'Cy', { token: cy.joined.token })).toMatchObject({ code: 'FORBIDDEN' })
      expect(await refusal(hub, dm.roomId, 'Cy', { password: 'let me in' })).toMatchObject({ code: 'FORBIDDEN' })
      expect(await refusal(hub, dm.roomId, 'Cy', { token: 'A'.repeat(32), password: 'x', title: 'Mine', visibility: 'public' })).toMatchObject({ code: 'FORBIDDEN' })
      // Still only the two seats, and nobody in it yet.
      expect(await hub.store.listMembers(dm.roomId)).toEqual([])
      const ended = 'dm-' + 'B'.repeat(22)
      expect(await refusal(hub, ended, 'Cy')).toMatchObject({ code: 'FORBIDDEN' })
      expect(await hub.store.getRoom(ended)).toBeUndefined()
    })

    it('a second dm for the pair opens the same room, and every token handed out stands for the same member', async () => {
      const { hub, ada, bob, dm, invite } = await plaza()
      const bobThere = await join(hub, dm.roomId, 'Bob', { token: invite.token }, '198.51.100.2')
      hub.receive(bob.conn, JSON.stringify({ type: 'dm', to: ada.joined.you.id }))
      const again = await bob.conn.waitFor('dm')
      const adaInvite = await ada.conn.waitFor('invite')
      expect(again.roomId).toBe(dm.roomId)
      expect(adaInvite).toMatchObject({ roomId: dm.roomId, from: { id: bob.joined.you.id, name: 'Bob' } })
      const adaOld = await join(hub, dm.roomId, 'Ada', { token: dm.token }, '203.0.113.1')
      const adaNew = await join(hub, dm.roomId, 'Ada', { token: adaInvite.token }, '203.0.113.1')
      const bobNew = await join(hub, dm.roomId, 'Bob', { token: again.token }, '198.51.100.2')
      for (const { joined } of [adaOld, adaNew]) expect(joined.you).toEqual(ada.joined.you)
      expect(bobNew.joined.you).toEqual(bobThere.joined.you)
      expect((await hub.store.listMembers(dm.roomId)).map(m => m.id).sort()).toEqual([ada.joined.you.id, bob.joined.you.id].sort())
      // The away beacon and the leave route take any of them too.
      expect(await hub.away(dm.roomId, adaInvite.token)).toBe(true)
      expect(await hub.leaveByToken(dm.roomId, again.token)).toBe(true)
      expect((await hub.store.listMembers(dm.roomId)).map(m => m.id)).toEqual([ada.joined.you.id])
    })

    it('refuses a dm to oneself, to a stranger, from a private room, and past the rate', async () => {
      const { hub, ada, bob, cy, dm } = await plaza()
      hub.receive(ada.conn, JSON.stringify({ type: 'dm', to: ada.joined.you.id }))
      expect(await ada.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      hub.receive(ada.conn, JSON.stringify({ type: 'dm', to: 'not-a-member' }))
      expect(await ada.conn.waitFor('error', 2)).toMatchObject({ code: 'BAD_REQUEST' })
      hub.receive(ada.conn, JSON.stringify({ type: 'dm' }))
      expect(await ada.conn.waitFor('error', 3)).toMatchObject({ code: 'BAD_REQUEST' })
      const adaThere = await join(hub, dm.roomId, 'Ada', { token: dm.token }, '203.0.113.1')
      hub.receive(adaThere.conn, JSON.stringify({ type: 'dm', to: bob.joined.you.id }))
      expect(await adaThere.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      // Nobody owns a private room: no rename, no removal.
      hub.receive(adaThere.conn, JSON.stringify({ type: 'title', title: 'Mine' }))
      expect(await adaThere.conn.waitFor('error', 2)).toMatchObject({ code: 'FORBIDDEN' })
      hub.receive(adaThere.conn, JSON.stringify({ type: 'kick', memberId: bob.joined.you.id }))
      expect(await adaThere.conn.waitFor('error', 3)).toMatchObject({ code: 'FORBIDDEN' })
      // Six a minute per member: the first was in plaza(), five more pass, the next waits.
      for (let i = 0; i < 5; i++) hub.receive(ada.conn, JSON.stringify({ type: 'dm', to: cy.joined.you.id }))
      await ada.conn.waitFor('dm', 6)
      hub.receive(ada.conn, JSON.stringify({ type: 'dm', to: cy.joined.you.id }))
      const limited = await ada.conn.waitFor('error', 4)
      expect(limited).toMatchObject({ code: 'RATE_LIMITED' })
      expect(limited.retryAfterMs).toBeGreaterThan(0)
      expect(new Set(ada.conn.of('dm').slice(1).map(frame => frame.roomId)).size).toBe(1)
      expect(cy.conn.of('invite')).toHaveLength(5)
    })
  })
}
