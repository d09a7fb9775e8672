import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { connect } from '../support/ws-client'

// CI runs the short form; `SOAK_CYCLES=20000 npm run test:integration -- soak` runs a long one.
const CYCLES = Number(process.env.SOAK_CYCLES ?? 1500)
const CONCURRENCY = 25
const ROOMS = 30

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    NUXT_EMPTY_ROOM_GRACE_MS: '300',
    // The default SQLite store, with no retention of empty rooms beyond the
    // grace (nor of offline memberships beyond the window: they lapse at
    // once), and the rooms nobody has a socket in swept every second.
    NUXT_ROOM_RETENTION_MS: '0',
    NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: '1000',
    NUXT_FRAMES_PER_SECOND: '1000',
    NUXT_FRAME_BURST: '1000',
  }, { heapProbe: true })
})
afterAll(() => server.stop())

const health = () => healthDetails(server.url)

async function cycle(i: number): Promise<void> {
  const client = await connect(server.wsUrl)
  client.send({ type: 'join', roomId: `soak-${i % ROOMS}`, name: `member-${i}`, create: true })
  await client.next('joined')
  client.send({ type: 'ping' })
  client.send({ type: 'chat', text: `message ${i}`, clientId: `c-${i}` })
  await client.next('chat')
  await client.next('pong')
  // A third leave politely, a third close, a third vanish without a close frame.
  if (i % 3 === 0) {
    client.send({ type: 'leave' })
    await client.next('left')
    client.close()
  }
  else if (i % 3 === 1) {
    client.close()
  }
  else {
    client.ws.terminate()
  }
  await client.closed
}

describe('churn soak', () => {
  it(`after ${CYCLES} connect/join/chat/drop cycles, rooms, members, sockets, timers and the heap are back where they started`, async () => {
    const before = await health()
    const probeBefore = await server.probe()
    let next = 0
    const startedAt = Date.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < CYCLES) await cycle(next++)
    }))
    const churnMs = Date.now() - startedAt
    const peak = await health()

    let after = await health()
    for (let waited = 0; waited < 10_000 && ((after.rooms ?? 0) > 0 || after.members > 0 || after.connections > 0); waited += 200) {
      await new Promise(resolve => setTimeout(resolve, 200))
      after = await health()
    }
    let probeAfter = await server.probe()
    for (let waited = 0; waited < 5000 && probeAfter.sockets > 0; waited += 250) {
      await new Promise(resolve => setTimeout(resolve, 250))
      probeAfter = await server.probe()
    }
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
    console.log(`[soak] ${CYCLES} cycles in ${churnMs} ms (${Math.round(CYCLES / (churnMs / 1000))}/s); `
      + `heap after GC ${mib(probeBefore.heapUsed)} -> ${mib(probeAfter.heapUsed)} MiB; sockets ${probeBefore.sockets} -> ${probeAfter.sockets}; `
      + `rss ${mib(before.process.rssBytes)} -> ${mib(peak.process.rssBytes)} (end of churn) -> ${mib(after.process.rssBytes)} MiB; `
      + `timers ${before.process.activeTimers} -> ${after.process.activeTimers}`)

    expect(after).toMatchObject({ rooms: 0, members: 0, connections: 0, roomsWithSockets: 0, clientAddresses: 0 })
    expect(after.process.activeTimers).toBeLessThanOrEqual(before.process.activeTimers)
    // Nothing per cycle is kept: a leak of 1 KiB a cycle would show in the heap.
    expect(probeAfter.heapUsed - probeBefore.heapUsed).toBeLessThan(Math.max(4 * 1024 * 1024, CYCLES * 1024))
    // No socket (and none of the listeners on it) outlives its client.
    expect(probeAfter.sockets).toBe(0)
    // RSS does not fall back all the way (V8 keeps pages it grew into), but it stays bounded.
    expect(after.process.rssBytes - before.process.rssBytes).toBeLessThan(128 * 1024 * 1024)
  }, 180_000)
})
