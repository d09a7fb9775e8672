import type { ServerKind } from './config.js'
import { round } from './measure.js'
import { kib, mib, perConnection, RATIOS, redisAt } from './report.js'
import type { BenchResult } from './report.js'
import type { ServerResult } from './result-types.js'

type Cell = string | number | undefined

interface Table { title: string, head: string[], rows: Cell[][] }

function cell(value: Cell): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '–'
  return String(value)
}

/** The tables, each server's figure side by side in one cell: `app / baseline / app-2x`. */
function tables(result: BenchResult): Table[] {
  const { config } = result
  const ran = config.servers.filter(kind => result.servers[kind])
  const side = (read: (r: ServerResult) => number | undefined) => ran.map(kind => cell(read(result.servers[kind]!))).join(' / ')
  const order = ran.join(' / ')
  const ratios = RATIOS.filter(([a, b]) => ran.includes(a) && ran.includes(b)).map(([a, b]) => `${a}/${b}`)
  const withRedis = ran.filter(kind => Object.keys(result.servers[kind]!.sidecarRssBeforeBytes).length > 0)
  const list: Table[] = [
    {
      title: ratios.length ? `Headline (${ratios.join(', ')}: lower is better except for joins/s)` : 'Headline',
      head: ['metric', ...ran, ...ratios],
      rows: result.headline.map(row => [row.metric, ...ran.map(kind => row[kind]), ...ratios.map(name => row[name as keyof typeof row] as number | undefined)]),
    },
    {
      title: `By connections (${order}; ping every ${config.intervalMs} ms; latencies in the big room; CPU and RSS summed over each kind's server processes)`,
      head: ['connections', 'joins/s', 'RSS/conn KiB', 'server CPU %', 'pong p99 ms', 'fan-out p99 ms', 'presence p99 ms', 'generator CPU %', 'other CPU %'],
      rows: config.steps.map((step, i) => [step, ...[
        (r: ServerResult) => r.steps[i]?.joinsPerSec,
        (r: ServerResult) => kib(r.steps[i]?.rssPerConnectionBytes),
        (r: ServerResult) => r.steps[i]?.cpu.serverPercent,
        (r: ServerResult) => r.steps[i]?.pongRtt.p99,
        (r: ServerResult) => r.steps[i]?.fanout.p99,
        (r: ServerResult) => r.steps[i]?.presence.p99,
        (r: ServerResult) => r.steps[i]?.cpu.generatorPercent,
        (r: ServerResult) => r.steps[i]?.cpu.otherPercent,
      ].map(side)]),
    },
    {
      title: `By room size (${order}, fresh servers for this phase)`,
      head: ['room size', 'joins/s', 'fan-out p50 ms', 'fan-out p99 ms', 'presence p50 ms', 'presence p99 ms'],
      rows: config.roomSizes.map((size, i) => [size, ...[
        (r: ServerResult) => r.roomSizes[i]?.joinsPerSec,
        (r: ServerResult) => r.roomSizes[i]?.fanout.p50,
        (r: ServerResult) => r.roomSizes[i]?.fanout.p99,
        (r: ServerResult) => r.roomSizes[i]?.presence.p50,
        (r: ServerResult) => r.roomSizes[i]?.presence.p99,
      ].map(side)]),
    },
  ]
  for (const kind of withRedis) list.push(redisTable(kind, result.servers[kind]!, config.steps, config.defaultIntervalMs))
  const lobbies = ran.filter(kind => result.servers[kind]!.lobby)
  if (lobbies.length) list.push(lobbyTable(lobbies.map(kind => result.servers[kind]!)))
  return list
}

/** The redis-server that two instances share, apart from the instances' own figures. */
function redisTable(kind: ServerKind, r: ServerResult, steps: number[], defaultIntervalMs: number): Table {
  const rows: Cell[][] = steps.map((step, i) => {
    const redis = redisAt(r, r.steps[i])
    return [step, redis?.percent, mib(redis?.rssAboveIdleBytes), kib(perConnection(redis?.rssAboveIdleBytes, r.steps[i]))]
  })
  const atDefault = redisAt(r, r.atDefaultInterval)
  if (atDefault) rows.push([`${steps.at(-1)}, ping every ${defaultIntervalMs} ms`, atDefault.percent, mib(atDefault.rssAboveIdleBytes), kib(perConnection(atDefault.rssAboveIdleBytes, r.atDefaultInterval))])
  const what = kind.startsWith('cluster') ? 'the six redis-servers of' : 'redis-server of'
  return { title: `${what} ${kind} (not in its server CPU and RSS above)`, head: ['connections', 'CPU %', 'RSS above idle MiB', 'RSS/conn KiB'], rows }
}

/** The lobby case: the same server's CPU without watchers, with them, and without them again. */
function lobbyTable(servers: ServerResult[]): Table {
  return {
    title: 'Lobby: watchers that never join, while rooms change their counts every second (CPU in % of one core, summed over server processes; redis-server apart)',
    head: ['kind', 'watchers', 'rooms changing/s', 'CPU before %', 'CPU watched %', 'CPU after %', 'watchers cost %', 'redis CPU watched %', 'frames/watcher/s', 'bytes/watcher/s', 'diff p50 ms', 'diff max ms'],
    rows: servers.map(({ kind, lobby }) => [kind, lobby!.watchers, lobby!.churnRoomsPerSec, lobby!.before.serverPercent, lobby!.watched.serverPercent, lobby!.after.serverPercent, lobby!.watcherCostPercent, lobby!.watched.sidecars.length ? round(lobby!.watched.sidecars.reduce((all, node) => all + node.percent, 0), 1) : undefined, lobby!.framesPerWatcherPerSec, lobby!.bytesPerWatcherPerSec, lobby!.diffLatency.p50, lobby!.diffLatency.max]),
  }
}

function checks(result: BenchResult): string[] {
  return Object.values(result.servers).map(r => `${r.kind} (${r.instances} process${r.instances === 1 ? '' : 'es'}): ${r.joined}/${r.expectedJoins} joined${Object.keys(r.joinErrors).length ? `, join errors ${JSON.stringify(r.joinErrors)}` : ''}, ${r.unexpectedCloses} unexpected closes${r.chat ? `, chat ${r.chat.acked}/${r.chat.sent} acked${Object.keys(r.chat.errors).length ? ` (errors ${JSON.stringify(r.chat.errors)})` : ''}` : ''}, generator CPU ${r.generatorCpuSec} s over ${r.durationSec} s`)
}

export function formatText(result: BenchResult): string {
  const lines = [`Heartbeat Chat benchmark, ${result.machine.nproc} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}; generator and servers share the machine`]
  for (const { title, head, rows } of tables(result)) {
    const all = [head, ...rows.map(row => row.map(cell))]
    const widths = head.map((_, c) => Math.max(...all.map(row => String(row[c]).length)))
    lines.push('', title, ...all.map(row => row.map((value, c) => c === 0 ? String(value).padEnd(widths[c]!) : String(value).padStart(widths[c]!)).join('  ')))
  }
  return [...lines, '', ...checks(result)].join('\n')
}

export function formatMarkdown(result: BenchResult): string {
  const lines: string[] = []
  for (const { title, head, rows } of tables(result)) {
    lines.push(`**${title}**`, '', `| ${head.join(' | ')} |`, `|${head.map((_, c) => (c === 0 ? '---' : '---:')).join('|')}|`)
    lines.push(...rows.map(row => `| ${row.map(cell).join(' | ')} |`), '')
  }
  return [...lines, ...checks(result).map(line => `- ${line}`)].join('\n')
}
