import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { healthDetails } from '../support/health'
import { percentile } from '../support/ping-rtt'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

// CI runs a minute; HOSTILE_SOAK_SECONDS=600 runs a long one.
const SECONDS = Number(process.env.HOSTILE_SOAK_SECONDS ?? 60)
const ATTACKERS = fileURLToPath(new URL('../support/hostile-load.mjs', import.meta.url))
const BIG_ANSWERS = fileURLToPath(new URL('../support/big-answer-load.mjs', import.meta.url))
// Each big-answer flood runs this long; BIG_ANSWER_SECONDS=60 runs long ones.
const FLOOD_SECONDS = Number(process.env.BIG_ANSWER_SECONDS ?? 15)
// As many U+0001 as a message may hold: 6 bytes of JSON each.
const HEAVY_TEXT_CHARS = Math.min(LIMITS.textMaxLength, Math.floor((LIMITS.textMaxBytes - 3) / 6))
const MiB = 1024 * 1024

let server: RunningServer

beforeAll(async () => {
  // Production caps, not the test defaults: the attack must meet the real limits.
  server = await startServer({ NUXT_MAX_CONNECTIONS_PER_ADDRESS: '50', NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '100' })
})
afterAll(async () => {
  closeAllClients()
  await server.stop()
})

describe('hostile soak', () => {
  it(`for ${SECONDS} s of flooders, sleepers, lingering refused sockets and oversized bodies, legitimate clients keep fast pongs and the server stays small`, async () => {
    // Twenty members in four rooms, each from an address of its own, pinging every 500 ms.
    const members: TestClient[] = []
    for (let i = 0; i < 20; i++) members.push((await joinRoom(server.wsUrl, `calm-${i % 4}`, `member${i}`, {}, `127.0.30.${i + 1}`)).client)
    const attackers = spawn(process.execPath, [ATTACKERS, server.url, String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let attackerReport = ''
    attackers.stdout!.on('data', (chunk: Buffer) => (attackerReport += chunk.toString()))
    const attackersDone = new Promise<void>(resolve => attackers.once('exit', () => resolve()))

    const trips: number[] = []
    let peakRss = 0
    let chatsSent = 0
    const endAt = Date.now() + SECONDS * 1000
    const pinging = members.map(async (member, i) => {
      while (Date.now() < endAt) {
        const sent = performance.now()
        member.send({ type: 'ping' })
        await member.next('pong', 5000)
        trips.push(performance.now() - sent)
        if (i % 5 === 0) {
          member.send({ type: 'chat', text: `still here ${chatsSent}`, clientId: `calm-${i}-${chatsSent}` })
          chatsSent++
        }
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    })
    const sampling = (async () => {
      while (Date.now() < endAt) {
        peakRss = Math.max(peakRss, (await healthDetails(server.url)).process.rssBytes)
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    })()
    await Promise.all([...pinging, sampling, attackersDone])

    const report = JSON.parse(attackerReport) as Record<string, number>
    console.log(`[hostile-soak] ${trips.length} pongs, p50 ${percentile(trips, 50).toFixed(1)} ms, p99 ${percentile(trips, 99).toFixed(1)} ms, max ${Math.max(...trips).toFixed(1)} ms; peak RSS ${(peakRss / MiB).toFixed(0)} MiB; attackers ${JSON.stringify(report)}`)
    // The attack happened: flooders and sleepers were cut again and again, bodies refused.
    expect(report.floodersCut).toBeGreaterThan(8)
    expect(report.sleepersCut).toBeGreaterThan(0)
    expect(report.status413).toBeGreaterThan(0)
    // And nobody legitimate noticed.
    expect(percentile(trips, 99)).toBeLessThan(100)
    expect(peakRss).toBeLessThan(300 * MiB)
    expect(members.every(member => member.ws.readyState === member.ws.OPEN)).toBe(true)
    const seen = members[1]!.frames.filter(frame => frame.type === 'chat').length
    expect(seen).toBeGreaterThan(0)
  }, (SECONDS + 60) * 1000)

  it('one address with 50 sockets in a room of 500 heavy messages floods history pages, reactions on unknown ids, join/leave churn and resumes from seq 0: members of other rooms lose no pong, every answer is at most a page, and RSS stays under 300 MiB (round trips printed)', async () => {
    const attack = (phase: string, seconds: number) => new Promise<Record<string, number | string>>((resolve, reject) => {
      const child = spawn(process.execPath, [BIG_ANSWERS, server.wsUrl, phase, String(seconds), String(HEAVY_TEXT_CHARS)], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.once('exit', () => {
        try {
          resolve(JSON.parse(out) as Record<string, number | string>)
        }
        catch (error) {
          reject(error)
        }
      })
    })
    const seeded = await attack('seed', 0)
    // Three members of other rooms, from addresses of their own, each pinging
    // as often as a socket may: 150 round trips a phase, so that the p99 is a
    // 99th percentile and not the single slowest ping.
    const calms = await Promise.all([1, 2, 3].map(async n => (await joinRoom(server.wsUrl, `calm-big-${n}`, 'calm', { create: true }, `127.0.41.${n}`)).client))
    const figures: string[] = []
    const failures: string[] = []
    for (const phase of ['history', 'react', 'churn', 'resume']) {
      const flood = attack(phase, FLOOD_SECONDS)
      const trips: number[] = []
      let lost = 0
      let peakRss = 0
      const endAt = Date.now() + FLOOD_SECONDS * 1000
      const sampling = (async () => {
        while (Date.now() < endAt) {
          peakRss = Math.max(peakRss, (await healthDetails(server.url)).process.rssBytes)
          await new Promise(resolve => setTimeout(resolve, 500))
        }
      })()
      await Promise.all(calms.map(async (calm) => {
        while (Date.now() < endAt) {
          const sent = performance.now()
          calm.send({ type: 'ping' })
          try {
            await calm.next('pong', 3000)
            trips.push(performance.now() - sent)
          }
          catch {
            lost++
          }
          // Under the 4 pings a second a socket may send.
          await new Promise(resolve => setTimeout(resolve, 300))
        }
      }))
      const [report] = await Promise.all([flood, sampling])
      const p99 = trips.length > 0 ? percentile(trips, 99) : Infinity
      figures.push(`${phase}: ${trips.length} pongs, ${lost} lost, p50 ${trips.length > 0 ? percentile(trips, 50).toFixed(1) : '-'} ms, p99 ${p99.toFixed(1)} ms, peak RSS ${(peakRss / MiB).toFixed(0)} MiB; attacker ${JSON.stringify(report)}`)
      // Every ping answered and memory bounded, in every run. The round-trip
      // target (p99 under 50 ms, issue 18) is a timing on a shared machine:
      // `npm run bench:big-answers` measures it beside a quiet phase of the
      // same run; here it is only printed.
      if (lost > 0 || peakRss >= 300 * MiB) failures.push(phase)
      // The flood reached the server, and no answer was larger than a page.
      expect(Number(report.sent)).toBeGreaterThan(100)
      expect(Number(report.largestAnswer)).toBeLessThan(300 * 1024)
    }
    console.log(`[hostile-soak big answers] seeded ${JSON.stringify(seeded)}\n${figures.join('\n')}`)
    expect(failures).toEqual([])
  }, (4 * FLOOD_SECONDS + 120) * 1000)
})
