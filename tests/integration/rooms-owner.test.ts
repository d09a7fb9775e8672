import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

// Clients come through a trusted proxy on 127.0.0.1, each "from" the address
// it forwards, so a ban of one address can be told from another's.
const PROXY_ENV = { NUXT_TRUSTED_PROXIES: '127.0.0.1' }

async function from(wsUrl: string, address: string) {
  return connect(wsUrl, { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': address } })
}

async function joinFrom(wsUrl: string, address: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const client = await from(wsUrl, address)
  client.send({ type: 'join', roomId, name, create: true, ...extra })
  return { client, joined: await client.next('joined') }
}

async function refusedFrom(wsUrl: string, address: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const client = await from(wsUrl, address)
  client.send({ type: 'join', roomId, name, create: true, ...extra })
  const error = await client.next('error')
  expect(client.frames.filter(frame => frame.type === 'joined')).toEqual([])
  return error
}

/** Nothing of that type came within the wait: for what must reach nobody else. */
async function noFrame(client: { frames: Array<{ type: string }> }, type: string, waitMs = 500) {
  await new Promise(resolve => setTimeout(resolve, waitMs))
  expect(client.frames.filter(frame => frame.type === type)).toEqual([])
}

/** Takes presence frames until one says the member left. */
async function leaving(client: TestClient, memberId: string) {
  for (;;) if ((await client.next('presence')).left.includes(memberId)) return
}

describe('room settings, the owner, and private rooms on one server', () => {
  let server: RunningServer

  beforeAll(async () => {
    server = await startServer(PROXY_ENV)
  })
  afterEach(() => closeAllClients())
  afterAll(() => server.stop())

  it('title and visibility count only when the join creates the room; unlisted by default; a password makes it unlisted', async () => {
    const ada = await joinFrom(server.wsUrl, '203.0.113.1', 'book-club', 'Ada', { title: 'Book  club', visibility: 'public' })
    expect(ada.joined).toMatchObject({ created: true, title: 'Book club', visibility: 'public', owner: ada.joined.you.id, protected: false })
    const bob = await joinFrom(server.wsUrl, '203.0.113.2', 'book-club', 'Bob', { title: 'Mine now', visibility: 'unlisted' })
    expect(bob.joined).toMatchObject({ created: false, title: 'Book club', visibility: 'public', owner: ada.joined.you.id })
    expect((await joinFrom(server.wsUrl, '203.0.113.1', 'plain-room', 'Ada')).joined).toMatchObject({ title: 'plain-room', visibility: 'unlisted' })
    expect((await joinFrom(server.wsUrl, '203.0.113.1', 'locked-room', 'Ada', { password: 'pw', visibility: 'public' })).joined)
      .toMatchObject({ visibility: 'unlisted', protected: true })
  })

  it('the owner renames the room and everyone in it hears; a member who is not the owner gets FORBIDDEN', async () => {
    const ada = await joinFrom(server.wsUrl, '203.0.113.1', 'renamed', 'Ada', { title: 'Before' })
    const bob = await joinFrom(server.wsUrl, '203.0.113.2', 'renamed', 'Bob')
    bob.client.send({ type: 'title', title: 'Bob was here' })
    expect(await bob.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'title', title: 'After' })
    expect(await bob.client.next('room')).toEqual({ type: 'room', roomId: 'renamed', title: 'After' })
    expect(await ada.client.next('room')).toEqual({ type: 'room', roomId: 'renamed', title: 'After' })
    expect((await joinFrom(server.wsUrl, '203.0.113.3', 'renamed', 'Cy')).joined.title).toBe('After')
  })

  it('a kicked member is told, leaves the member list, and cannot come back for 10 minutes, under a new name from its browser either', async () => {
    const ada = await joinFrom(server.wsUrl, '203.0.113.1', 'bouncer', 'Ada')
    const bob = await joinFrom(server.wsUrl, '198.51.100.7', 'bouncer', 'Bob', { browserId: 'bobs-browser' })
    ada.client.send({ type: 'kick', memberId: bob.joined.you.id })
    const kicked = await bob.client.next('kicked')
    expect(kicked.roomId).toBe('bouncer')
    expect(kicked.until - Date.now()).toBeGreaterThan(LIMITS.kickBanMs - 10_000)
    await leaving(ada.client, bob.joined.you.id)
    const members = await (await fetch(`${server.url}/api/rooms/bouncer`)).json() as { members: number }
    expect(members).toMatchObject({ members: 1 })
    // Its socket is out of the room, still open.
    bob.client.send({ type: 'chat', text: 'hello?' })
    expect(await bob.client.next('error')).toMatchObject({ code: 'NOT_JOINED' })
    bob.client.send({ type: 'join', roomId: 'bouncer', name: 'Bob', token: bob.joined.token })
    const again = await bob.client.next('error')
    expect(again).toMatchObject({ code: 'FORBIDDEN' })
    expect(again.retryAfterMs).toBeGreaterThan(LIMITS.kickBanMs - 10_000)
    expect(await refusedFrom(server.wsUrl, '198.51.100.7', 'bouncer', 'Totally Not Bob', { browserId: 'bobs-browser' })).toMatchObject({ code: 'FORBIDDEN' })
    // Another address is not banned.
    expect((await joinFrom(server.wsUrl, '198.51.100.8', 'bouncer', 'Cy')).joined.created).toBe(false)
    // A member who is not the owner cannot kick, and the owner cannot kick itself.
    const cy = await joinFrom(server.wsUrl, '198.51.100.9', 'bouncer', 'Dee')
    cy.client.send({ type: 'kick', memberId: ada.joined.you.id })
    expect(await cy.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'kick', memberId: ada.joined.you.id })
    expect(await ada.client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('an invite reaches only its member\'s sockets in that room; both join; a third party is refused whatever it sends', async () => {
    const ada = await joinFrom(server.wsUrl, '203.0.113.1', 'square', 'Ada')
    const bob = await joinFrom(server.wsUrl, '203.0.113.2', 'square', 'Bob')
    const bobTab = await joinFrom(server.wsUrl, '203.0.113.2', 'square', 'Bob', { token: bob.joined.token })
    const bobElsewhere = await joinFrom(server.wsUrl, '203.0.113.2', 'elsewhere', 'Bob')
    const cy = await joinFrom(server.wsUrl, '203.0.113.3', 'square', 'Cy')
    ada.client.send({ type: 'dm', to: bob.joined.you.id })
    const dm = await ada.client.next('dm')
    const invite = await bob.client.next('invite')
    expect(invite).toMatchObject({ roomId: dm.roomId, from: { id: ada.joined.you.id, name: 'Ada' } })
    expect(await bobTab.client.next('invite')).toEqual(invite)
    await noFrame(bobElsewhere.client, 'invite')
    await noFrame(cy.client, 'invite', 0)
    await noFrame(ada.client, 'invite', 0)

    const adaThere = await joinFrom(server.wsUrl, '203.0.113.1', dm.roomId, 'Ada', { token: dm.token })
    expect(adaThere.joined).toMatchObject({ you: ada.joined.you, peer: { id: bob.joined.you.id, name: 'Bob' }, visibility: 'unlisted' })
    const bobThere = await joinFrom(server.wsUrl, '203.0.113.2', dm.roomId, 'Bob', { token: invite.token })
    expect(bobThere.joined).toMatchObject({ you: bob.joined.you, peer: { id: ada.joined.you.id, name: 'Ada' } })

    for (const extra of [{}, { token: cy.joined.token }, { password: 'open sesame' }, { token: 'x'.repeat(32), password: 'pw', visibility: 'public' }]) {
      expect(await refusedFrom(server.wsUrl, '203.0.113.3', dm.roomId, 'Cy', extra)).toMatchObject({ code: 'FORBIDDEN' })
    }
    // Bob's token is Bob's: from Cy it is still Bob who comes in, never a third member.
    const members = await (await fetch(`${server.url}/api/rooms/${dm.roomId}`)).json() as { members: number }
    expect(members.members).toBe(2)
  })
})

describe('two instances on one Redis', () => {
  let redis: RunningRedis
  let one: RunningServer
  let two: RunningServer

  beforeAll(async () => {
    redis = await startRedis()
    ;[one, two] = await Promise.all([1, 2].map(() => startServer({ ...PROXY_ENV, NUXT_REDIS_URL: redis.url })))
  })
  afterEach(() => closeAllClients())
  afterAll(async () => {
    await Promise.all([one, two].map(server => server.stop()))
    await redis.kill()
  })

  it('an invite asked on one instance reaches the member\'s sockets on the other, and only those', async () => {
    const ada = await joinFrom(one.wsUrl, '203.0.113.1', 'bridge', 'Ada')
    const bob = await joinFrom(two.wsUrl, '203.0.113.2', 'bridge', 'Bob')
    const bobOnOne = await joinFrom(one.wsUrl, '203.0.113.2', 'other-side', 'Bob')
    const cy = await joinFrom(two.wsUrl, '203.0.113.3', 'bridge', 'Cy')
    await ada.client.next('presence')
    ada.client.send({ type: 'dm', to: bob.joined.you.id })
    const dm = await ada.client.next('dm')
    const invite = await bob.client.next('invite')
    expect(invite).toMatchObject({ roomId: dm.roomId, from: { id: ada.joined.you.id, name: 'Ada' } })
    await noFrame(bobOnOne.client, 'invite')
    await noFrame(cy.client, 'invite', 0)
    const bobThere = await joinFrom(one.wsUrl, '203.0.113.2', dm.roomId, 'Bob', { token: invite.token })
    const adaThere = await joinFrom(two.wsUrl, '203.0.113.1', dm.roomId, 'Ada', { token: dm.token })
    expect(adaThere.joined).toMatchObject({ peer: { id: bob.joined.you.id }, presence: { members: 2 } })
    expect(bobThere.joined.peer).toEqual({ id: ada.joined.you.id, name: 'Ada' })
    expect(await refusedFrom(two.wsUrl, '203.0.113.3', dm.roomId, 'Cy', { token: cy.joined.token })).toMatchObject({ code: 'FORBIDDEN' })
    // The pair's room again, asked the other way on the other instance.
    bob.client.send({ type: 'dm', to: ada.joined.you.id })
    expect((await bob.client.next('dm')).roomId).toBe(dm.roomId)
    expect((await ada.client.next('invite')).roomId).toBe(dm.roomId)
  })

  it('a kick and a rename on one instance reach the other, and the ban holds on both', async () => {
    const ada = await joinFrom(one.wsUrl, '203.0.113.1', 'gate', 'Ada', { title: 'Gate' })
    const bob = await joinFrom(two.wsUrl, '198.51.100.7', 'gate', 'Bob', { browserId: 'bobs-browser' })
    ada.client.send({ type: 'title', title: 'The gate' })
    expect(await bob.client.next('room')).toEqual({ type: 'room', roomId: 'gate', title: 'The gate' })
    ada.client.send({ type: 'kick', memberId: bob.joined.you.id })
    expect(await bob.client.next('kicked')).toMatchObject({ roomId: 'gate' })
    await leaving(ada.client, bob.joined.you.id)
    for (const server of [one, two]) {
      expect(await refusedFrom(server.wsUrl, '198.51.100.7', 'gate', 'Bobby', { browserId: 'bobs-browser' })).toMatchObject({ code: 'FORBIDDEN' })
    }
    expect((await joinFrom(two.wsUrl, '198.51.100.8', 'gate', 'Cy')).joined.title).toBe('The gate')
  })
})
