import type { IncomingMessage } from 'node:http'
import type { StreamTransport } from '../utils/stream-transport'
import { parseLastEventId, sessionFor } from './stream-gate'
import type { StreamRefusal } from './stream-gate'
import type { StreamSession } from './stream-session'
import { originRefusal } from './upgrade-gate'

/** Frames one POST may carry; the page batches what it has, up to this. */
export const FRAMES_PER_POST = 32
/** A whole POST's body: a full batch of frames at the largest size that still gets a TOO_LARGE answer. */
export const POST_MAX_BYTES = 256 * 1024
/** The code of a socket closed normally (RFC 6455). */
const NORMAL_CLOSURE = 1000

const NOT_FRAMES: StreamRefusal = { status: 400, code: 'BAD_REQUEST', message: 'the body must be a JSON array of frames, each a JSON text' }

/**
 * The fallback's upstream (POST /ws/send?session=…&ack=…), before its body
 * is read: the socket's Origin check, then the session, which must be this
 * client address's. Shared by the route (server/routes/ws/send.post.ts) and
 * the production server's direct path (fallback-direct.ts).
 */
export function admitPost(req: IncomingMessage, address: string, query: URLSearchParams, { sessions, gate }: StreamTransport): StreamSession | StreamRefusal {
  const refused = originRefusal(req, '/ws/send', gate)
  if (refused) return refused
  return sessionFor(sessions, query.get('session') ?? undefined, address)
}

/**
 * The body, a JSON array of client frames, each the exact text a socket
 * would carry, handed to the hub in order as a socket's frames are (same
 * bucket, sizes and parser). `close=1` ends the session after its frames, as
 * a socket's close does. A refusal, or undefined once the frames are taken.
 */
export function takeFrames({ sessions }: StreamTransport, session: StreamSession, query: URLSearchParams, raw: string): StreamRefusal | undefined {
  let frames: unknown
  try {
    frames = JSON.parse(raw)
  }
  catch {
    return NOT_FRAMES
  }
  if (!Array.isArray(frames) || !frames.every(frame => typeof frame === 'string')) return NOT_FRAMES
  if (frames.length > FRAMES_PER_POST) return { status: 413, code: 'TOO_MANY_FRAMES', message: `at most ${FRAMES_PER_POST} frames per request` }
  const ack = parseLastEventId(query.get('ack') ?? undefined)
  if (ack !== undefined) session.acknowledge(ack)
  for (const frame of frames as string[]) {
    if (session.isEnded) break
    sessions.receive(session, frame)
  }
  if (query.has('close')) session.close(NORMAL_CLOSURE, 'closed by the client')
  return undefined
}

/** The query of a request's URL, without parsing the rest of it. */
export function queryOf(url: string | undefined): URLSearchParams {
  const at = url?.indexOf('?') ?? -1
  return new URLSearchParams(at < 0 ? '' : url!.slice(at + 1))
}
