import { connect as tcpConnect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { percentile, pingRoundTrips } from '../support/ping-rtt'
import { openNonReadingClient } from '../support/raw-socket'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

const MiB = 1024 * 1024
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    // Fast senders, so that a non-reader's backlog grows within seconds.
    NUXT_FRAMES_PER_SECOND: '2000',
    NUXT_FRAME_BURST: '2000',
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: '20',
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '40',
    NUXT_HEADERS_TIMEOUT_MS: '1000',
  }, { heapProbe: true })
})
// Each test starts with no socket left on the server, so counts are its own.
afterEach(async () => {
  closeAllClients()
  await expect.poll(async () => (await healthDetails(server.url)).connections, { timeout: 5000 }).toBe(0)
})
afterAll(() => server.stop())

describe('a client that floods or never reads', () => {
  it('a joined socket flooding pings without reading is closed within seconds, and another room keeps fast pongs', async () => {
    const bystander = await joinRoom(server.wsUrl, 'quiet-room', 'Ada', {}, '127.0.0.2')
    const flooder = await openNonReadingClient(server.wsUrl, { localAddress: '127.0.0.3' })
    flooder.sendText(JSON.stringify({ type: 'join', roomId: 'flood-room', name: 'Mallory', create: true }))
    await sleep(200)
    const rssBefore = (await healthDetails(server.url)).process.rssBytes
    const ping = JSON.stringify({ type: 'ping' })
    const started = Date.now()
    const flood = (async () => {
      while (!flooder.isClosed() && Date.now() - started < 10_000) {
        if (!flooder.sendText(ping)) await Promise.race([flooder.drain(), flooder.closed])
      }
    })()
    const trips = await pingRoundTrips(bystander.client, 12, 300)
    await flood
    expect(flooder.isClosed()).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(percentile(trips, 99)).toBeLessThan(50)
    expect((await healthDetails(server.url)).process.rssBytes - rssBefore).toBeLessThan(50 * MiB)
  })

  it('a socket that reads but floods pings gets a few pongs a second, then is closed with 1008', async () => {
    const { client } = await joinRoom(server.wsUrl, 'ping-flood', 'Eve', {}, '127.0.0.4')
    for (let i = 0; i < 500; i++) client.send({ type: 'ping' })
    expect(await client.closed).toBe(1008)
    expect(client.frames.filter(frame => frame.type === 'pong').length).toBeLessThanOrEqual(10)
  })

  it('members that never read are cut once their backlog passes the limit; readers in the room get everything', async () => {
    const reader = await joinRoom(server.wsUrl, 'busy-room', 'Reader', {}, '127.0.0.5')
    const sender = await joinRoom(server.wsUrl, 'busy-room', 'Sender', {}, '127.0.0.6')
    const sleepers = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      const sleeper = await openNonReadingClient(server.wsUrl, { localAddress: `127.0.1.${i + 1}` })
      sleeper.sendText(JSON.stringify({ type: 'join', roomId: 'busy-room', name: `Sleeper${i}` }))
      return sleeper
    }))
    // Everyone pings like a live page, so only the backlog can end a sleeper.
    const ping = JSON.stringify({ type: 'ping' })
    const heartbeat = setInterval(() => {
      for (const sleeper of sleepers) if (!sleeper.isClosed()) sleeper.sendText(ping)
      reader.client.send(ping)
      sender.client.send(ping)
    }, 400)
    await sleep(300)
    expect((await healthDetails(server.url)).connections).toBe(7)
    const rssBefore = (await healthDetails(server.url)).process.rssBytes
    const text = 'x'.repeat(1900)
    // ~40 MiB to each sleeper, far past what the kernel's socket buffers absorb.
    const total = 20_000
    for (let i = 0; i < total; i += 200) {
      for (let j = 0; j < 200; j++) sender.client.send({ type: 'chat', text, clientId: `m-${i + j}` })
      await sleep(100)
    }
    await expect.poll(async () => (await healthDetails(server.url)).connections, { timeout: 15_000 }).toBe(2)
    await expect.poll(() => reader.client.frames.filter(frame => frame.type === 'chat').length, { timeout: 30_000 }).toBe(total)
    expect((await healthDetails(server.url)).process.rssBytes - rssBefore).toBeLessThan(100 * MiB)
    clearInterval(heartbeat)
  }, 90_000)
})

describe('sockets the server refuses or gives up on', () => {
  it('sockets refused by the per-address cap are cut at once, not held for a close handshake', async () => {
    const before = (await server.probe()).sockets
    await Promise.all(Array.from({ length: 20 }, () => connect(server.wsUrl, { localAddress: '127.0.2.1' })))
    // These never answer the close frame: with a polite close each would hold a descriptor for 30 s.
    const refused = await Promise.all(Array.from({ length: 15 }, () => openNonReadingClient(server.wsUrl, { localAddress: '127.0.2.1' })))
    await sleep(1500)
    // The 20 held sockets, and none of the 15 refused ones (a socket of an earlier request may just be closing).
    const after = (await server.probe()).sockets
    expect(after).toBeGreaterThanOrEqual(20)
    expect(after).toBeLessThanOrEqual(before + 20)
    for (const client of refused) client.socket.destroy()
  })

  it('a client that sends headers slowly is dropped after the headers timeout, and others are served meanwhile', async () => {
    const slow = tcpConnect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress: '127.0.3.1' })
    slow.on('error', () => {})
    const closed = new Promise(resolve => slow.once('close', resolve))
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n')
    const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 200)
    const started = Date.now()
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    await closed
    clearInterval(drip)
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('past its TCP cap an address is cut at connect, while another address is served', async () => {
    const sockets = await Promise.all(Array.from({ length: 45 }, () => new Promise<{ closedEarly: boolean }>((resolve) => {
      const socket = tcpConnect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress: '127.0.4.1' })
      socket.on('error', () => {})
      const timer = setTimeout(() => resolve({ closedEarly: false }), 1000)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve({ closedEarly: true })
      })
      setTimeout(() => socket.destroy(), 1500)
    })))
    const other = await connect(server.wsUrl, { localAddress: '127.0.4.2' })
    other.send({ type: 'ping' })
    expect(await other.next('error')).toMatchObject({ code: 'NOT_JOINED' })
    expect(sockets.filter(s => s.closedEarly).length).toBe(5)
  })
})
