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

export interface CpuSample {
  /** Server CPU over the window, in % of one core. */
  serverPercent: number
  /** This process's (the load generator's) CPU over the same window, in % of one core. */
  generatorPercent: number
  /** Everything else the machine ran meanwhile, in % of one core: a busy neighbour makes the other figures noisy. */
  otherPercent: number
  windowMs: number
  /** The server's RSS read every 250 ms over the window: it rises and falls with garbage collection. */
  rss: { medianBytes: number, minBytes: number, maxBytes: number }
}

/** Samples the server's and the generator's CPU, and the server's RSS, over `windowMs` of whatever load is running. */
export async function sampleCpu(pid: number, windowMs: number): Promise<CpuSample> {
  const server0 = cpuSeconds(pid)
  const machine0 = machineBusySeconds()
  const generator0 = process.cpuUsage()
  const t0 = performance.now()
  const rss: number[] = []
  for (let left = windowMs; left > 0; left = windowMs - (performance.now() - t0)) {
    rss.push(rssBytes(pid))
    await sleep(Math.min(250, left))
  }
  rss.sort((a, b) => a - b)
  const elapsedSec = (performance.now() - t0) / 1000
  const generator = process.cpuUsage(generator0)
  const percent = (seconds: number) => round((seconds / elapsedSec) * 100, 1)
  const serverSec = cpuSeconds(pid) - server0
  const generatorSec = (generator.user + generator.system) / 1e6
  return {
    serverPercent: percent(serverSec),
    generatorPercent: percent(generatorSec),
    otherPercent: percent(Math.max(0, machineBusySeconds() - machine0 - serverSec - generatorSec)),
    windowMs: Math.round(elapsedSec * 1000),
    rss: { medianBytes: percentile(rss, 50), minBytes: rss[0]!, maxBytes: rss.at(-1)! },
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
