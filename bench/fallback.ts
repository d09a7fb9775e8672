// `npm run bench:fallback` (and the end of a full `npm run bench`): 1,000
// members on WebSocket against 1,000 on the fallback transport (an SSE stream
// down, POSTs up), each transport on a fresh server of its own, both servers
// loaded and measured over the same window, so that whatever else the machine
// runs weighs on both alike. Every member pings at the app's 6 s. Printed: the
// server's memory per connection and its CPU, for each transport, and the
// fallback's ratio to WebSocket's (target: within 2x). FALLBACK_CLIENTS and
// FALLBACK_SECONDS change the count (1,000) and the measured window (30 s);
// --cpu-prof profiles both servers into bench/results/profiles.
import { Agent, request } from 'node:http'
import type { ClientRequest } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import { cpuSeconds, rssBytes } from './measure.js'
import { spawnServer } from './servers.js'
import type { ChildServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const CLIENTS = Number(process.env.FALLBACK_CLIENTS ?? 1000)
const SECONDS = Number(process.env.FALLBACK_SECONDS ?? 30)
const PING_MS = 6000
const MEMBERS_PER_ROOM = 10
const TARGET_RATIO = 2
const KiB = 1024

type Transport = 'WebSocket' | 'fallback'

interface Member { ping: () => void, close: () => void }

async function socketMember(base: string, roomId: string, n: number): Promise<Member> {
  // A browser names its page's origin on the upgrade, and on every fallback request.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { origin: base })
  await new Promise((done, fail) => ws.once('open', done).once('error', fail))
  const joined = new Promise<void>(done => ws.on('message', (data) => {
    if (data.toString().startsWith('{"type":"joined"')) done()
  }))
  ws.send(JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true }))
  await joined
  return { ping: () => ws.send('{"type":"ping"}'), close: () => ws.terminate() }
}

function post(base: string, agent: Agent, session: string, frames: string[], ack: string | undefined): Promise<number> {
  const url = `${base}/ws/send?session=${session}${ack ? `&ack=${ack}` : ''}`
  const body = JSON.stringify(frames)
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent, headers: { 'origin': base, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.once('end', () => done(res.statusCode ?? 0))
    })
    req.once('error', fail)
    req.end(body)
  })
}

/**
 * A fallback member as a page is one: one stream, a POST per ping carrying
 * the last event id read, on a connection of its own that it keeps alive as
 * a browser does (not one pool for every member, which would spare the
 * server the connections that real pages make it hold and accept).
 */
async function streamMember(base: string, roomId: string, n: number): Promise<Member> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let lastEventId: string | undefined
  let stream: ClientRequest | undefined
  const session = await new Promise<string>((done, fail) => {
    stream = request(`${base}/ws/stream`, { agent: false, headers: { origin: base } }, (res) => {
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
  await post(base, agent, session, [JSON.stringify({ type: 'join', roomId, name: `m${n}`, create: true })], undefined)
  return {
    ping: () => void post(base, agent, session, ['{"type":"ping"}'], lastEventId).catch(() => {}),
    close: () => {
      stream?.destroy()
      agent.destroy()
    },
  }
}

interface Figures { transport: Transport, perConnectionBytes: number, cpuPercent: number, baselineRss: number, loadedRss: number }

const PROFILES = resolve('bench/results/profiles')
const CPU_PROF = process.argv.includes('--cpu-prof')

/** One transport's server and members; both run side by side and are read over the same window. */
interface Run { transport: Transport, server: ChildServer, base: string, dataDir: string, members: Member[], timers: Array<ReturnType<typeof setInterval>>, baselineRss: number }

async function start(transport: Transport): Promise<Run> {
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
  const nodeArgs: string[] = []
  if (CPU_PROF) {
    mkdirSync(PROFILES, { recursive: true })
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=fallback-bench-${transport}-${Date.now()}.cpuprofile`)
  }
  const { server, match } = await spawnServer(`app-${transport}`, process.execPath, [...nodeArgs, SERVER_ENTRY], env, /Listening on https?:\/\/[^\s]*:(\d+)/, CPU_PROF ? 20_000 : 3000)
  return { transport, server, base: `http://127.0.0.1:${match[1]}`, dataDir, members: [], timers: [], baselineRss: 0 }
}

async function connectMembers(run: Run): Promise<void> {
  const open = run.transport === 'WebSocket' ? socketMember : streamMember
  for (let i = 0; i < CLIENTS; i += 50) {
    run.members.push(...await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, (_, k) => open(run.base, `bench-fallback-${Math.floor((i + k) / MEMBERS_PER_ROOM)}`, i + k))))
  }
  // Each member pings every 6 s, spread evenly over the interval, as pages do.
  run.members.forEach((member, i) => {
    setTimeout(() => run.timers.push(setInterval(member.ping, PING_MS)), Math.floor(i * PING_MS / run.members.length))
  })
}

/** The median of a process's RSS sampled every 250 ms for `ms`: one sample lands wherever the collector happens to be. */
async function medianRss(pids: number[], ms: number): Promise<number[]> {
  const samples = pids.map(() => [] as number[])
  for (let waited = 0; waited < ms; waited += 250) {
    await sleep(250)
    pids.forEach((pid, i) => samples[i]!.push(rssBytes(pid)))
  }
  return samples.map(list => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!)
}

async function stop(run: Run): Promise<void> {
  for (const timer of run.timers) clearInterval(timer)
  for (const member of run.members) member.close()
  await run.server.stop()
  rmSync(run.dataDir, { recursive: true, force: true })
}

async function measureBoth(): Promise<Figures[]> {
  const runs: Run[] = []
  try {
    for (const transport of ['WebSocket', 'fallback'] as const) runs.push(await start(transport))
    const pids = runs.map(run => run.server.pid)
    await sleep(2000)
    const baselines = await medianRss(pids, 2000)
    runs.forEach((run, i) => run.baselineRss = baselines[i]!)
    // One after the other: each server's connecting is not what is measured.
    for (const run of runs) await connectMembers(run)
    await sleep(PING_MS + 2000)
    const cpuBefore = pids.map(pid => cpuSeconds(pid))
    const startedAt = Date.now()
    const loaded = await medianRss(pids, SECONDS * 1000)
    const seconds = (Date.now() - startedAt) / 1000
    return runs.map((run, i) => ({
      transport: run.transport,
      perConnectionBytes: (loaded[i]! - run.baselineRss) / CLIENTS,
      cpuPercent: (cpuSeconds(pids[i]!) - cpuBefore[i]!) / seconds * 100,
      baselineRss: run.baselineRss,
      loadedRss: loaded[i]!,
    }))
  }
  finally {
    await Promise.all(runs.map(run => stop(run)))
  }
}

async function main(): Promise<void> {
  const [socket, fallback] = await measureBoth() as [Figures, Figures]
  const memoryRatio = fallback.perConnectionBytes / socket.perConnectionBytes
  const cpuRatio = fallback.cpuPercent / socket.cpuPercent
  // A WebSocket figure at or below zero (RSS that shrank) makes no ratio: said so, never "met".
  const verdict = (ratio: number) => (!(ratio > 0) ? 'NOT MEASURED' : ratio <= TARGET_RATIO ? 'met' : 'MISSED')
  console.log(`\nFallback transport: ${CLIENTS} members on each transport, rooms of ${MEMBERS_PER_ROOM}, a ping every ${PING_MS / 1000} s each, a fresh server per transport, both measured over the same ${SECONDS} s (target: within ${TARGET_RATIO}x of WebSocket)\n`)
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
