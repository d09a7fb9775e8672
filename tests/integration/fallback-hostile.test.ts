import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllStreams, connectStream, openNonReadingStream, openStream, postFrames } from '../support/stream-client'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let server: RunningServer
/** The same with fast senders, so that a non-reader's backlog grows within seconds. */
let fastServer: RunningServer

// The app's own limits per address and per socket; a dropped stream's session waits 1 s for a resume.
const LIMITED_ENV = {
  NUXT_MAX_CONNECTIONS_PER_ADDRESS: '3',
  NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '40',
  NUXT_FRAMES_PER_SECOND: undefined,
  NUXT_FRAME_BURST: undefined,
  NUXT_PUBLIC_ORIGIN: 'http://chat.test',
  NUXT_STREAM_RESUME_WINDOW_MS: '1000',
}

beforeAll(async () => {
  ;[server, fastServer] = await Promise.all([
    startServer(LIMITED_ENV),
    startServer({ ...LIMITED_ENV, NUXT_FRAMES_PER_SECOND: '2000', NUXT_FRAME_BURST: '2000', NUXT_HTTP_REQUESTS_PER_SECOND: '1000', NUXT_HTTP_BURST: '1000' }),
  ])
})
// Each test starts with no connection left, so counts are its own.
afterEach(async () => {
  closeAllClients()
  closeAllStreams()
  for (const running of [server, fastServer]) {
    await expect.poll(async () => (await healthDetails(running.url)).connections, { timeout: 5000 }).toBe(0)
  }
})
afterAll(() => Promise.all([server.stop(), fastServer.stop()]))

const own = { origin: 'http://chat.test' }

describe('the fallback gives a hostile client nothing a socket would not', () => {
  it('a stream that never reads is cut once its backlog passes the limit; a reader in the room gets everything', async () => {
    const { url, wsUrl } = fastServer
    const reader = await connectStream(url, { ...own, localAddress: '127.0.0.5' })
    reader.send({ type: 'join', roomId: 'busy-stream', name: 'Reader', create: true })
    await reader.next('joined')
    const sender = await joinRoom(wsUrl, 'busy-stream', 'Sender', {}, '127.0.0.6')
    const sleeper = await openNonReadingStream(url, '127.0.0.7')
    const asSleeper = { ...own, localAddress: '127.0.0.7' }
    expect(await postFrames(url, sleeper.session, [{ type: 'join', roomId: 'busy-stream', name: 'Sleeper' }], asSleeper)).toMatchObject({ status: 204 })
    // Everyone pings like a live page, so only the backlog can end the sleeper.
    const heartbeat = setInterval(() => {
      if (!sleeper.isClosed()) void postFrames(url, sleeper.session, [{ type: 'ping' }], asSleeper).catch(() => {})
      reader.send({ type: 'ping' })
      sender.client.send({ type: 'ping' })
    }, 400)
    try {
      await sleep(300)
      expect((await healthDetails(url)).connections).toBe(3)
      const text = 'x'.repeat(1900)
      // Up to ~40 MiB to the sleeper, far past what the kernel's buffers absorb.
      // (The client cannot see its own cut: the end of the stream waits behind bytes it never reads.)
      let sent = 0
      let cut = false
      while (sent < 20_000 && !cut) {
        sender.client.send({ type: 'chat', text: `${sent} ${text}` })
        if (++sent % 100 === 0) {
          await sleep(50)
          cut = (await healthDetails(url)).connections === 2
        }
      }
      expect(cut).toBe(true)
      expect(await postFrames(url, sleeper.session, [{ type: 'ping' }], asSleeper)).toMatchObject({ status: 410, body: { code: 'SESSION_GONE' } })
      const chats = (frames: Array<{ type: string }>) => frames.filter(frame => frame.type === 'chat').length
      await expect.poll(() => chats(reader.frames), { timeout: 15_000 }).toBe(sent)
      expect(chats(sender.client.frames)).toBe(sent)
    }
    finally {
      clearInterval(heartbeat)
    }
  })

  it('a flood of frames in POSTs is closed with 1008, as a socket\'s is', async () => {
    const eve = await connectStream(server.url, { ...own, localAddress: '127.0.0.8' })
    eve.send({ type: 'join', roomId: 'post-flood', name: 'Eve', create: true })
    await eve.next('joined')
    const batch = Array.from({ length: 32 }, () => ({ type: 'typing' }))
    for (let i = 0; i < 40; i++) await postFrames(server.url, eve.session, batch, { ...own, localAddress: '127.0.0.8' })
    expect(await eve.closed).toBe(1008)
  })

  it('POSTs past the HTTP bucket get 429, and a POST of too many frames gets 413 TOO_MANY_FRAMES', async () => {
    const eve = await connectStream(server.url, { ...own, localAddress: '127.0.0.9' })
    const tooMany = await eve.post(Array.from({ length: 33 }, () => ({ type: 'ping' })))
    expect(tooMany).toMatchObject({ status: 413, body: { code: 'TOO_MANY_FRAMES' } })
    const answers = []
    for (let i = 0; i < 100; i++) answers.push(await eve.post([]))
    const statuses = answers.map(answer => answer.status)
    expect(statuses.filter(status => status === 429).length).toBeGreaterThan(20)
    expect(answers.find(answer => answer.status === 429)?.body).toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('a foreign Origin is refused on the stream and on the POSTs', async () => {
    const stream = await openStream(server.url, { origin: 'http://evil.test', localAddress: '127.0.0.10' })
    expect(stream.response.statusCode).toBe(403)
    const eve = await connectStream(server.url, { ...own, localAddress: '127.0.0.10' })
    const foreign = await eve.post([{ type: 'join', roomId: 'origin-room', name: 'Eve', create: true }], { origin: 'http://evil.test' })
    expect(foreign).toMatchObject({ status: 403, body: { code: 'ORIGIN_NOT_ALLOWED' } })
    await sleep(200)
    expect(eve.frames).toEqual([])
  })

  it('a session id used from another address is refused, on POSTs and on a resume', async () => {
    const ada = await connectStream(server.url, { ...own, localAddress: '127.0.0.11' })
    const stolen = await ada.post([{ type: 'join', roomId: 'stolen-room', name: 'Mallory', create: true }], { localAddress: '127.0.0.12' })
    expect(stolen).toMatchObject({ status: 403, body: { code: 'SESSION_ADDRESS_MISMATCH' } })
    const hijack = await openStream(server.url, { ...own, localAddress: '127.0.0.12', resume: { session: ada.session, lastEventId: '0' } })
    expect(hijack.response.statusCode).toBe(403)
    await sleep(200)
    expect(ada.frames).toEqual([])
    expect(await ada.post([{ type: 'ping' }])).toMatchObject({ status: 204 })
  })

  it('an unknown session gets 410 SESSION_GONE on a POST and a `gone` event on a resume', async () => {
    expect(await postFrames(server.url, 'no-such-session', [{ type: 'ping' }], { ...own, localAddress: '127.0.0.13' })).toMatchObject({ status: 410, body: { code: 'SESSION_GONE' } })
    const stream = await openStream(server.url, { ...own, localAddress: '127.0.0.13', resume: { session: 'no-such-session', lastEventId: '3' } })
    await stream.ended
    expect(stream.events).toEqual([expect.objectContaining({ event: 'gone', data: expect.stringContaining('SESSION_GONE') })])
  })

  it('streams and sockets share the cap per address: past it a stream gets TOO_MANY_CONNECTIONS and close 4029', async () => {
    const address = '127.0.0.14'
    await connect(server.wsUrl, { localAddress: address, origin: own.origin })
    await connectStream(server.url, { ...own, localAddress: address })
    await connect(server.wsUrl, { localAddress: address, origin: own.origin })
    const raw = await openStream(server.url, { ...own, localAddress: address })
    await raw.ended
    expect(raw.events.map(event => event.event)).toEqual(['message', 'close'])
    expect(JSON.parse(raw.events[0]!.data)).toMatchObject({ type: 'error', code: 'TOO_MANY_CONNECTIONS' })
    expect(JSON.parse(raw.events[1]!.data)).toMatchObject({ code: 4029 })
  })
})
