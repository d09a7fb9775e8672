import { instancesOf } from './config.js'
import type { ServerKind } from './config.js'
import { mib, redisAt } from './report.js'
import type { BenchResult } from './report.js'
import type { ServerResult } from './result-types.js'

/** `dash` is an SVG stroke-dasharray; a dashed series has hollow markers. */
interface Series { name: string, color: string, dash?: string, points: [number, number][] }
interface Panel { title: string, xLabel: string, yLabel: string, logX: boolean, series: Series[] }

const PANEL = { width: 460, height: 300, left: 58, right: 16, top: 40, bottom: 46 }
const FANOUT = '#1c7ed6'
const PRESENCE = '#e8590c'
const REDIS = '#2b8a3e'
/** Each kind's line: its colour where one series per kind, its dash pattern where the colour says the metric. */
const STYLE: Record<ServerKind, { color: string, dash?: string }> = {
  'app': { color: '#c2255c' },
  'app-memory': { color: '#f08c00', dash: '1 3' },
  'baseline': { color: '#495057', dash: '6 4' },
  'app-2x': { color: '#7048e8', dash: '2 3' },
  'app-4x': { color: '#d6336c', dash: '1 3' },
  'cluster-1x': { color: '#0ca678', dash: '6 2' },
  'cluster-2x': { color: '#1098ad', dash: '6 2' },
  'cluster-4x': { color: '#1c7ed6', dash: '6 2' },
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A round upper bound for the y axis and its step: 1, 2 or 5 times a power of ten. */
function niceScale(max: number): { top: number, step: number } {
  const rough = Math.max(max, 1e-9) / 4
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= rough)!
  return { top: Math.ceil(max / step) * step || step, step }
}

function shortNumber(value: number): string {
  if (value >= 1000) return `${value / 1000}k`
  return String(Number(value.toPrecision(3)))
}

function drawPanel(panel: Panel, originX: number, originY: number): string {
  const w = PANEL.width - PANEL.left - PANEL.right
  const h = PANEL.height - PANEL.top - PANEL.bottom
  const points = panel.series.flatMap(s => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  const xs = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b)
  if (xs.length === 0) return ''
  const fx = panel.logX ? Math.log10 : (x: number) => x
  const [x0, x1] = [fx(panel.logX ? xs[0]! : 0), fx(xs.at(-1)!)]
  // Two legend columns when there are many series (a kind's pair on one row), and
  // headroom above the data for the legend's rows, so no line runs under it.
  const columns = panel.series.length > 3 ? 2 : 1
  const legendRows = Math.ceil(panel.series.length / columns)
  const { top, step } = niceScale(Math.max(...points.map(([, y]) => y)) * (1 + 0.08 * legendRows))
  const px = (x: number) => originX + PANEL.left + (x1 === x0 ? w / 2 : ((fx(x) - x0) / (x1 - x0)) * w)
  const py = (y: number) => originY + PANEL.top + h - (y / top) * h
  const out: string[] = [`<text x="${originX + PANEL.left}" y="${originY + 22}" class="title">${escape(panel.title)}</text>`]
  for (let y = 0; y <= top + step / 2; y += step) {
    out.push(`<line x1="${originX + PANEL.left}" x2="${originX + PANEL.left + w}" y1="${py(y)}" y2="${py(y)}" class="grid"/>`)
    out.push(`<text x="${originX + PANEL.left - 6}" y="${py(y) + 4}" class="tick" text-anchor="end">${shortNumber(y)}</text>`)
  }
  for (const x of xs) out.push(`<text x="${px(x)}" y="${originY + PANEL.top + h + 16}" class="tick" text-anchor="middle">${shortNumber(x)}</text>`)
  out.push(`<text x="${originX + PANEL.left + w / 2}" y="${originY + PANEL.height - 8}" class="label" text-anchor="middle">${escape(panel.xLabel)}</text>`)
  out.push(`<text transform="translate(${originX + 14} ${originY + PANEL.top + h / 2}) rotate(-90)" class="label" text-anchor="middle">${escape(panel.yLabel)}</text>`)
  panel.series.forEach((series, i) => {
    const valid = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    const path = valid.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`).join(' ')
    const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : ''
    out.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`)
    for (const [x, y] of valid) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${series.dash ? 'white' : series.color}" stroke="${series.color}" stroke-width="1.5"/>`)
    const ly = originY + PANEL.top + 4 + Math.floor(i / columns) * 15
    const lx = originX + PANEL.left + 10 + (i % columns) * 175
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`)
    out.push(`<text x="${lx + 28}" y="${ly + 4}" class="legend">${escape(series.name)}</text>`)
  })
  return out.join('\n')
}

function ran(servers: BenchResult['servers']): [ServerKind, ServerResult][] {
  return (Object.keys(STYLE) as ServerKind[]).filter(kind => servers[kind]).map(kind => [kind, servers[kind]!])
}

function latencySeries(servers: BenchResult['servers'], read: (r: ServerResult) => [number, number, number][]): Series[] {
  return ran(servers).flatMap(([kind, result]) => {
    const rows = read(result)
    const dash = STYLE[kind].dash
    return [
      { name: `${kind} fan-out p99`, color: FANOUT, dash, points: rows.map(([x, f]): [number, number] => [x, f]) },
      { name: `${kind} presence p99`, color: PRESENCE, dash, points: rows.map(([x, , p]): [number, number] => [x, p]) },
    ]
  })
}

/** One series per kind, and one for a redis-server that two instances share. */
function perServer(servers: BenchResult['servers'], read: (r: ServerResult) => [number, number][], readRedis: (r: ServerResult) => [number, number | undefined][]): Series[] {
  return ran(servers).flatMap(([kind, result]) => {
    const series: Series[] = [{ name: kind.endsWith('x') ? `${kind} (${instancesOf(kind)} instance${instancesOf(kind) === 1 ? '' : 's'})` : kind, ...STYLE[kind], points: read(result) }]
    const redis = readRedis(result).filter((point): point is [number, number] => point[1] !== undefined)
    if (redis.length > 0) series.push({ name: `${kind}'s redis-server`, color: REDIS, dash: STYLE[kind].dash, points: redis })
    return series
  })
}

/** Latency and memory against scale, as one self-contained SVG (no dependencies). */
export function renderChart(result: BenchResult): string {
  const { servers, config } = result
  const panels: Panel[] = [
    { title: 'Latency p99 by room size', xLabel: 'members in the room (log scale)', yLabel: 'ms', logX: true,
      series: latencySeries(servers, r => r.roomSizes.map(s => [s.roomSize, s.fanout.p99, s.presence.p99])) },
    { title: `Latency p99 in the room of ${config.bigRoom} by connections`, xLabel: 'connections', yLabel: 'ms', logX: false,
      series: latencySeries(servers, r => r.steps.map(s => [s.connections, s.fanout.p99, s.presence.p99])) },
    { title: 'Server memory by connections', xLabel: 'connections', yLabel: 'RSS above idle, MiB', logX: false,
      series: perServer(servers, r => r.steps.map(s => [s.connections, (s.rssBytes - r.rssBeforeBytes) / 2 ** 20]),
        r => r.steps.map(s => [s.connections, mib(redisAt(r, s)?.rssAboveIdleBytes)])) },
    { title: `Server CPU by connections (ping every ${config.intervalMs / 1000} s)`, xLabel: 'connections', yLabel: '% of one core', logX: false,
      series: perServer(servers, r => r.steps.map(s => [s.connections, s.cpu.serverPercent]), r => r.steps.map(s => [s.connections, redisAt(r, s)?.percent])) },
  ]
  const width = PANEL.width * 2
  const height = PANEL.height * 2 + 30
  const m = result.machine
  const caption = `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; load generator on the same machine; ${result.startedAt.slice(0, 10)}, ${result.commit}`
  const body = panels.map((panel, i) => drawPanel(panel, (i % 2) * PANEL.width, Math.floor(i / 2) * PANEL.height)).join('\n')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">
<style>.title{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#555}.label{font-size:12px;fill:#333}.legend{font-size:11px}.grid{stroke:#e5e5e5}.caption{font-size:11px;fill:#666}</style>
<rect width="100%" height="100%" fill="white"/>
${body}
<text x="${PANEL.left}" y="${height - 10}" class="caption">${escape(caption)}</text>
</svg>
`
}
