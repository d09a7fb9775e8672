// Just enough of source maps (v3) to say which original file a position of the
// Nitro bundle came from: the server's ws, crossws and room code are all
// bundled into .output/server/chunks/nitro/nitro.mjs.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = BASE64.indexOf(char)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return values
}

/** Per generated line: [generated column, source index, original line], ascending by column. */
type Lines = [number, number, number][][]

export class SourceMap {
  private constructor(readonly sources: string[], private readonly lines: Lines) {}

  /** The map beside a bundle (`<file>.map`), or undefined if there is none. */
  static forUrl(url: string): SourceMap | undefined {
    const file = url.startsWith('file://') ? fileURLToPath(url) : url
    if (!existsSync(`${file}.map`)) return undefined
    const raw = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[], mappings: string }
    const lines: Lines = []
    let [source, originalLine] = [0, 0]
    for (const line of raw.mappings.split(';')) {
      const entries: [number, number, number][] = []
      let column = 0
      for (const segment of line.split(',')) {
        if (!segment) continue
        const fields = decodeSegment(segment)
        column += fields[0]!
        if (fields.length >= 4) {
          source += fields[1]!
          originalLine += fields[2]!
          entries.push([column, source, originalLine])
        }
      }
      lines.push(entries)
    }
    return new SourceMap(raw.sources, lines)
  }

  /** The original source and 1-based line of a 0-based generated position. */
  lookup(line: number, column: number): { source: string, line: number } | undefined {
    const entries = this.lines[line]
    if (!entries?.length) return undefined
    let found = entries[0]!
    for (const entry of entries) {
      if (entry[0] > column) break
      found = entry
    }
    return { source: this.sources[found[1]]!, line: found[2] + 1 }
  }
}
