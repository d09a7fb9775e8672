// `npm run bench:metrics` (and the end of a full `npm run bench`): what
// Prometheus metrics cost. Two copies of the built server run side by side
// under the same load, one with NUXT_METRICS_TOKEN set and scraped every
// 15 s (Prometheus's default interval), one without; the figure is the ratio
// of their CPU over the same windows (issue 21's target: at most 1.03).
//
// Like with like: both share the machine and the load generator and are read
// within the same instant, so noise hits them alike, and a window is a whole
// number of scrape intervals, so each holds as many scrapes. Two processes
// are not alike, though: with metrics off in both (METRICS_CONTROL=1), one
// server used 3-30% more CPU than the other under the same load, steadily
// for the life of the pair. So the run has several rounds, fresh servers
// each, the order of the two swapped each round, and the figure is the
// geometric mean of the rounds' ratios, printed with their spread. A server
// that gets less CPU time reads more pings per wake-up and so spends less per
// ping: where taskset exists, both servers share one core and the generator
// has the other, so that they compete alike (METRICS_PIN=0 turns it off).
//
// METRICS_CLIENTS (2000 each), METRICS_ROUNDS (4) and METRICS_SECONDS
// (2 windows of 30 s a round) set the size, METRICS_SCRAPE_MS the scrape interval (a huge one
// leaves only the cost of counting). CPU is read in clock ticks (10 ms).
// METRICS_CPU_PROF=<dir> runs the servers under `node --cpu-prof` (read the
// profiles with bench/profile-summary.ts). METRICS_CONTROL=1 runs both with
// metrics off: the ratio it prints is the bench's own noise.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClientPool } from './load.js'
import { cpuSeconds } from './measure.js'
import { spawnServer } from './servers.js'
import type { ChildServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const CLIENTS = Number(process.env.METRICS_CLIENTS ?? 2000)
const WINDOW_SECONDS = Number(process.env.METRICS_SECONDS ?? 30)
const WINDOWS = 2
const ROUNDS = Number(process.env.METRICS_ROUNDS ?? 4)
const ROOM_SIZE = 20
const PING_INTERVAL_MS = 2000
const SCRAPE_INTERVAL_MS = Number(process.env.METRICS_SCRAPE_MS ?? 15_000)
const TOKEN = 'bench-metrics-token'
const TARGET_RATIO = 1.03
const PROFILE_DIR = process.env.METRICS_CPU_PROF
const CONTROL = process.env.METRICS_CONTROL === '1'
const PIN = process.env.METRICS_PIN !== '0' && availableParallelism() >= 2 && existsSync('/usr/bin/taskset')

async function start(name: string, metricsOn: boolean, dataDir: string): Promise<{ server: ChildServer, url: string }> {
  const env = {
    ...process.env,
    NUXT_DATA_DIR: join(dataDir, name),
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: String(CLIENTS * 2),
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: String(CLIENTS * 2),
    NUXT_MEMBERS_PER_ADDRESS: String(CLIENTS * 2),
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: String(CLIENTS),
    NUXT_METRICS_TOKEN: metricsOn ? TOKEN : '',
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
  }
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : []
  // taskset execs node in its own process: the pid read for CPU is the server's.
  const [command, args] = PIN ? ['/usr/bin/taskset', ['-c', '0', process.execPath, ...profile, SERVER_ENTRY]] : [process.execPath, [...profile, SERVER_ENTRY]]
  const { server, match } = await spawnServer(name, command, args, env, /Listening on https?:\/\/[^\s]*:(\d+)/, 3000)
  return { server, url: `127.0.0.1:${match[1]}` }
}

interface RoundResult { off: number, on: number }

/** One round: both servers started in this order, loaded alike, then measured over the same windows. */
async function round(index: number, onFirst: boolean, dataDir: string): Promise<RoundResult> {
  const order = onFirst ? ['on', 'off'] as const : ['off', 'on'] as const
  const servers: Partial<Record<'on' | 'off', { server: ChildServer, url: string }>> = {}
  for (const which of order) servers[which] = await start(`metrics-${which}-${index}`, which === 'on' && !CONTROL, dataDir)
  const off = servers.off!
  const on = servers.on!
  const pools = order.map(which => new ClientPool([`ws://${servers[which]!.url}/ws`]))
  let scrapes = 0
  const scraper = setInterval(() => {
    void fetch(`http://${on.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      .then(res => res.text())
      .then(() => scrapes++)
  }, SCRAPE_INTERVAL_MS)
  try {
    const specs = Array.from({ length: CLIENTS }, (_, i) => ({ roomId: `metrics-${Math.floor(i / ROOM_SIZE)}`, name: `m${i % ROOM_SIZE}` }))
    for (const pool of pools) {
      const opened = await pool.open(specs, 50)
      if (opened.failed > 0) throw new Error(`${opened.failed} of ${CLIENTS} clients could not join: ${JSON.stringify(opened.errors)}`)
      pool.setPingInterval(PING_INTERVAL_MS)
    }
    await sleep(3000)
    const totals = { off: 0, on: 0 }
    for (let window = 1; window <= WINDOWS; window++) {
      const before = [off, on].map(({ server }) => cpuSeconds(server.pid))
      await sleep(WINDOW_SECONDS * 1000)
      const [offCpu, onCpu] = [off, on].map(({ server }, i) => cpuSeconds(server.pid) - before[i]!) as [number, number]
      totals.off += offCpu
      totals.on += onCpu
      console.log(`[bench] metrics: round ${index} (${order.join(' started before ')}), window ${window}: CPU off ${offCpu.toFixed(2)} s, on ${onCpu.toFixed(2)} s, ratio ${(onCpu / offCpu).toFixed(3)}`)
    }
    console.log(`[bench] metrics: round ${index}: ${scrapes} scrapes; CPU over ${WINDOWS * WINDOW_SECONDS} s: off ${totals.off.toFixed(2)} s, on ${totals.on.toFixed(2)} s, ratio ${(totals.on / totals.off).toFixed(3)}`)
    return totals
  }
  finally {
    clearInterval(scraper)
    for (const pool of pools) pool.closeAll()
    await Promise.all([off, on].map(({ server }) => server.stop()))
  }
}

async function main(): Promise<void> {
  if (PIN) execFileSync('/usr/bin/taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' })
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-metrics-'))
  try {
    const ratios: number[] = []
    for (let index = 1; index <= ROUNDS; index++) {
      const totals = await round(index, index % 2 === 0, dataDir)
      ratios.push(totals.on / totals.off)
    }
    const ratio = Math.exp(ratios.reduce((sum, value) => sum + Math.log(value), 0) / ratios.length)
    if (CONTROL) console.log('[bench] metrics: CONTROL RUN, metrics off in both servers (the scrapes get 404): the ratio below is noise, not metrics')
    // Rounds that disagree by more than the target's own margin cannot tell 3% apart: said so rather than a verdict.
    const spread = Math.max(...ratios) / Math.min(...ratios) - 1
    const verdict = spread > 2 * (TARGET_RATIO - 1) ? `INCONCLUSIVE: the rounds disagree by ${(spread * 100).toFixed(0)}%, more than the target's margin (run METRICS_CONTROL=1 to see this machine's noise)` : ratio <= TARGET_RATIO ? 'met' : 'MISSED'
    console.log(`[bench] metrics: ${CLIENTS} connections each pinging every ${PING_INTERVAL_MS / 1000} s, ${PIN ? 'both servers on core 0, the generator on core 1' : 'no cores pinned'}, scraped every ${SCRAPE_INTERVAL_MS / 1000} s; CPU with metrics on / off = ${ratio.toFixed(3)}, geometric mean of ${ROUNDS} rounds (${ratios.map(value => value.toFixed(3)).join(', ')}; order swapped each round); target <= ${TARGET_RATIO}: ${verdict}`)
  }
  finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] metrics failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
    process.exit(1)
  },
)
