import { readFileSync } from 'node:fs'

/** The parts of a V8 heap snapshot (.heapsnapshot JSON) the bench reads. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

export function readHeapSnapshot(file: string): HeapSnapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot
}

/**
 * Bytes the snapshot's objects hold, their self sizes summed: what is live
 * after the full collection V8 runs before writing one, so two snapshots
 * differ by what was kept, not by when the collector last ran.
 */
export function liveHeapBytes(snapshot: HeapSnapshot): number {
  const fields = snapshot.snapshot.meta.node_fields
  const sizeAt = fields.indexOf('self_size')
  let total = 0
  for (let i = sizeAt; i < snapshot.nodes.length; i += fields.length) total += snapshot.nodes[i]!
  return total
}
