// `npm run bench:fallback` (and the end of a full `npm run bench`): 1,000
// members on WebSocket against 1,000 on the fallback transport (an SSE stream
// down, POSTs up), each on a fresh server of its own in the same run, every
// member pinging at the app's 6 s. Printed: the server's memory per
// connection and its CPU, for each transport, and the fallback's ratio to
// WebSocket's (target: within 2x). FALLBACK_CLIENTS and FALLBACK_SECONDS
// change the count (1,000) and the measured window (30 s).
import { Agent, request } from 'node:http'
import type { ClientRequest } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import { cpuSeconds, rssBytes } from './measure.js'
import { spawnServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const CLIENTS = Number(process.env.FALLBACK_CLIENTS ?? 1000)
const SECONDS = Number(process.env.FALLBACK_SECONDS ?? 30)
const PING_MS = 6000
const MEMBERS_PER_ROOM = 10
const TARGET_RATIO = 2
const KiB = 1024

type Transport = 'WebSocket' | 'fallback'

interface Member { ping: () => void, close: () => void }

/** Sockets for the POSTs, kept alive as a browser keeps its few connections per host. */
const postAgent = new Agent({ keepAlive: true, maxSockets: 64 })

async function socketMember(base: string, roomId: string, n: number): Promise<Member> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`)
  await new Promise((done, fail) => ws.once('open', done).once('error', fail))
  const joined = new Promise<void>(done => ws.on('message', (data) => {
    if (data.toString().startsWith('{"type":"joined"')) done()
  }))
  ws.send(JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true }))
  await joined
  return { ping: () => ws.send('{"type":"ping"}'), close: () => ws.terminate() }
}

function post(base: string, session: string, frames: string[], ack: string | undefined): Promise<number> {
  const url = `${base}/ws/send?session=${session}${ack ? `&ack=${ack}` : ''}`
  const body = JSON.stringify(frames)
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent: postAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.once('end', () => done(res.statusCode ?? 0))
    })
    req.once('error', fail)
    req.end(body)
  })
}

/** A fallback member as the page is one: one stream, a POST per ping carrying the last event id read. */
async function streamMember(base: string, roomId: string, n: number): Promise<Member> {
  let lastEventId: string | undefined
  let stream: ClientRequest | undefined
  const session = await new Promise<string>((done, fail) => {
    stream = request(`${base}/ws/stream`, { agent: false }, (res) => {
      let pending = ''
      let named = false
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        pending += chunk
        const blocks = pending.split('\n\n')
        pending = blocks.pop()!
        for (const block of blocks) {
          const id = /^id: (\d+)$/m.exec(block)?.[1]
          if (id) lastEventId = id
          const sessionId = /"session":"([\w-]+)"/.exec(block)?.[1]
          if (sessionId && !named) {
            named = true
            done(sessionId)
          }
        }
      })
    })
    stream.once('error', fail)
    stream.end()
  })
  await post(base, session, [JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true })], undefined)
  return {
    ping: () => void post(base, session, ['{"type":"ping"}'], lastEventId).catch(() => {}),
    close: () => stream?.destroy(),
  }
}

interface Figures { transport: Transport, perConnectionBytes: number, cpuPercent: number, baselineRss: number, loadedRss: number }

async function measure(transport: Transport): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-fallback-'))
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    NUXT_DATA_DIR: dataDir,
    NUXT_STORE: 'memory',
    // Every member comes from 127.0.0.1: the per-address caps out of the way, the same code paths.
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: String(CLIENTS * 2),
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: String(CLIENTS * 3),
    NUXT_MEMBERS_PER_ADDRESS: String(CLIENTS * 2),
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: String(CLIENTS),
    NUXT_HTTP_REQUESTS_PER_SECOND: String(CLIENTS * 10),
    NUXT_HTTP_BURST: String(CLIENTS * 10),
  }
  const { server, match } = await spawnServer(`app-${transport}`, process.execPath, [SERVER_ENTRY], env, /Listening on https?:\/\/[^\s]*:(\d+)/, 3000)
  const base = `http://127.0.0.1:${match[1]}`
  const members: Member[] = []
  const timers: Array<ReturnType<typeof setInterval>> = []
  try {
    await sleep(2000)
    const baselineRss = rssBytes(server.pid)
    const open = transport === 'WebSocket' ? socketMember : streamMember
    for (let i = 0; i < CLIENTS; i += 50) {
      members.push(...await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, (_, k) => open(base, `bench-fallback-${Math.floor((i + k) / MEMBERS_PER_ROOM)}`, i + k))))
    }
    // Each member pings every 6 s, spread evenly over the interval, as pages do.
    members.forEach((member, i) => {
      setTimeout(() => timers.push(setInterval(member.ping, PING_MS)), Math.floor(i * PING_MS / members.length))
    })
    await sleep(PING_MS + 2000)
    const cpuBefore = cpuSeconds(server.pid)
    const rss: number[] = []
    const startedAt = Date.now()
    while (Date.now() - startedAt < SECONDS * 1000) {
      await sleep(250)
      rss.push(rssBytes(server.pid))
    }
    const cpuPercent = (cpuSeconds(server.pid) - cpuBefore) / ((Date.now() - startedAt) / 1000) * 100
    const loadedRss = rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)]!
    return { transport, perConnectionBytes: (loadedRss - baselineRss) / CLIENTS, cpuPercent, baselineRss, loadedRss }
  }
  finally {
    for (const timer of timers) clearInterval(timer)
    for (const member of members) member.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const socket = await measure('WebSocket')
  console.log(`[bench] fallback: WebSocket measured (${(socket.perConnectionBytes / KiB).toFixed(1)} KiB a connection, ${socket.cpuPercent.toFixed(1)}% CPU)`)
  const fallback = await measure('fallback')
  const memoryRatio = fallback.perConnectionBytes / socket.perConnectionBytes
  const cpuRatio = fallback.cpuPercent / socket.cpuPercent
  const verdict = (ratio: number) => (ratio <= TARGET_RATIO ? 'met' : 'MISSED')
  console.log(`\nFallback transport: ${CLIENTS} members on each transport, rooms of ${MEMBERS_PER_ROOM}, a ping every ${PING_MS / 1000} s each, ${SECONDS} s measured on a fresh server per transport (target: within ${TARGET_RATIO}x of WebSocket)\n`)
  console.log('| transport | server RSS before / loaded MiB | RSS per connection KiB | server CPU % of a core |')
  console.log('|---|---|---|---|')
  for (const row of [socket, fallback]) {
    console.log(`| ${row.transport} | ${(row.baselineRss / KiB / KiB).toFixed(0)} / ${(row.loadedRss / KiB / KiB).toFixed(0)} | ${(row.perConnectionBytes / KiB).toFixed(1)} | ${row.cpuPercent.toFixed(2)} |`)
  }
  console.log(`| fallback / WebSocket | | ${memoryRatio.toFixed(2)}x (${verdict(memoryRatio)}) | ${cpuRatio.toFixed(2)}x (${verdict(cpuRatio)}) |`)
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[bench] fallback failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
