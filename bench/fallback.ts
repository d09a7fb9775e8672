// `npm run bench:fallback` (and the end of a full `npm run bench`): 1,000
// members on WebSocket against 1,000 on the fallback transport (an SSE stream
// down, POSTs up), each transport on a fresh server of its own, both servers
// loaded and measured over the same window, so that whatever else the machine
// runs weighs on both alike. Every member pings at the app's 6 s. Printed, for
// each transport: the server's CPU, and its memory per connection twice: the
// live heap the open connections hold (from heap snapshots, which collect
// garbage first, so it does not depend on when the collector last ran) and RSS
// (what the OS sees, noisy by a few MiB). Then the fallback's ratio to WebSocket's (target: within 2x),
// per round and the median of the rounds; each round starts fresh servers and
// swaps which transport goes first. FALLBACK_CLIENTS, FALLBACK_SECONDS and
// FALLBACK_ROUNDS change the count (1,000), the measured window (30 s) and the
// rounds (3); --cpu-prof profiles both servers into bench/results/profiles.
// --behind-nginx puts each server behind an nginx of its own with
// deploy/nginx.conf, as docs/deploy.md runs it (nginx's CPU printed apart).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { socketMember, streamMember } from './fallback-members.js'
import type { Member } from './fallback-members.js'
import { liveHeapBytes, readHeapSnapshot } from './heap-snapshot.js'
import { cpuSeconds, percentile, rssBytes } from './measure.js'
import { startNginxProxy } from './nginx-proxy.js'
import type { NginxProxy } from './nginx-proxy.js'
import { spawnServer, takeHeapSnapshot } from './servers.js'
import type { ChildServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const CLIENTS = Number(process.env.FALLBACK_CLIENTS ?? 1000)
const SECONDS = Number(process.env.FALLBACK_SECONDS ?? 30)
const ROUNDS = Number(process.env.FALLBACK_ROUNDS ?? 3)
/** Members connected and closed before the baseline, so that code first run for a connection is not counted per connection. */
const WARM_UP_MEMBERS = 50
/**
 * Quiet time before the baseline RSS. A server just started and warmed up
 * holds garbage and a grown young generation until V8's memory reducer finds
 * it idle and shrinks the heap: read 3 s after the warm-up, the baseline sat
 * 15 MiB high, and 1,000 sockets seemed to take less than nothing.
 */
const SETTLE_MS = 20_000
const PING_MS = 6000
const MEMBERS_PER_ROOM = 10
const TARGET_RATIO = 2
const KiB = 1024

type Transport = 'WebSocket' | 'fallback'

interface Figures { transport: Transport, cpuPercent: number, nginxCpuPercent: number | undefined, heapPerConnection: number, rssPerConnection: number, baselineRss: number, loadedRss: number }

const PROFILES = resolve('bench/results/profiles')
const CPU_PROF = process.argv.includes('--cpu-prof')
const BEHIND_NGINX = process.argv.includes('--behind-nginx')

/** One transport's server and members; both run side by side and are read over the same window. */
interface Run { transport: Transport, server: ChildServer, proxy: NginxProxy | undefined, base: string, dataDir: string, snapshotDir: string, members: Member[], timers: Array<ReturnType<typeof setInterval>> }

async function start(transport: Transport): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-fallback-'))
  const snapshotDir = join(dataDir, 'heap')
  mkdirSync(snapshotDir)
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
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: String(CLIENTS * 2),
    NUXT_HTTP_REQUESTS_PER_SECOND: String(CLIENTS * 10),
    NUXT_HTTP_BURST: String(CLIENTS * 10),
  }
  const nodeArgs = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`]
  if (CPU_PROF) {
    mkdirSync(PROFILES, { recursive: true })
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=fallback-bench-${transport}-${Date.now()}.cpuprofile`)
  }
  const { server, match } = await spawnServer(`app-${transport}`, process.execPath, [...nodeArgs, SERVER_ENTRY], env, /Listening on https?:\/\/[^\s]*:(\d+)/, CPU_PROF ? 20_000 : 3000)
  const upstream = `127.0.0.1:${match[1]}`
  let proxy: NginxProxy | undefined
  try {
    if (BEHIND_NGINX) proxy = await startNginxProxy(upstream, join(dataDir, 'nginx'))
  }
  catch (error) {
    await server.stop()
    throw error
  }
  return { transport, server, proxy, base: proxy?.url ?? `http://${upstream}`, dataDir, snapshotDir, members: [], timers: [] }
}

function opener(transport: Transport): typeof socketMember {
  return transport === 'WebSocket' ? socketMember : streamMember
}

async function connectMembers(run: Run): Promise<void> {
  const open = opener(run.transport)
  for (let i = 0; i < CLIENTS; i += 50) {
    run.members.push(...await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, (_, k) => open(run.base, `bench-fallback-${Math.floor((i + k) / MEMBERS_PER_ROOM)}`, i + k))))
  }
  // Each member pings every 6 s, spread evenly over the interval, as pages do.
  run.members.forEach((member, i) => {
    setTimeout(() => run.timers.push(setInterval(member.ping, PING_MS)), Math.floor(i * PING_MS / run.members.length))
  })
}

/** Members that join and leave before the baseline: what a server compiles and pools on its first connections is not per connection. */
async function warmUp(run: Run): Promise<void> {
  const open = opener(run.transport)
  const members = await Promise.all(Array.from({ length: WARM_UP_MEMBERS }, (_, k) => open(run.base, `bench-warm-up-${Math.floor(k / MEMBERS_PER_ROOM)}`, k)))
  for (const member of members) member.close()
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

/** Live heap bytes of a server now (the snapshot file is read, then removed). */
async function liveHeap(run: Run): Promise<number> {
  const file = await takeHeapSnapshot(run.server, run.snapshotDir)
  const bytes = liveHeapBytes(readHeapSnapshot(file))
  rmSync(file, { force: true })
  return bytes
}

function closeMembers(run: Run): void {
  for (const timer of run.timers) clearInterval(timer)
  for (const member of run.members) member.close()
  run.timers = []
  run.members = []
}

async function stop(run: Run): Promise<void> {
  closeMembers(run)
  await run.proxy?.stop()
  await run.server.stop()
  rmSync(run.dataDir, { recursive: true, force: true })
}

/**
 * One round: a fresh server per transport, started, warmed up and loaded in
 * `order`, CPU and RSS read over the same window. Then the live heap, with the
 * members connected and again once they have all closed: the difference is
 * what the open connections hold. (A snapshot before the load would do, but
 * taking one leaves the server's RSS higher for the rest of its life.) What
 * stays once they close, the rooms' member lists, is the same for both.
 */
async function measureRound(order: readonly Transport[]): Promise<Figures[]> {
  const runs: Run[] = []
  try {
    for (const transport of order) runs.push(await start(transport))
    const pids = runs.map(run => run.server.pid)
    for (const run of runs) await warmUp(run)
    await sleep(SETTLE_MS)
    const baselineRss = await medianRss(pids, 2000)
    // One after the other: each server's connecting is not what is measured.
    for (const run of runs) await connectMembers(run)
    await sleep(PING_MS + 2000)
    const nginxPids = runs.map(run => run.proxy?.pids() ?? [])
    const nginxCpu = () => nginxPids.map(list => list.reduce((sum, pid) => sum + cpuSeconds(pid), 0))
    const cpuBefore = pids.map(pid => cpuSeconds(pid))
    const nginxBefore = nginxCpu()
    const startedAt = Date.now()
    const loadedRss = await medianRss(pids, SECONDS * 1000)
    const seconds = (Date.now() - startedAt) / 1000
    const cpuPercent = pids.map((pid, i) => (cpuSeconds(pid) - cpuBefore[i]!) / seconds * 100)
    const nginxPercent = nginxCpu().map((after, i) => (after - nginxBefore[i]!) / seconds * 100)
    const loadedHeap: number[] = []
    for (const run of runs) loadedHeap.push(await liveHeap(run))
    for (const run of runs) closeMembers(run)
    await sleep(3000)
    const closedHeap: number[] = []
    for (const run of runs) closedHeap.push(await liveHeap(run))
    const figures = runs.map((run, i) => ({
      transport: run.transport,
      cpuPercent: cpuPercent[i]!,
      nginxCpuPercent: run.proxy ? nginxPercent[i]! : undefined,
      heapPerConnection: (loadedHeap[i]! - closedHeap[i]!) / CLIENTS,
      rssPerConnection: (loadedRss[i]! - baselineRss[i]!) / CLIENTS,
      baselineRss: baselineRss[i]!,
      loadedRss: loadedRss[i]!,
    }))
    return ['WebSocket', 'fallback'].map(transport => figures.find(row => row.transport === transport)!)
  }
  finally {
    await Promise.all(runs.map(run => stop(run)))
  }
}

interface Ratios { heap: number, rss: number, cpu: number }

const ratiosOf = ([socket, fallback]: Figures[]): Ratios => ({
  heap: fallback!.heapPerConnection / socket!.heapPerConnection,
  rss: fallback!.rssPerConnection / socket!.rssPerConnection,
  cpu: fallback!.cpuPercent / socket!.cpuPercent,
})

// A WebSocket figure at or below zero (memory that shrank) makes no ratio: said so, never "met".
const verdict = (ratio: number) => (!(ratio > 0) ? 'NOT MEASURED' : ratio <= TARGET_RATIO ? 'met' : 'MISSED')
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50)

async function main(): Promise<void> {
  const where = BEHIND_NGINX ? ', each server behind an nginx of its own (deploy/nginx.conf)' : ''
  console.log(`\nFallback transport: ${CLIENTS} members on each transport, rooms of ${MEMBERS_PER_ROOM}, a ping every ${PING_MS / 1000} s each, a fresh server per transport in each of ${ROUNDS} rounds${where}, both measured over the same ${SECONDS} s (target: within ${TARGET_RATIO}x of WebSocket)\n`)
  console.log('| round | transport | live heap per connection KiB | server RSS before / loaded MiB | RSS per connection KiB | server CPU % of a core | nginx CPU % of a core |')
  console.log('|---|---|---|---|---|---|---|')
  const rounds: Ratios[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const order: Transport[] = round % 2 === 1 ? ['WebSocket', 'fallback'] : ['fallback', 'WebSocket']
    const figures = await measureRound(order)
    for (const row of figures) {
      console.log(`| ${round} | ${row.transport} | ${(row.heapPerConnection / KiB).toFixed(1)} | ${(row.baselineRss / KiB / KiB).toFixed(0)} / ${(row.loadedRss / KiB / KiB).toFixed(0)} | ${(row.rssPerConnection / KiB).toFixed(1)} | ${row.cpuPercent.toFixed(2)} | ${row.nginxCpuPercent?.toFixed(2) ?? '-'} |`)
    }
    const ratios = ratiosOf(figures)
    rounds.push(ratios)
    console.log(`| ${round} | fallback / WebSocket | ${ratios.heap.toFixed(2)}x | | ${ratios.rss.toFixed(2)}x | ${ratios.cpu.toFixed(2)}x | |`)
  }
  const heap = median(rounds.map(r => r.heap))
  const rss = median(rounds.map(r => r.rss))
  const cpu = median(rounds.map(r => r.cpu))
  console.log(`\nMedian of ${ROUNDS} rounds, fallback / WebSocket: live heap per connection ${heap.toFixed(2)}x (${verdict(heap)}), RSS per connection ${rss.toFixed(2)}x (${verdict(rss)}), CPU ${cpu.toFixed(2)}x (${verdict(cpu)})`)
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[bench] fallback failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
