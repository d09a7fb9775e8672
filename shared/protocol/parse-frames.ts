// The two ways into the protocol: the server parses what a client sends, the
// page reads what the server sends. Both go through the frame schemas.
import { safeParse } from 'valibot'
import type { GenericSchema } from 'valibot'
import { LIMITS } from './limits'
import type { ErrorCode } from './limits'
import { ClientFrameSchema, TEXT_TOO_LARGE_MESSAGE } from './client-frames'
import type { ClientFrame } from './client-frames'
import { ServerFrameSchema } from './server-frames'
import type { ServerFrame } from './server-frames'
import { frameFits } from './text'
import { FIRST_PROBLEM } from './frame-object'

export type ParseResult =
  | { ok: true, frame: ClientFrame }
  | { ok: false, code: ErrorCode, message: string }

// The variant tries its options one by one, each a schema run; on the hot
// path a frame's type picks its option at once. Same options, same answers:
// the nested chat variant is an option as it stands.
const clientFrameSchemaByType = new Map<string, GenericSchema<unknown, ClientFrame>>(ClientFrameSchema.options.map(option =>
  [option.type === 'variant' ? option.options[0].entries.type.literal : option.entries.type.literal, option]))

function fail(code: ErrorCode, message: string): ParseResult {
  return { ok: false, code, message }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Turns one raw text frame into a typed client frame, or says why it cannot (docs/protocol.md, "Errors"). */
export function parseClientFrame(raw: string): ParseResult {
  if (!frameFits(raw)) return fail('TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
  let data: unknown
  try {
    data = JSON.parse(raw)
  }
  catch {
    return fail('BAD_REQUEST', 'frame is not valid JSON')
  }
  if (!isRecord(data) || typeof data.type !== 'string') {
    return fail('BAD_REQUEST', 'frame must be a JSON object with a string "type"')
  }
  // A ping is most of what a server reads, and its schema has nothing but
  // its type: the answer is known without walking the variant.
  if (data.type === 'ping') return { ok: true, frame: { type: 'ping' } }
  const schema = clientFrameSchemaByType.get(data.type)
  if (!schema) return fail('BAD_REQUEST', `unknown frame type "${data.type.slice(0, 32)}"`)
  const parsed = safeParse(schema, data, FIRST_PROBLEM)
  if (parsed.success) return { ok: true, frame: parsed.output }
  const message = parsed.issues[0].message
  return fail(message === TEXT_TOO_LARGE_MESSAGE ? 'TOO_LARGE' : 'BAD_REQUEST', message)
}

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
