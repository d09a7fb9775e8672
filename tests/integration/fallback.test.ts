import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LobbyFrame, LobbyRoom } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllStreams, connectStream, openStream, postFrames } from '../support/stream-client'
import type { StreamClient } from '../support/stream-client'
import { closeEveryClient, joinOver, ROOMY_HTTP_ENV, TRANSPORTS } from '../support/transports'
import { joinRoom } from '../support/ws-client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const [, FALLBACK] = TRANSPORTS as [unknown, (typeof TRANSPORTS)[number]]

let server: RunningServer
let redis: RunningRedis
let one: RunningServer
let two: RunningServer
let counter = 0
const freshRoom = () => `fallback-${Date.now().toString(36)}-${counter++}`

beforeAll(async () => {
  redis = await startRedis()
  ;[server, one, two] = await Promise.all([
    startServer({ ...ROOMY_HTTP_ENV, NUXT_STREAM_RESUME_WINDOW_MS: '3000' }),
    startServer({ ...ROOMY_HTTP_ENV, NUXT_REDIS_URL: redis.url }),
    startServer({ ...ROOMY_HTTP_ENV, NUXT_REDIS_URL: redis.url }),
  ])
})
afterEach(() => {
  for (const timer of pingers) clearInterval(timer)
  pingers.clear()
  closeEveryClient()
  closeAllStreams()
})

// FAST_ENV's heartbeat window is 1.5 s: the clients here that must stay ping every 400 ms.
const pingers = new Set<ReturnType<typeof setInterval>>()
function keepOnline<T extends { send: (frame: object) => void }>(client: T): T {
  pingers.add(setInterval(() => client.send({ type: 'ping' }), 400))
  return client
}

/** A page of the lobby on the fallback: a stream that watches the lobby and keeps itself alive. */
async function lobbyWatcher(url: string): Promise<{ client: StreamClient, first: LobbyFrame }> {
  const client = keepOnline(await connectStream(url))
  client.send({ type: 'watch', scope: 'lobby' })
  return { client, first: await client.next('lobby') }
}

/** Waits for a presence frame with these counts (earlier ones, other counts, are passed over). */
async function presenceWith(client: { next: StreamClient['next'] }, expected: { online: number, members: number }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const frame = await client.next('presence', Math.max(1, deadline - Date.now()))
    if (frame.online === expected.online && frame.members === expected.members) return
  }
}

/** The next lobby diff whose changed rooms include `id` with the given fields. */
async function diffWith(client: StreamClient, id: string, expected: Partial<LobbyRoom>, timeoutMs: number): Promise<LobbyFrame> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const frame = await client.next('lobby', Math.max(1, deadline - Date.now()))
    const room = frame.changed?.find(r => r.id === id)
    if (room && Object.entries(expected).every(([key, value]) => room[key as keyof LobbyRoom] === value)) return frame
  }
}
afterAll(async () => {
  await Promise.all([server, one, two].map(running => running.stop()))
  await redis.kill()
})

describe('the fallback stream', () => {
  it('each event carries exactly the JSON text a socket receives, and its id is the stream position', async () => {
    const room = freshRoom()
    const ada = await joinOver(FALLBACK, server, room, 'Ada')
    const socket = new WebSocket(server.wsUrl)
    const texts: string[] = []
    socket.on('message', data => texts.push(data.toString()))
    await new Promise(resolve => socket.once('open', resolve))
    socket.send(JSON.stringify({ type: 'join', roomId: room, name: 'Bob' }))
    await expect.poll(() => texts.some(text => text.includes('"joined"'))).toBe(true)
    socket.send(JSON.stringify({ type: 'chat', text: 'same bytes', clientId: 'c-1' }))
    await ada.client.next('chat')
    await expect.poll(() => texts.some(text => text.includes('same bytes'))).toBe(true)
    const stream = ada.client as Awaited<ReturnType<typeof connectStream>>
    const onStream = stream.events.find(event => event.data.includes('same bytes'))!
    expect(onStream.data).toBe(texts.find(text => text.includes('same bytes')))
    const ids = stream.events.filter(event => event.event === 'message').map(event => Number(event.id))
    expect(ids).toEqual(ids.map((_, i) => i + 1))
    socket.terminate()
  })

  it('a stream that drops and comes back within the window gets exactly what it missed, and the member never went offline', async () => {
    const room = freshRoom()
    const ada = await connectStream(server.url)
    ada.send({ type: 'join', roomId: room, name: 'Ada', create: true })
    await ada.next('joined')
    const bob = await joinRoom(server.wsUrl, room, 'Bob')
    await ada.next('presence')
    const lastEventId = ada.lastEventId()!
    ada.terminate()
    for (const text of ['one', 'two', 'three']) bob.client.send({ type: 'chat', text })
    for (let i = 0; i < 3; i++) await bob.client.next('chat')

    const back = await openStream(server.url, { resume: { session: ada.session, lastEventId } })
    expect(back.response.statusCode).toBe(200)
    await expect.poll(() => back.events.length).toBe(3)
    expect(back.events.map(event => JSON.parse(event.data).text)).toEqual(['one', 'two', 'three'])
    expect(back.events.map(event => Number(event.id))).toEqual([1, 2, 3].map(n => Number(lastEventId) + n))
    // Frames posted on the session reach the same member, through the resumed stream.
    ada.send({ type: 'chat', text: 'back again' })
    expect(await bob.client.next('chat')).toMatchObject({ text: 'back again', from: { name: 'Ada' } })
    await expect.poll(() => back.events.some(event => event.data.includes('back again'))).toBe(true)
    expect(bob.client.frames.filter(frame => frame.type === 'presence')).toEqual([])
  })

  it('a stream that stays away past the window finds its session gone, and the member goes offline', async () => {
    const room = freshRoom()
    const ada = await connectStream(server.url)
    ada.send({ type: 'join', roomId: room, name: 'Ada', create: true })
    await ada.next('joined')
    const bob = await joinRoom(server.wsUrl, room, 'Bob')
    const lastEventId = ada.lastEventId()!
    const droppedAt = Date.now()
    ada.terminate()
    expect(await bob.client.next('presence', 6000)).toMatchObject({ online: 1 })
    await sleep(3000 + 1200 - (Date.now() - droppedAt))
    const late = await openStream(server.url, { resume: { session: ada.session, lastEventId } })
    await late.ended
    expect(late.events.map(event => event.event)).toEqual(['gone'])
  })
})

describe('the lobby watch over the fallback', () => {
  it('a watcher on the fallback sees a public room\'s counts change within 2 s as members join and leave on sockets', async () => {
    const room = freshRoom()
    const { client, first } = await lobbyWatcher(server.url)
    expect(first.rooms).toBeInstanceOf(Array)
    expect(first.rooms!.map(listed => listed.id)).not.toContain(room)
    const joinedAt = Date.now()
    const ann = await joinRoom(server.wsUrl, room, 'Ann', { visibility: 'public', title: 'Over HTTP' })
    keepOnline(ann.client)
    await diffWith(client, room, { online: 1, members: 1, title: 'Over HTTP' }, 2000)
    expect(Date.now() - joinedAt).toBeLessThan(2000)
    keepOnline((await joinRoom(server.wsUrl, room, 'Ben')).client)
    await diffWith(client, room, { online: 2, members: 2 }, 2000)
    ann.client.send({ type: 'leave' })
    await diffWith(client, room, { online: 1, members: 1 }, 2000)
    // The watcher was kept alive by its POSTed pings the whole time: its stream never ended.
    expect(client.events.filter(event => event.event === 'close' || event.event === 'gone')).toEqual([])
  })
})

describe('the fallback on two instances sharing Redis', () => {
  it('a fallback watcher of the lobby on one instance sees a join on the other within 2.5 s', async () => {
    const room = freshRoom()
    const { client } = await lobbyWatcher(one.url)
    const joinedAt = Date.now()
    keepOnline((await joinRoom(two.wsUrl, room, 'Ann', { visibility: 'public', title: 'Across' })).client)
    await diffWith(client, room, { online: 1, members: 1, title: 'Across' }, 2500)
    expect(Date.now() - joinedAt).toBeLessThan(2500)
  })

  it('one member with a tab on the fallback of one instance and a tab on a socket of the other is one member, online until both close', async () => {
    const room = freshRoom()
    const watcher = await joinRoom(two.wsUrl, room, 'Watcher')
    keepOnline(watcher.client)
    const first = await joinOver(FALLBACK, one, room, 'Ada')
    keepOnline(first.client)
    const second = await joinRoom(two.wsUrl, room, 'Ada', { token: first.joined.token })
    keepOnline(second.client)
    expect(second.joined.you.id).toBe(first.joined.you.id)
    expect(second.joined.presence).toMatchObject({ online: 2, members: 2 })
    first.client.close()
    await sleep(500)
    expect(watcher.client.frames.filter(frame => frame.type === 'presence').at(-1)).toMatchObject({ online: 2, members: 2 })
    second.client.close()
    await presenceWith(watcher.client, { online: 1, members: 2 }, 1500)
  })

  it('a fallback member whose session ends on one instance drops out of online on the other; one that goes silent leaves within the window', async () => {
    const room = freshRoom()
    const bob = await joinRoom(two.wsUrl, room, 'Bob')
    keepOnline(bob.client)
    const ada = await joinOver(FALLBACK, one, room, 'Ada')
    keepOnline(ada.client)
    await presenceWith(bob.client, { online: 2, members: 2 }, 3000)
    const closedAt = Date.now()
    ada.client.close()
    await presenceWith(bob.client, { online: 1, members: 2 }, 3000)
    expect(Date.now() - closedAt).toBeLessThan(1500)

    // Cy's stream stays open but he posts nothing more, not even a ping: a frozen page.
    await joinOver(FALLBACK, one, room, 'Cy')
    await presenceWith(bob.client, { online: 2, members: 3 }, 3000)
    const silentFrom = Date.now()
    await presenceWith(bob.client, { online: 1, members: 3 }, 5000)
    // FAST_ENV's 1.5 s window, plus the sweep and the hop between instances.
    expect(Date.now() - silentFrom).toBeLessThan(1500 + 1500)
  })

  it('a member on the fallback of one instance chats with a member on a socket of the other, with one count', async () => {
    const room = freshRoom()
    const ada = await joinOver(FALLBACK, one, room, 'Ada')
    const bob = await joinRoom(two.wsUrl, room, 'Bob')
    expect(bob.joined.presence).toMatchObject({ online: 2, members: 2 })
    expect(await ada.client.next('presence')).toMatchObject({ online: 2, members: 2 })
    ada.client.send({ type: 'chat', text: 'from the fallback' })
    expect(await bob.client.next('chat')).toMatchObject({ text: 'from the fallback' })
    bob.client.send({ type: 'chat', text: 'from a socket' })
    expect(await ada.client.next('chat')).toMatchObject({ text: 'from the fallback' })
    expect(await ada.client.next('chat')).toMatchObject({ text: 'from a socket' })
  })

  it('a POST that reaches the other instance gets 410 SESSION_GONE; a new stream there resumes by lastSeq and nothing is lost or doubled', async () => {
    const room = freshRoom()
    const ada = await connectStream(one.url)
    ada.send({ type: 'join', roomId: room, name: 'Ada', create: true })
    const joined = await ada.next('joined')
    const bob = await joinRoom(two.wsUrl, room, 'Bob')
    bob.client.send({ type: 'chat', text: 'seen' })
    const seen = await ada.next('chat')
    // The proxy's upstreams changed: Ada's next POST reaches instance two, which holds no such session.
    const refused = await postFrames(two.url, ada.session, [{ type: 'chat', text: 'sent once', clientId: 'c-9' }])
    expect(refused).toMatchObject({ status: 410, body: { code: 'SESSION_GONE' } })
    bob.client.send({ type: 'chat', text: 'while away' })
    await bob.client.next('chat')
    await bob.client.next('chat')
    ada.terminate()
    // What the page does on SESSION_GONE: a new stream, a join with lastSeq, the outbox sent again.
    const again = await connectStream(two.url)
    again.send({ type: 'join', roomId: room, name: 'Ada', token: joined.token, lastSeq: seen.seq })
    const back = await again.next('joined')
    expect(back.you.id).toBe(joined.you.id)
    expect(back.history.map(message => message.text)).toEqual(['while away'])
    again.send({ type: 'chat', text: 'sent once', clientId: 'c-9' })
    expect(await bob.client.next('chat')).toMatchObject({ text: 'sent once', from: { id: joined.you.id } })
    await sleep(300)
    expect(bob.client.frames.filter(frame => frame.type === 'chat' && frame.text === 'sent once')).toHaveLength(1)
  })
})
