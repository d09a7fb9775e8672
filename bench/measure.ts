import Redis from 'ioredis'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (100 on Linux almost always). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  }
  catch {
    return 100
  }
})()

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) * 1024
}

/** CPU time the process (all its threads) has used, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name in parentheses may hold spaces; the fields after it do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** CPU time every core of the machine has been busy, in seconds (the first line of /proc/stat). */
export function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS
}

/** A process the servers lean on (the redis-server of app-2x), read apart from them. */
export interface SidecarSample {
  name: string
  /** CPU over the window, in % of one core. */
  percent: number
  /** Median RSS over the window. */
  rssMedianBytes: number
}

export interface CpuSample {
  /** CPU of the server processes over the window, summed, in % of one core. */
  serverPercent: number
  /** This process's (the load generator's) CPU over the same window, in % of one core. */
  generatorPercent: number
  /** Everything else the machine ran meanwhile, in % of one core: a busy neighbour makes the other figures noisy. */
  otherPercent: number
  windowMs: number
  /** The servers' RSS, summed, read every 250 ms over the window: it rises and falls with garbage collection. */
  rss: { medianBytes: number, minBytes: number, maxBytes: number }
  sidecars: SidecarSample[]
}

export interface Sampled { name: string, pid: number }

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

/** Resident set size of several processes together, in bytes. */
export function totalRssBytes(processes: readonly Sampled[]): number {
  return sum(processes.map(({ pid }) => rssBytes(pid)))
}

/**
 * Samples the servers' CPU and RSS (summed over `servers`), each sidecar's,
 * and the generator's CPU, over `windowMs` of whatever load is running.
 */
export async function sampleCpu(servers: readonly Sampled[], sidecars: readonly Sampled[], windowMs: number): Promise<CpuSample> {
  const cpuOf = (processes: readonly Sampled[]) => processes.map(({ pid }) => cpuSeconds(pid))
  const [servers0, sidecars0] = [cpuOf(servers), cpuOf(sidecars)]
  const machine0 = machineBusySeconds()
  const generator0 = process.cpuUsage()
  const t0 = performance.now()
  const rss: number[] = []
  const sidecarRss: number[][] = sidecars.map(() => [])
  for (let left = windowMs; left > 0; left = windowMs - (performance.now() - t0)) {
    rss.push(totalRssBytes(servers))
    sidecars.forEach(({ pid }, i) => sidecarRss[i]!.push(rssBytes(pid)))
    await sleep(Math.min(250, left))
  }
  rss.sort((a, b) => a - b)
  const elapsedSec = (performance.now() - t0) / 1000
  const generator = process.cpuUsage(generator0)
  const percent = (seconds: number) => round((seconds / elapsedSec) * 100, 1)
  const serverSec = sum(cpuOf(servers)) - sum(servers0)
  const sidecarSecs = cpuOf(sidecars).map((seconds, i) => seconds - sidecars0[i]!)
  const generatorSec = (generator.user + generator.system) / 1e6
  return {
    serverPercent: percent(serverSec),
    generatorPercent: percent(generatorSec),
    otherPercent: percent(Math.max(0, machineBusySeconds() - machine0 - serverSec - sum(sidecarSecs) - generatorSec)),
    windowMs: Math.round(elapsedSec * 1000),
    rss: { medianBytes: percentile(rss, 50), minBytes: rss[0]!, maxBytes: rss.at(-1)! },
    sidecars: sidecars.map(({ name }, i) => ({
      name,
      percent: percent(sidecarSecs[i]!),
      rssMedianBytes: percentile(sidecarRss[i]!.sort((a, b) => a - b), 50),
    })),
  }
}

export interface LatencyStats {
  /** Trials that reached every recipient; only these count in the percentiles. */
  complete: number
  trials: number
  recipients: number
  p50: number
  p99: number
  max: number
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export function latencyStats(samplesMs: number[], trials: number, recipients: number): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b)
  return {
    complete: sorted.length,
    trials,
    recipients,
    p50: round(percentile(sorted, 50), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.at(-1) ?? Number.NaN, 2),
  }
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/**
 * Commands the deployment's redis-servers have processed so far (INFO stats;
 * a script's own commands count), summed over the masters: a replica's copy
 * of the same writes is not more traffic from the app.
 */
export async function redisCommands(deployment: { redisUrls: string[] }): Promise<number | undefined> {
  if (deployment.redisUrls.length === 0) return undefined
  const counts = await Promise.all(deployment.redisUrls.map(async (url) => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await redis.connect()
      return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1])
    }
    finally {
      redis.disconnect()
    }
  }))
  return counts.reduce((a, b) => a + b, 0)
}
