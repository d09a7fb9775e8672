import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LobbyFrame, LobbyRoom } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

// FAST_ENV's heartbeat window is 1.5 s: members here ping every 400 ms to stay online.
const pingers = new Set<ReturnType<typeof setInterval>>()
function keepOnline(client: TestClient): TestClient {
  pingers.add(setInterval(() => client.send({ type: 'ping' }), 400))
  return client
}
async function member(url: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const joined = await joinRoom(url, roomId, name, extra)
  keepOnline(joined.client)
  return joined
}
/** A page of the listing, or the refusal's `data` for a bad query. */
interface Listing { rooms: LobbyRoom[], next?: string, data?: { code: string } }
async function listing(server: RunningServer, query: string): Promise<{ status: number, body: Listing }> {
  const response = await fetch(`${server.url}/api/rooms${query}`)
  return { status: response.status, body: await response.json() as Listing }
}
async function watcher(url: string, rooms?: Array<{ id: string, token: string }>, { ping = true } = {}) {
  const client = await connect(url)
  if (ping) keepOnline(client)
  /** When each lobby frame arrived. */
  const arrivals: number[] = []
  client.ws.on('message', (data) => {
    if (data.toString().startsWith('{"type":"lobby"')) arrivals.push(Date.now())
  })
  client.send({ type: 'watch', scope: 'lobby', ...(rooms ? { rooms } : {}) })
  return { client, arrivals, first: await client.next('lobby') as LobbyFrame }
}
/** The next lobby diff whose changed rooms include `id` with the given fields. */
async function diffWith(client: TestClient, id: string, expected: Partial<LobbyRoom>, timeoutMs: number): Promise<LobbyFrame> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const frame = await client.next('lobby', Math.max(1, deadline - Date.now())) as LobbyFrame
    const room = frame.changed?.find(r => r.id === id)
    if (room && Object.entries(expected).every(([key, value]) => room[key as keyof LobbyRoom] === value)) return frame
  }
}

afterEach(() => {
  for (const timer of pingers) clearInterval(timer)
  pingers.clear()
  closeAllClients()
})

describe('the lobby on one server', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.stop())

  it('lists public rooms only: unlisted and password rooms never appear, and nothing but id, title and counts', async () => {
    await member(server.wsUrl, 'hide-public', 'Ann', { visibility: 'public', title: 'Open house' })
    await member(server.wsUrl, 'hide-unlisted', 'Ann', { title: 'By link only' })
    await member(server.wsUrl, 'hide-chosen-unlisted', 'Ann', { visibility: 'unlisted' })
    await member(server.wsUrl, 'hide-password', 'Ann', { visibility: 'public', password: 'pw-secret', title: 'Locked' })
    await new Promise(resolve => setTimeout(resolve, 600))
    const { status, body } = await listing(server, '?q=hide-')
    expect(status).toBe(200)
    expect(body).toEqual({ rooms: [{ id: 'hide-public', title: 'Open house', online: 1, members: 1 }] })
    const all = await listing(server, '?limit=100')
    expect(all.body.rooms.map((room: LobbyRoom) => room.id)).not.toContain('hide-password')
    expect(JSON.stringify(all.body)).not.toContain('pw-secret')
  })

  it('orders by online, then members, then id, and pages with an opaque cursor; a bad cursor or limit gets 400 with a code', async () => {
    const a = await member(server.wsUrl, 'ord-a', 'Ann', { visibility: 'public' })
    await member(server.wsUrl, 'ord-a', 'Ben')
    await member(server.wsUrl, 'ord-b', 'Ann', { visibility: 'public' })
    await member(server.wsUrl, 'ord-c', 'Ann', { visibility: 'public' })
    const quiet = await joinRoom(server.wsUrl, 'ord-d', 'Ann', { visibility: 'public' })
    const second = await member(server.wsUrl, 'ord-d', 'Ben')
    // Ann goes away from ord-d: two members, one online.
    quiet.client.close()
    expect(a.joined.visibility).toBe('public')
    expect(second.joined.presence.members).toBe(2)
    await new Promise(resolve => setTimeout(resolve, 800))
    const pages: LobbyRoom[][] = []
    let cursor: string | undefined
    do {
      const page = await listing(server, `?q=ord-&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.status).toBe(200)
      pages.push(page.body.rooms)
      cursor = page.body.next
    } while (cursor)
    expect(pages.flat().map(room => [room.id, room.online, room.members])).toEqual([
      ['ord-a', 2, 2], ['ord-d', 1, 2], ['ord-b', 1, 1], ['ord-c', 1, 1],
    ])
    // A search page looks further than the matches, so its last page may come back empty.
    expect(pages.filter(page => page.length > 0)).toHaveLength(4)
    expect(await listing(server, '?cursor=not-a-cursor')).toMatchObject({ status: 400, body: { data: { code: 'BAD_CURSOR' } } })
    expect(await listing(server, '?limit=0')).toMatchObject({ status: 400, body: { data: { code: 'BAD_REQUEST' } } })
    expect(await listing(server, '?limit=101')).toMatchObject({ status: 400, body: { data: { code: 'BAD_REQUEST' } } })
  })

  it('a join reaches a watcher within 2 s; several changes within a second are one frame', async () => {
    const { client, first, arrivals } = await watcher(server.wsUrl)
    expect(first.rooms).toBeInstanceOf(Array)
    const joinedAt = Date.now()
    await member(server.wsUrl, 'live-a', 'Ann', { visibility: 'public', title: 'Live' })
    await diffWith(client, 'live-a', { online: 1, members: 1, title: 'Live' }, 2000)
    expect(Date.now() - joinedAt).toBeLessThan(2000)

    // Three joins within 300 ms: at most two frames (a tick may fall between them), spaced a second apart, the last with all three.
    const before = client.frames.length
    for (const name of ['Ben', 'Cy', 'Di']) {
      await member(server.wsUrl, 'live-a', name)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    await new Promise(resolve => setTimeout(resolve, 2500))
    const diffs = client.frames.slice(before).filter(frame => frame.type === 'lobby') as LobbyFrame[]
    const forRoom = diffs.filter(frame => frame.changed?.some(room => room.id === 'live-a'))
    expect(forRoom.length).toBeGreaterThanOrEqual(1)
    expect(forRoom.length).toBeLessThanOrEqual(2)
    expect(forRoom.at(-1)!.changed!.find(room => room.id === 'live-a')).toEqual({ id: 'live-a', title: 'Live', online: 4, members: 4 })
    // Diffs (every frame after the first) are at least a second apart, less a margin for timers on a busy machine.
    const gaps = arrivals.slice(2).map((at, n) => at - arrivals[n + 1]!)
    for (const gap of gaps) expect(gap).toBeGreaterThan(800)
  })

  it('a room whose last member leaves is removed from the feed and the listing', async () => {
    const { client } = await watcher(server.wsUrl)
    const ann = await member(server.wsUrl, 'gone-a', 'Ann', { visibility: 'public' })
    await diffWith(client, 'gone-a', { members: 1 }, 2000)
    ann.client.send({ type: 'leave' })
    await ann.client.next('left')
    for (;;) {
      const frame = await client.next('lobby', 2500) as LobbyFrame
      if (frame.removed?.includes('gone-a')) break
    }
    expect((await listing(server, '?q=gone-a')).body.rooms).toEqual([])
  })

  it('your rooms: a member token shows an unlisted or password room with its counts and newest seq; a wrong token shows nothing', async () => {
    const owner = await member(server.wsUrl, 'mine-hidden', 'Ann', { password: 'pw', title: 'Hidden' })
    const stranger = await member(server.wsUrl, 'mine-other', 'Ben', { title: 'Other' })
    owner.client.send({ type: 'chat', text: 'one' })
    await owner.client.next('chat')
    const { client, first } = await watcher(server.wsUrl, [
      { id: 'mine-hidden', token: owner.joined.token },
      { id: 'mine-other', token: 'not-the-token' },
      { id: 'mine-nothing', token: owner.joined.token },
    ])
    expect(first.mine).toEqual([{ id: 'mine-hidden', title: 'Hidden', online: 1, members: 1, lastSeq: 1 }])
    expect(first.refused).toEqual(['mine-other', 'mine-nothing'])
    expect(JSON.stringify(first)).not.toContain('Other')
    expect(first.rooms!.map(room => room.id)).not.toContain('mine-hidden')

    owner.client.send({ type: 'chat', text: 'two' })
    await member(server.wsUrl, 'mine-hidden', 'Cy', { token: owner.joined.token })
    for (;;) {
      const frame = await client.next('lobby', 2500) as LobbyFrame
      expect(JSON.stringify(frame)).not.toContain('mine-other')
      const mine = frame.mine?.find(room => room.id === 'mine-hidden')
      if (mine?.lastSeq === 2) break
    }
    stranger.client.send({ type: 'chat', text: 'unseen' })
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(JSON.stringify(client.frames.filter(frame => frame !== first))).not.toContain('mine-other')
  })

  it('a rename reaches watchers; a private room is never listed, and its dm token shows it under your rooms', async () => {
    const { client } = await watcher(server.wsUrl)
    const owner = await member(server.wsUrl, 'pair-origin', 'Ann', { visibility: 'public', title: 'Before' })
    const other = await member(server.wsUrl, 'pair-origin', 'Ben')
    await diffWith(client, 'pair-origin', { title: 'Before', members: 2 }, 2500)
    owner.client.send({ type: 'title', title: 'After' })
    await diffWith(client, 'pair-origin', { title: 'After' }, 2500)
    expect((await listing(server, '?q=After')).body.rooms).toEqual([{ id: 'pair-origin', title: 'After', online: 2, members: 2 }])

    owner.client.send({ type: 'dm', to: other.joined.you.id })
    const dm = await owner.client.next('dm')
    const pair = await member(server.wsUrl, dm.roomId, 'Ann', { token: dm.token })
    expect(pair.joined.peer).toBeDefined()
    const mine = await watcher(server.wsUrl, [{ id: dm.roomId, token: pair.joined.token }])
    expect(mine.first.mine).toEqual([{ id: dm.roomId, title: pair.joined.title, online: 1, members: 1, lastSeq: 0 }])
    await new Promise(resolve => setTimeout(resolve, 1500))
    const all = await listing(server, '?limit=100')
    expect(all.body.rooms.map((room: LobbyRoom) => room.id)).not.toContain(dm.roomId)
    expect(JSON.stringify(client.frames)).not.toContain(dm.roomId)
  })

  it('an unjoined watcher is answered when it pings and stays open; unwatch stops the frames; a bad watch is BAD_REQUEST', async () => {
    const plain = await connect(server.wsUrl)
    plain.send({ type: 'ping' })
    expect(await plain.next('error')).toMatchObject({ code: 'NOT_JOINED' })
    const { client } = await watcher(server.wsUrl, undefined, { ping: false })
    // Pinging every second keeps it past the idle timeout of twice the window (3 s).
    for (let n = 0; n < 4; n++) {
      client.send({ type: 'ping' })
      expect(await client.next('pong')).toEqual({ type: 'pong', online: 0, members: 0 })
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    client.send({ type: 'unwatch', scope: 'lobby' })
    await new Promise(resolve => setTimeout(resolve, 200))
    const count = client.frames.filter(frame => frame.type === 'lobby').length
    await member(server.wsUrl, 'unwatched', 'Ann', { visibility: 'public' })
    await new Promise(resolve => setTimeout(resolve, 1800))
    expect(client.frames.filter(frame => frame.type === 'lobby')).toHaveLength(count)
    client.send({ type: 'watch', scope: 'lobby', rooms: Array.from({ length: 51 }, (_, n) => ({ id: `r${n}`, token: 't' })) })
    expect(await client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
    client.send({ type: 'watch', scope: 'rooms' })
    expect(await client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('watchers per client address are bounded (20 by default): the next gets TOO_MANY_WATCHERS and stays open; health counts them', async () => {
    for (let n = 0; n < 20; n++) await watcher(server.wsUrl)
    const extra = await connect(server.wsUrl)
    extra.send({ type: 'watch', scope: 'lobby' })
    expect(await extra.next('error')).toMatchObject({ code: 'TOO_MANY_WATCHERS' })
    expect(extra.ws.readyState).toBe(extra.ws.OPEN)
    const health = await (await fetch(`${server.url}/api/health`, { headers: METRICS_HEADERS })).json()
    expect(health.lobbyWatchers).toBe(20)
  })
})

describe('the lobby across two instances on one Redis', () => {
  let redis: RunningRedis
  let a: RunningServer
  let b: RunningServer
  beforeAll(async () => {
    redis = await startRedis()
    ;[a, b] = await Promise.all([startServer({ NUXT_REDIS_URL: redis.url }), startServer({ NUXT_REDIS_URL: redis.url })])
  })
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()])
    await redis.kill()
  })

  it('a join on B reaches a watcher on A within 2 s, and A lists it; a leave on B removes it there too', async () => {
    const { client } = await watcher(a.wsUrl)
    const joinedAt = Date.now()
    const ann = await member(b.wsUrl, 'redis-room', 'Ann', { visibility: 'public', title: 'Across' })
    await diffWith(client, 'redis-room', { online: 1, members: 1, title: 'Across' }, 2500)
    expect(Date.now() - joinedAt).toBeLessThan(2500)
    expect((await listing(a, '?q=redis-room')).body.rooms).toEqual([{ id: 'redis-room', title: 'Across', online: 1, members: 1 }])
    await member(a.wsUrl, 'redis-room', 'Ben')
    await diffWith(client, 'redis-room', { online: 2, members: 2 }, 2500)
    ann.client.send({ type: 'leave' })
    await diffWith(client, 'redis-room', { online: 1, members: 1 }, 2500)
  })

  it('your rooms across instances: a token from B is proven on A, and B\'s chat moves its lastSeq', async () => {
    const ann = await member(b.wsUrl, 'redis-mine', 'Ann', { title: 'Ours' })
    const { client, first } = await watcher(a.wsUrl, [{ id: 'redis-mine', token: ann.joined.token }])
    expect(first.mine).toEqual([{ id: 'redis-mine', title: 'Ours', online: 1, members: 1, lastSeq: 0 }])
    ann.client.send({ type: 'chat', text: 'hello' })
    for (;;) {
      const frame = await client.next('lobby', 2500) as LobbyFrame
      if (frame.mine?.some(room => room.id === 'redis-mine' && room.lastSeq === 1)) break
    }
  })
})
