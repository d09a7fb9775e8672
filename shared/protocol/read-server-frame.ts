// The page's way into the protocol: what the server sends, through the server frame schemas.
import { safeParse } from 'valibot'
import { ServerFrameSchema } from './server-frames'
import type { ServerFrame } from './server-frames'
import { FIRST_PROBLEM } from './frame-object'

let droppedServerFrameCount = 0

/** Frames from the server this page dropped as not understood, since it loaded. */
export function droppedServerFrames(): number {
  return droppedServerFrameCount
}

/**
 * One text frame from the server, checked against its schema; undefined (and
 * counted) when it is not a frame this page understands: not JSON, an
 * unknown type, or a field of the wrong shape. Never a cast.
 */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data === 'string') {
    try {
      const parsed = safeParse(ServerFrameSchema, JSON.parse(data), FIRST_PROBLEM)
      if (parsed.success) return parsed.output
    }
    catch {
      // Not JSON: counted below like any other frame the page cannot read.
    }
  }
  droppedServerFrameCount++
  return undefined
}
