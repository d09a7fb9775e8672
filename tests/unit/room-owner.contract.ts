import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomStore } from '../../server/rooms/types'
import { FakeConnection } from '../support/fake-connection'

/**
 * Room settings and the owner's powers, whatever store holds the rooms: the
 * memory, SQLite and Redis stores run this same suite.
 */
export function describeRoomOwnership(name: string, createStore: () => Promise<RoomStore>) {
  describe(`${name}: titles, visibility and the owner`, () => {
    let hubs: RoomHub[] = []

    afterEach(() => {
      for (const hub of hubs) hub.stop()
      hubs = []
    })

    async function createHub() {
      // The default member TTL: memberships must outlast any absence short of
      // it. A join has 10 s to ping before it counts as a drive-by, and its
      // socket a minute before it counts as idle, however slow a busy
      // machine makes the scrypt of a password or tripcode.
      const hub = new RoomHub({ store: await createStore(), heartbeatWindowMs: 400, sweepIntervalMs: 50, neverPingedMemberTtlMs: 10_000, idleTimeoutMs: 60_000, log: () => {} })
      hub.start()
      hubs.push(hub)
      return hub
    }

    function open(hub: RoomHub, address = '203.0.113.1') {
      const conn = new FakeConnection(address)
      hub.open(conn)
      return conn
    }

    async function join(hub: RoomHub, roomId: string, name: string, extra: object = {}, address?: string) {
      const conn = open(hub, address)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      return { conn, joined: await conn.waitFor('joined') }
    }

    async function refusal(hub: RoomHub, roomId: string, name: string, extra: object = {}, address?: string) {
      const conn = open(hub, address)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
      const error = await conn.waitFor('error')
      expect(conn.of('joined')).toHaveLength(0)
      return error
    }

    it('the creating join sets the title and visibility, a later join\'s are not used, and the creator is the owner', async () => {
      const hub = await createHub()
      const creator = await join(hub, 'cafe', 'Ada', { title: '  Café\u200b  talk ', visibility: 'public' })
      expect(creator.joined).toMatchObject({ created: true, title: 'Café talk', visibility: 'public', owner: creator.joined.you.id, protected: false })
      const later = await join(hub, 'cafe', 'Bob', { title: 'Hijacked', visibility: 'unlisted' })
      expect(later.joined).toMatchObject({ created: false, title: 'Café talk', visibility: 'public', owner: creator.joined.you.id })
      expect(await hub.store.getRoom('cafe')).toMatchObject({ title: 'Café talk', visibility: 'public', ownerId: creator.joined.you.id })
    })

    it('a room is unlisted unless its creator chose public, always with a password, and an empty title is its id', async () => {
      const hub = await createHub()
      expect((await join(hub, 'quiet', 'Ada')).joined).toMatchObject({ title: 'quiet', visibility: 'unlisted' })
      expect((await join(hub, 'locked', 'Ada', { password: 'pw', visibility: 'public', title: 'Locked' })).joined)
        .toMatchObject({ title: 'Locked', visibility: 'unlisted', protected: true })
      expect((await join(hub, 'blank', 'Ada', { title: ' \u200b ', visibility: 'public' })).joined).toMatchObject({ title: 'blank', visibility: 'public' })
      expect(await refusal(hub, 'long', 'Ada', { title: 'x'.repeat(LIMITS.titleMaxLength + 1) })).toMatchObject({ code: 'BAD_REQUEST' })
      expect(await refusal(hub, 'ctrl', 'Ada', { title: 'a\u0007b' })).toMatchObject({ code: 'BAD_REQUEST' })
      expect(await refusal(hub, 'vis', 'Ada', { visibility: 'listed' })).toMatchObject({ code: 'BAD_REQUEST' })
      expect(await hub.store.getRoom('long')).toBeUndefined()
    })

    it('the owner renames the room: everyone in it hears the title, a later join sees it, and nobody else may', async () => {
      const hub = await createHub()
      const owner = await join(hub, 'den', 'Ada', { title: 'Den' })
      const bob = await join(hub, 'den', 'Bob', {}, '198.51.100.2')
      hub.receive(bob.conn, JSON.stringify({ type: 'title', title: 'Bob\'s den' }))
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      hub.receive(owner.conn, JSON.stringify({ type: 'title', title: ' The\u200b  den ' }))
      expect(await bob.conn.waitFor('room')).toEqual({ type: 'room', roomId: 'den', title: 'The den' })
      expect(await owner.conn.waitFor('room')).toEqual({ type: 'room', roomId: 'den', title: 'The den' })
      expect((await join(hub, 'den', 'Cy')).joined).toMatchObject({ title: 'The den' })
      hub.receive(owner.conn, JSON.stringify({ type: 'title', title: '' }))
      expect(await bob.conn.waitFor('room', 2)).toMatchObject({ title: 'den' })
      hub.receive(owner.conn, JSON.stringify({ type: 'title', title: 'y'.repeat(LIMITS.titleMaxLength + 1) }))
      expect(await owner.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      expect(bob.conn.of('room')).toHaveLength(2)
      expect(bob.conn.of('error')).toHaveLength(1)
    })

    it('the owner removes a member: its sockets are told and taken out, the room sees it leave, and it cannot join again', async () => {
      const hub = await createHub()
      const owner = await join(hub, 'club', 'Ada', {}, '203.0.113.1')
      const bob = await join(hub, 'club', 'Bob', { browserId: 'bobs-browser' }, '198.51.100.7')
      const bobTab = await join(hub, 'club', 'Bob', { token: bob.joined.token, browserId: 'bobs-browser' }, '198.51.100.7')
      const bobId = bob.joined.you.id
      hub.receive(owner.conn, JSON.stringify({ type: 'kick', memberId: bobId }))
      const kicked = await bob.conn.waitFor('kicked')
      expect(kicked.roomId).toBe('club')
      expect(kicked.until).toBeGreaterThanOrEqual(Date.now() + LIMITS.kickBanMs - 5000)
      expect(await bobTab.conn.waitFor('kicked')).toEqual(kicked)
      await vi.waitFor(() => expect(owner.conn.of('presence').some(p => p.left.includes(bobId))).toBe(true))
      expect((await hub.store.listMembers('club')).map(m => m.id)).toEqual([owner.joined.you.id])
      // Out of the room: its frames are a stranger's now.
      hub.receive(bob.conn, '{"type":"chat","text":"still here?"}')
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'NOT_JOINED' })
      // Not with its old token, not under a new name from the same browser.
      const again = await refusal(hub, 'club', 'Bob', { token: bob.joined.token }, '198.51.100.7')
      expect(again).toMatchObject({ code: 'FORBIDDEN' })
      expect(again.retryAfterMs).toBeGreaterThan(LIMITS.kickBanMs - 5000)
      expect(again.retryAfterMs).toBeLessThanOrEqual(LIMITS.kickBanMs)
      expect(await refusal(hub, 'club', 'Robert', { browserId: 'bobs-browser' }, '192.0.2.49')).toMatchObject({ code: 'FORBIDDEN' })
      // Another person on the same address, in another browser, is not Bob: a plain removal bans no network.
      expect((await join(hub, 'club', 'Bob2', { browserId: 'another-browser' }, '198.51.100.7')).joined.created).toBe(false)
      // The old token is banned wherever it comes from.
      expect(await refusal(hub, 'club', 'Bobby', { token: bob.joined.token }, '192.0.2.50')).toMatchObject({ code: 'FORBIDDEN' })
      // The ban is of this room only, and does not touch another address.
      expect((await join(hub, 'elsewhere', 'Bob', {}, '198.51.100.7')).joined.created).toBe(true)
      expect((await join(hub, 'club', 'Cy', {}, '192.0.2.60')).joined.created).toBe(false)
    })

    /** Ada creates the room, pings once (so she is no never-pinged join) and closes her tab. */
    async function ownerWhoLeftHerTab(hub: RoomHub, roomId: string, extra: object = {}, name = 'Ada') {
      const owner = await join(hub, roomId, name, { create: true, ...extra }, '203.0.113.1')
      await new Promise(resolve => setTimeout(resolve, 20))
      hub.receive(owner.conn, '{"type":"ping"}')
      await vi.waitFor(async () => {
        const [ada] = await hub.store.listMembers(roomId)
        expect(ada!.lastSeenAt).toBeGreaterThan(ada!.joinedAt)
      }, { timeout: 5000 })
      hub.close(owner.conn)
      return owner.joined
    }

    /** Sweeps as if `aheadMs` had passed, until one idle pass has run at that time (the hub's own timer may hold the pass). */
    async function sweepAhead(hub: RoomHub, aheadMs: number) {
      for (let i = 0; i < 5; i++) {
        await hub.sweep(Date.now() + aheadMs + i)
        await new Promise(resolve => setTimeout(resolve, 60))
      }
    }

    it('the owner who closed her tab 15 minutes ago is still the member and the owner when her token comes back', async () => {
      const hub = await createHub()
      const owner = await ownerWhoLeftHerTab(hub, 'secret', { password: 'pw' })
      await sweepAhead(hub, 15 * 60_000)
      expect((await hub.store.listMembers('secret')).map(m => m.id)).toEqual([owner.you.id])
      const back = await join(hub, 'secret', 'Ada', { token: owner.token }, '203.0.113.1')
      expect(back.joined).toMatchObject({ you: { id: owner.you.id, name: 'Ada' }, owner: owner.you.id, created: false })
    })

    it('a stranger joining as the owner\'s name after she closed her tab gets NAME_TAKEN, and her token still resumes her as the owner', async () => {
      const hub = await createHub()
      const owner = await ownerWhoLeftHerTab(hub, 'atelier')
      // Past the presence window (400 ms): she is offline, her name still hers.
      await new Promise(resolve => setTimeout(resolve, 700))
      expect(await refusal(hub, 'atelier', 'Ada', {}, '198.51.100.9')).toMatchObject({ code: 'NAME_TAKEN' })
      expect(await refusal(hub, 'atelier', 'ADA', {}, '198.51.100.9')).toMatchObject({ code: 'NAME_TAKEN' })
      expect(await refusal(hub, 'atelier', '\u0410da', {}, '198.51.100.9')).toMatchObject({ code: 'NAME_TAKEN' })
      expect(await hub.store.getRoom('atelier')).toMatchObject({ ownerId: owner.you.id })
      const back = await join(hub, 'atelier', 'Ada', { token: owner.token }, '192.0.2.4')
      expect(back.joined).toMatchObject({ you: { id: owner.you.id, name: 'Ada' }, owner: owner.you.id })
    })

    it('the owner on a new device proves her name with her tripcode: the same member and owner with a new token; a wrong secret or a typed tripcode gets nothing', async () => {
      const hub = await createHub()
      const first = { joined: await ownerWhoLeftHerTab(hub, 'guild', {}, 'Ada#horse battery staple') }
      const shown = first.joined.you.name
      expect(shown).toMatch(/^Ada ![\w-]{8}$/)
      expect(first.joined.owner).toBe(first.joined.you.id)
      const wrong = await refusal(hub, 'guild', 'Ada#horse battery', {}, '198.51.100.9')
      expect(wrong).toMatchObject({ code: 'NAME_TAKEN' })
      expect(wrong.message).not.toContain('horse')
      expect(await refusal(hub, 'guild', 'Ada', {}, '198.51.100.9')).toMatchObject({ code: 'NAME_TAKEN' })
      expect(await refusal(hub, 'guild', shown, {}, '198.51.100.9')).toMatchObject({ code: 'BAD_REQUEST' })
      expect(await refusal(hub, 'guild', `Eve \u01c3${shown.slice(-8)}`, {}, '198.51.100.9')).toMatchObject({ code: 'BAD_REQUEST' })
      const phone = await join(hub, 'guild', 'Ada#horse battery staple', {}, '192.0.2.8')
      expect(phone.joined).toMatchObject({ you: first.joined.you, owner: first.joined.you.id, created: false })
      expect(phone.joined.token).not.toBe(first.joined.token)
      expect(await hub.store.getRoom('guild')).toMatchObject({ ownerId: first.joined.you.id })
      expect((await hub.store.listMembers('guild')).map(m => m.id)).toEqual([first.joined.you.id])
      // The old token is no proof any more: its join is a newcomer's, and the name is held.
      expect(await refusal(hub, 'guild', 'Ada', { token: first.joined.token }, '203.0.113.1')).toMatchObject({ code: 'NAME_TAKEN' })
      // The same secret shows the same tripcode in another room; another secret, another one.
      expect((await join(hub, 'elsewhere', 'Ada#horse battery staple', { create: true })).joined.you.name).toBe(shown)
      expect((await join(hub, 'elsewhere', 'Bo#horse battery', {}, '192.0.2.9')).joined.you.name).not.toContain(shown.slice(-8))
    })

    it('only the owner removes, never itself, and only a member', async () => {
      const hub = await createHub()
      const owner = await join(hub, 'hall', 'Ada')
      const bob = await join(hub, 'hall', 'Bob', {}, '198.51.100.7')
      hub.receive(bob.conn, JSON.stringify({ type: 'kick', memberId: owner.joined.you.id }))
      expect(await bob.conn.waitFor('error')).toMatchObject({ code: 'FORBIDDEN' })
      hub.receive(owner.conn, JSON.stringify({ type: 'kick', memberId: owner.joined.you.id }))
      expect(await owner.conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
      hub.receive(owner.conn, JSON.stringify({ type: 'kick', memberId: 'nobody-here' }))
      expect(await owner.conn.waitFor('error', 2)).toMatchObject({ code: 'BAD_REQUEST' })
      hub.receive(owner.conn, JSON.stringify({ type: 'kick' }))
      expect(await owner.conn.waitFor('error', 3)).toMatchObject({ code: 'BAD_REQUEST' })
      expect((await hub.store.listMembers('hall')).map(m => m.id).sort()).toEqual([owner.joined.you.id, bob.joined.you.id].sort())
      expect(bob.conn.of('kicked')).toEqual([])
    })
  })
}
