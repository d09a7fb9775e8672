import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import type { BenchConfig, ServerKind } from './config.js'
import { round } from './measure.js'
import type { HeartbeatLoad, ServerResult, StepResult } from './result-types.js'

export interface Machine { nproc: number, cpuModel: string, memoryGiB: number, node: string, kernel: string }

/** The comparisons the headline prints: the app against the floor, the SQLite store against memory, and two instances against one. */
export const RATIOS = [['app', 'baseline'], ['app', 'app-memory'], ['app-2x', 'app'], ['app-4x', 'app'], ['cluster-1x', 'app'], ['cluster-2x', 'app'], ['cluster-4x', 'app']] as const satisfies readonly (readonly [ServerKind, ServerKind])[]
export type RatioName = `${typeof RATIOS[number][0]}/${typeof RATIOS[number][1]}`

/** One figure for each server kind that ran, and the ratios between them: `{ metric, app, baseline, 'app-2x', 'app/baseline', 'app-2x/app' }`. */
export type HeadlineRow = { metric: string } & Partial<Record<ServerKind | RatioName, number>>

export interface BenchResult {
  startedAt: string
  commit: string
  machine: Machine
  config: BenchConfig
  servers: Partial<Record<ServerKind, ServerResult>>
  headline: HeadlineRow[]
}

export function machineInfo(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  return {
    nproc: cpus().length,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: release(),
  }
}

export function gitCommit(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  }
  catch {
    return 'unknown'
  }
}

export function kib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : round(bytes / 1024, 2)
}

export function mib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : round(bytes / 2 ** 20, 1)
}

export function perConnection(bytes: number | undefined, load: HeartbeatLoad | undefined): number | undefined {
  return bytes === undefined || !load ? undefined : bytes / Math.max(1, load.connections)
}

function largest(result: ServerResult): StepResult | undefined {
  return result.steps.at(-1)
}

/** A figure summed over the servers and the redis-server they share, if any. */
function total(servers: number | undefined, redis: number | undefined): number | undefined {
  return servers === undefined ? undefined : round(servers + (redis ?? 0), 1)
}

/** CPU, and RSS above its idle, of the redis-servers the instances share (one, or a cluster's six), under a load. */
export function redisAt(result: ServerResult, load: HeartbeatLoad | undefined): { percent: number, rssAboveIdleBytes: number } | undefined {
  const redis = load?.cpu.sidecars ?? []
  const before = Object.values(result.sidecarRssBeforeBytes)
  if (redis.length === 0 || before.length === 0) return undefined
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
  return { percent: round(sum(redis.map(node => node.percent)), 1), rssAboveIdleBytes: sum(redis.map(node => node.rssMedianBytes)) - sum(before) }
}

/** The figures the targets speak of, at the largest step and in the big room. */
export function headline(config: BenchConfig, servers: BenchResult['servers']): HeadlineRow[] {
  const max = config.steps.at(-1)
  const big = Math.min(config.bigRoom, max ?? 0)
  const metrics: [string, (r: ServerResult) => number | undefined][] = [
    [`joins/s, ramp to ${max}`, r => r.joinsPerSec],
    [`RSS per connection at ${max} (KiB; all server processes)`, r => kib(largest(r)?.rssPerConnectionBytes)],
    [`server CPU at ${max}, ping every ${config.intervalMs} ms (% of a core; all server processes)`, r => largest(r)?.cpu.serverPercent],
    [`server CPU at ${max}, ping every ${config.defaultIntervalMs} ms (% of a core; all server processes)`, r => r.atDefaultInterval?.cpu.serverPercent],
    [`pong round trip p99 at ${max}, ${config.intervalMs} ms (ms)`, r => largest(r)?.pongRtt.p99],
    [`fan-out to ${big - 1} others p50 (ms)`, r => largest(r)?.fanout.p50],
    [`fan-out to ${big - 1} others p99 (ms)`, r => largest(r)?.fanout.p99],
    [`presence to ${big} members p50 (ms)`, r => largest(r)?.presence.p50],
    [`presence to ${big} members p99 (ms)`, r => largest(r)?.presence.p99],
    [`redis-server CPU at ${max}, ${config.intervalMs} ms (% of a core)`, r => redisAt(r, largest(r))?.percent],
    [`redis-server CPU at ${max}, ${config.defaultIntervalMs} ms (% of a core)`, r => redisAt(r, r.atDefaultInterval)?.percent],
    [`redis-server RSS per connection at ${max} (KiB)`, r => kib(perConnection(redisAt(r, largest(r))?.rssAboveIdleBytes, largest(r)))],
    [`redis-server commands/s at ${max}, ${config.defaultIntervalMs} ms, no chat or joins`, r => r.atDefaultInterval?.redisCommandsPerSec],
    [`total CPU at ${max}, ${config.defaultIntervalMs} ms (% of a core; servers and redis-server)`, r => total(r.atDefaultInterval?.cpu.serverPercent, redisAt(r, r.atDefaultInterval)?.percent)],
    [`total RSS per connection at ${max} (KiB; servers and redis-server)`, r => kib(total(largest(r)?.rssPerConnectionBytes, perConnection(redisAt(r, largest(r))?.rssAboveIdleBytes, largest(r))))],
    [`chat acked/s, ${config.chatRate}/s sent over ${config.chatRooms} rooms`, r => r.chat?.ackedPerSec],
    [`chat ack p50 at ${config.chatRate}/s (ms)`, r => r.chat?.ackLatency.p50],
    [`chat ack p99 at ${config.chatRate}/s (ms)`, r => r.chat?.ackLatency.p99],
    [`server CPU at ${config.chatRate} chat/s (% of a core)`, r => r.chat?.cpu.serverPercent],
    [`rooms.db per 100,000 messages (MiB)`, r => mib(r.chat?.database?.bytesPer100kMessages)],
    [`generator CPU at ${max}, ${config.intervalMs} ms (% of a core)`, r => largest(r)?.cpu.generatorPercent],
    [`other processes' CPU meanwhile (% of a core)`, r => largest(r)?.cpu.otherPercent],
  ]
  return metrics
    .map(([metric, read]) => {
      const row: HeadlineRow = { metric }
      for (const kind of config.servers) if (servers[kind]) row[kind] = read(servers[kind]!)
      for (const [a, b] of RATIOS) {
        const [x, y] = [row[a], row[b]]
        if (x !== undefined && y) row[`${a}/${b}`] = round(x / y, 2)
      }
      return row
    })
    .filter(row => config.servers.some(kind => row[kind] !== undefined))
}
