// Where a server's time went, from a `node --cpu-prof` profile (`npm run bench
// -- --cpu-prof` writes one per server into bench/results/profiles):
//   node bench/dist/bench/profile-summary.js <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { SourceMap } from './source-map.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number, columnNumber: number }
  children?: number[]
}
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }

const maps = new Map<string, SourceMap | undefined>()

/** Where a frame's code came from: the original file through the bundle's source map when there is one. */
function origin(node: ProfileNode): { file: string, line: number } {
  const { url, lineNumber, columnNumber } = node.callFrame
  if (!maps.has(url)) maps.set(url, url.startsWith('file://') ? SourceMap.forUrl(url) : undefined)
  const original = maps.get(url)?.lookup(lineNumber, columnNumber)
  return original ? { file: original.source, line: original.line } : { file: url, line: lineNumber + 1 }
}

function area(node: ProfileNode): string {
  const { file } = origin(node)
  const name = node.callFrame.functionName
  if (!file) return name.startsWith('(') ? name : 'native'
  if (file.startsWith('node:')) return 'node internals'
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)
  if (lib) return lib[1]!
  const app = /(server\/.+|shared\/.+)$/.exec(file)
  return app ? app[1]! : basename(file)
}

const keys = new Map<ProfileNode, string>()

function key(node: ProfileNode): string {
  let cached = keys.get(node)
  if (cached === undefined) keys.set(node, cached = describe(node))
  return cached
}

function describe(node: ProfileNode): string {
  const { file, line } = origin(node)
  return `${node.callFrame.functionName || '(anonymous)'} ${file ? `${file.replace(/^.*node_modules\//, '')}:${line}` : ''}`.trim()
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const areas = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    const node = byId.get(id)!
    total += us
    self.set(key(node), (self.get(key(node)) ?? 0) + us)
    areas.set(area(node), (areas.get(area(node)) ?? 0) + us)
    // Each function once per sample, however often it recurs on the stack.
    const onStack = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(key(byId.get(at)!))
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + us)
  })
  const busy = total - (areas.get('(idle)') ?? 0)
  const rows = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${name}`)
  return [
    `profile: ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((busy / total) * 100).toFixed(1)}% of one core); % below are of busy time`,
    '', 'self time by area:', ...rows(areas, 12),
    '', `self time, top ${top}:`, ...rows(self, top),
    '', `inclusive time (with callees), top ${top}:`, ...rows(inclusive, top),
  ].join('\n')
}

const [file, top] = process.argv.slice(2)
if (file) console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top) || 25))
else console.error('usage: node bench/dist/bench/profile-summary.js <file.cpuprofile> [top]')
