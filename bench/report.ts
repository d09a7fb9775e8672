import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import type { BenchConfig, ServerKind } from './config.js'
import { round } from './measure.js'
import type { ServerResult, StepResult } from './scenario.js'

export interface Machine { nproc: number, cpuModel: string, memoryGiB: number, node: string, kernel: string }

export interface HeadlineRow { metric: string, app?: number, baseline?: number, ratio?: number }

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

const KIB = 1024

function largest(result: ServerResult): StepResult | undefined {
  return result.steps.at(-1)
}

/** The figures the targets speak of, at the largest step and in the big room. */
export function headline(config: BenchConfig, servers: BenchResult['servers']): HeadlineRow[] {
  const max = config.steps.at(-1)
  const big = Math.min(config.bigRoom, max ?? 0)
  const metrics: [string, (r: ServerResult) => number | undefined][] = [
    [`joins/s, ramp to ${max}`, r => r.joinsPerSec],
    [`RSS per connection at ${max} (KiB)`, r => largest(r) && round(largest(r)!.rssPerConnectionBytes / KIB, 2)],
    [`server CPU at ${max}, ping every ${config.intervalMs} ms (% of a core)`, r => largest(r)?.cpu.serverPercent],
    [`server CPU at ${max}, ping every ${config.defaultIntervalMs} ms (% of a core)`, r => r.atDefaultInterval?.cpu.serverPercent],
    [`pong round trip p99 at ${max}, ${config.intervalMs} ms (ms)`, r => largest(r)?.pongRtt.p99],
    [`fan-out to ${big - 1} others p50 (ms)`, r => largest(r)?.fanout.p50],
    [`fan-out to ${big - 1} others p99 (ms)`, r => largest(r)?.fanout.p99],
    [`presence to ${big} members p50 (ms)`, r => largest(r)?.presence.p50],
    [`presence to ${big} members p99 (ms)`, r => largest(r)?.presence.p99],
    [`generator CPU at ${max}, ${config.intervalMs} ms (% of a core)`, r => largest(r)?.cpu.generatorPercent],
    [`other processes' CPU meanwhile (% of a core)`, r => largest(r)?.cpu.otherPercent],
  ]
  return metrics.map(([metric, read]) => {
    const app = servers.app && read(servers.app)
    const baseline = servers.baseline && read(servers.baseline)
    const ratio = app !== undefined && baseline ? round(app / baseline, 2) : undefined
    return { metric, app, baseline, ratio }
  })
}

type Cell = string | number | undefined

function cell(value: Cell): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '–'
  return String(value)
}

function pair(app: number | undefined, baseline: number | undefined): string {
  return `${cell(app)} / ${cell(baseline)}`
}

interface Table { head: string[], rows: Cell[][] }

function tables(result: BenchResult): { title: string, table: Table }[] {
  const { app, baseline } = result.servers
  const stepRows = result.config.steps.map((step, i) => {
    const [a, b] = [app?.steps[i], baseline?.steps[i]]
    return [step, pair(a?.joinsPerSec, b?.joinsPerSec), pair(kib(a?.rssPerConnectionBytes), kib(b?.rssPerConnectionBytes)),
      pair(a?.cpu.serverPercent, b?.cpu.serverPercent), pair(a?.pongRtt.p99, b?.pongRtt.p99),
      pair(a?.fanout.p99, b?.fanout.p99), pair(a?.presence.p99, b?.presence.p99), pair(a?.cpu.generatorPercent, b?.cpu.generatorPercent), pair(a?.cpu.otherPercent, b?.cpu.otherPercent)]
  })
  const sizeRows = result.config.roomSizes.map((size, i) => {
    const [a, b] = [app?.roomSizes[i], baseline?.roomSizes[i]]
    return [size, pair(a?.joinsPerSec, b?.joinsPerSec), pair(a?.fanout.p50, b?.fanout.p50), pair(a?.fanout.p99, b?.fanout.p99),
      pair(a?.presence.p50, b?.presence.p50), pair(a?.presence.p99, b?.presence.p99)]
  })
  return [
    { title: 'Headline (app / baseline ratio: lower is better except for joins/s)', table: { head: ['metric', 'app', 'baseline', 'app/baseline'], rows: result.headline.map(r => [r.metric, r.app, r.baseline, r.ratio]) } },
    { title: `By connections (app / baseline; ping every ${result.config.intervalMs} ms; latencies in the big room)`, table: { head: ['connections', 'joins/s', 'RSS/conn KiB', 'server CPU %', 'pong p99 ms', 'fan-out p99 ms', 'presence p99 ms', 'generator CPU %', 'other CPU %'], rows: stepRows } },
    { title: 'By room size (app / baseline, fresh server per phase)', table: { head: ['room size', 'joins/s', 'fan-out p50 ms', 'fan-out p99 ms', 'presence p50 ms', 'presence p99 ms'], rows: sizeRows } },
  ]
}

function kib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : round(bytes / KIB, 2)
}

function checks(result: BenchResult): string[] {
  return Object.values(result.servers).map(r => `${r.kind}: ${r.joined}/${r.expectedJoins} joined${Object.keys(r.joinErrors).length ? `, join errors ${JSON.stringify(r.joinErrors)}` : ''}, ${r.unexpectedCloses} unexpected closes, generator CPU ${r.generatorCpuSec} s over ${r.durationSec} s`)
}

export function formatText(result: BenchResult): string {
  const lines = [`Heartbeat Chat benchmark, ${result.machine.nproc} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}; generator and servers share the machine`]
  for (const { title, table } of tables(result)) {
    const all = [table.head, ...table.rows.map(row => row.map(cell))]
    const widths = table.head.map((_, c) => Math.max(...all.map(row => String(row[c]).length)))
    lines.push('', title, ...all.map(row => row.map((value, c) => c === 0 ? String(value).padEnd(widths[c]!) : String(value).padStart(widths[c]!)).join('  ')))
  }
  return [...lines, '', ...checks(result)].join('\n')
}

export function formatMarkdown(result: BenchResult): string {
  const lines: string[] = []
  for (const { title, table } of tables(result)) {
    lines.push(`**${title}**`, '', `| ${table.head.join(' | ')} |`, `|${table.head.map((_, c) => (c === 0 ? '---' : '---:')).join('|')}|`)
    lines.push(...table.rows.map(row => `| ${row.map(cell).join(' | ')} |`), '')
  }
  return [...lines, ...checks(result).map(line => `- ${line}`)].join('\n')
}
