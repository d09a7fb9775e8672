// The server's way into the protocol: what a client sends, through the client frame schemas.
import { safeParse } from 'valibot'
import type { GenericSchema } from 'valibot'
import { LIMITS } from './limits'
import type { ErrorCode } from './limits'
import { ClientFrameSchema, TEXT_TOO_LARGE_MESSAGE } from './client-frames'
import type { ClientFrame } from './client-frames'
import { frameFits } from './text'
import { FIRST_PROBLEM } from './frame-object'

export type ParseResult
  = | { ok: true, frame: ClientFrame }
    | { ok: false, code: ErrorCode, message: string }

// The variant tries its options one by one, each a schema run; on the hot
// path a frame's type picks its option at once. Same options, same answers:
// the nested chat variant is an option as it stands. Built on first use, so
// that a bundle importing this folder for other things (the page) does not
// carry the client schemas.
let clientFrameSchemaByType: Map<string, GenericSchema<unknown, ClientFrame>> | undefined

// A nested variant (chat: plain or sealed, each plain one with or without
// files) names its type in its first option, however deep.
type FrameOption = { type: 'variant', options: readonly FrameOption[] } | { type: string, entries: { type: { literal: string } } }
function frameTypeOf(option: FrameOption): string {
  return option.type === 'variant' ? frameTypeOf((option as { options: readonly FrameOption[] }).options[0]!) : (option as { entries: { type: { literal: string } } }).entries.type.literal
}

function clientFrameSchema(type: string): GenericSchema<unknown, ClientFrame> | undefined {
  clientFrameSchemaByType ??= new Map(ClientFrameSchema.options.map(option => [frameTypeOf(option as FrameOption), option]))
  return clientFrameSchemaByType.get(type)
}

const PING_FRAME = '{"type":"ping"}'

function fail(code: ErrorCode, message: string): ParseResult {
  return { ok: false, code, message }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Turns one raw text frame into a typed client frame, or says why it cannot (docs/protocol.md, "Errors"). */
export function parseClientFrame(raw: string): ParseResult {
  // A ping is most of what a server reads, and its schema has nothing but its
  // type: the page's own spelling needs no parsing at all, another spelling
  // no walk through the schemas.
  if (raw === PING_FRAME) return { ok: true, frame: { type: 'ping' } }
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
  if (data.type === 'ping') return { ok: true, frame: { type: 'ping' } }
  const schema = clientFrameSchema(data.type)
  if (!schema) return fail('BAD_REQUEST', `unknown frame type "${data.type.slice(0, 32)}"`)
  const parsed = safeParse(schema, data, FIRST_PROBLEM)
  if (parsed.success) return { ok: true, frame: parsed.output }
  const message = parsed.issues[0].message
  return fail(message === TEXT_TOO_LARGE_MESSAGE ? 'TOO_LARGE' : 'BAD_REQUEST', message)
}
