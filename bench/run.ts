// `npm run bench`: the same load against the built app, the raw `ws` baseline
// and two app instances on one Redis, one after the other, then tables, a
// JSON file and a chart.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseConfig, USAGE } from './config.js'
import type { BenchConfig } from './config.js'
import { renderChart } from './chart.js'
import { gitCommit, headline, machineInfo } from './report.js'
import type { BenchResult } from './report.js'
import { benchServer, Deadline } from './scenario.js'
import { ensureBuilt } from './servers.js'
import { formatMarkdown, formatText } from './tables.js'

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
  console.log(`[bench] wrote ${path}`)
}

async function run(config: BenchConfig): Promise<BenchResult> {
  if (config.servers.some(kind => kind !== 'baseline')) ensureBuilt(config)
  const deadline = new Deadline(Date.now() + config.maxMinutes * 60_000)
  const result: BenchResult = {
    startedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: machineInfo(),
    config,
    servers: {},
    headline: [],
  }
  for (const kind of config.servers) {
    console.log(`[bench] ${kind}: up to ${config.steps.at(-1)} connections, then rooms of ${config.roomSizes.join(', ')}`)
    result.servers[kind] = await benchServer(config, kind, deadline)
  }
  result.headline = headline(config, result.servers)
  return result
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2))
  if (config === 'help') {
    console.log(USAGE)
    return
  }
  const result = await run(config)
  console.log(`\n${formatText(result)}\n`)
  write(config.out, `${JSON.stringify(result, null, 2)}\n`)
  write(config.out.replace(/\.json$/, '') + '.md', `${formatMarkdown(result)}\n`)
  if (config.docs) {
    write('docs/performance.json', `${JSON.stringify(result, null, 2)}\n`)
    write('docs/performance.svg', renderChart(result))
  }
  else {
    write(config.out.replace(/\.json$/, '') + '.svg', renderChart(result))
  }
  // The files benchmark (upload throughput, a 12-megapixel thumbnail), the
  // big-answer floods (issue 18), search (23), the metrics' cost (21), the
  // cluster's WAIT (20) and the fallback transport (22) belong
  // to a full run; the quick run is the smoke test's, which it would only slow.
  // Started from here, not chained in package.json: npm appends a run's
  // arguments to the last command of the script, and --quick must reach this one.
  if (config.extras) {
    for (const script of ['files', 'big-answers', 'search', 'metrics', 'cluster', 'fallback', 'e2ee', 'threads']) {
      const run = spawnSync(process.execPath, [new URL(`./${script}.js`, import.meta.url).pathname], { stdio: 'inherit', env: { ...process.env, BENCH_SERVER_ENTRY: config.serverEntry } })
      if (run.status !== 0) throw new Error(`the ${script} benchmark failed (exit ${run.status})`)
    }
  }
}

main().then(
  // Sockets the servers' shutdown left half-closed must not keep the run alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
    process.exit(1)
  },
)
