// What a server's heap holds, by constructor, from a heap snapshot (`npm run
// bench -- --heap-snapshot` takes one of each server at the largest step):
//   node bench/dist/bench/heap-summary.js <file.heapsnapshot> [connections] [top=30]
// With the connection count, each row also says how many per connection, so
// the per-socket structures stand out (a count near 1, 2, 3 per connection).
import { readHeapSnapshot } from './heap-snapshot.js'
import type { HeapSnapshot } from './heap-snapshot.js'

export function summarizeHeap(snapshot: HeapSnapshot, connections = 0, top = 30): string {
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map(field => fields.indexOf(field)) as [number, number, number]
  const groups = new Map<string, { count: number, bytes: number }>()
  let total = 0
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!
    const bytes = snapshot.nodes[i + sizeAt]!
    total += bytes
    // Strings and code are grouped by kind; objects by constructor name.
    const name = type === 'object' || type === 'closure' ? `${snapshot.strings[snapshot.nodes[i + nameAt]!]} (${type})` : `(${type})`
    const group = groups.get(name) ?? { count: 0, bytes: 0 }
    group.count += 1
    group.bytes += bytes
    groups.set(name, group)
  }
  const per = (n: number) => (connections ? `${(n / connections).toFixed(2).padStart(8)}` : '')
  const head = connections ? `${'per conn'.padStart(8)} ${'B/conn'.padStart(8)}  ` : ''
  const rows = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top).map(([name, { count, bytes }]) =>
    `${(bytes / 2 ** 20).toFixed(2).padStart(9)} MiB ${String(count).padStart(9)}  ${connections ? `${per(count)} ${per(bytes)}  ` : ''}${name}`)
  return [
    `heap: ${(total / 2 ** 20).toFixed(1)} MiB in ${(snapshot.nodes.length / fields.length).toLocaleString('en')} objects${connections ? `, ${(total / connections / 1024).toFixed(2)} KiB per connection` : ''}`,
    `${'self size'.padStart(13)} ${'count'.padStart(9)}  ${head}constructor (kind)`,
    ...rows,
  ].join('\n')
}

const [file, connections, top] = process.argv.slice(2)
if (file) console.log(summarizeHeap(readHeapSnapshot(file), Number(connections) || 0, Number(top) || 30))
else console.error('usage: node bench/dist/bench/heap-summary.js <file.heapsnapshot> [connections] [top]')
