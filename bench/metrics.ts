// `npm run bench:metrics` (and the end of a full `npm run bench`): what
// Prometheus metrics cost. Two copies of the built server run side by side
// under the same load, one with NUXT_METRICS_TOKEN set and scraped every
// 5 s, one without; the figure is the ratio of their CPU over the same
// windows (issue 21's target: at most 1.03). Both share the machine and the
// load generator, so noise hits them alike; METRICS_CLIENTS (2000 each) and
// METRICS_SECONDS (3 windows of 10 s) set the size, METRICS_SCRAPE_MS the
// scrape interval (a huge one leaves only the cost of counting).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClientPool } from './load.js'
import { cpuSeconds } from './measure.js'
import { spawnServer } from './servers.js'
import type { ChildServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const CLIENTS = Number(process.env.METRICS_CLIENTS ?? 2000)
const WINDOW_SECONDS = Number(process.env.METRICS_SECONDS ?? 10)
const WINDOWS = 3
const ROOM_SIZE = 20
const PING_INTERVAL_MS = 2000
const SCRAPE_INTERVAL_MS = Number(process.env.METRICS_SCRAPE_MS ?? 5000)
const TOKEN = 'bench-metrics-token'
const TARGET_RATIO = 1.03

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
  const { server, match } = await spawnServer(name, process.execPath, [SERVER_ENTRY], env, /Listening on https?:\/\/[^\s]*:(\d+)/, 3000)
  return { server, url: `127.0.0.1:${match[1]}` }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-metrics-'))
  const off = await start('metrics-off', false, dataDir)
  const on = await start('metrics-on', true, dataDir)
  const pools = [off, on].map(({ url }) => new ClientPool([`ws://${url}/ws`]))
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
    const ratios: number[] = []
    for (let window = 1; window <= WINDOWS; window++) {
      const before = [off, on].map(({ server }) => cpuSeconds(server.pid))
      await sleep(WINDOW_SECONDS * 1000)
      const [offCpu, onCpu] = [off, on].map(({ server }, i) => cpuSeconds(server.pid) - before[i]!)
      ratios.push(onCpu! / offCpu!)
      console.log(`[bench] metrics: window ${window}: CPU off ${offCpu!.toFixed(2)} s, on ${onCpu!.toFixed(2)} s, ratio ${ratios.at(-1)!.toFixed(3)}`)
    }
    const ratio = ratios.reduce((sum, value) => sum + value, 0) / ratios.length
    console.log(`[bench] metrics: ${CLIENTS} connections each pinging every ${PING_INTERVAL_MS / 1000} s, ${scrapes} scrapes; CPU with metrics on / off = ${ratio.toFixed(3)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`)
  }
  finally {
    clearInterval(scraper)
    for (const pool of pools) pool.closeAll()
    await Promise.all([off, on].map(({ server }) => server.stop()))
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
