import type { H3Event } from 'h3'
import { judgeStreamRequest, parseLastEventId, sessionFor } from '../../transport/stream-gate'

/** Frames one POST may carry; the page batches what it has, up to this. */
export const FRAMES_PER_POST = 32
/** The code of a socket closed normally (RFC 6455). */
const NORMAL_CLOSURE = 1000
/** A whole POST's body: a full batch of frames at the largest size that still gets a TOO_LARGE answer. */
const POST_MAX_BYTES = 256 * 1024

// The fallback's upstream: POST /ws/send?session=…&ack=… with a JSON array
// of client frames, each the exact text a socket would carry, handed to the
// hub in order as a socket's frames are (same bucket, sizes and parser).
// `close=1` ends the session after its frames, as a socket's close does.
export default defineEventHandler(async (event) => {
  const { sessions, gate } = useStreamTransport()
  const verdict = judgeStreamRequest(event, gate)
  if (!verdict.ok) return refuse(event, verdict.status, verdict.code, verdict.message)
  const query = getQuery(event)
  const session = sessionFor(sessions, query.session, verdict.address)
  if ('status' in session) return refuse(event, session.status, session.code, session.message)
  const raw = await readBoundedBody(event, POST_MAX_BYTES)
  let frames: unknown
  try {
    frames = JSON.parse(raw)
  }
  catch {
    return refuse(event, 400, 'BAD_REQUEST', 'the body must be a JSON array of frames, each a JSON text')
  }
  if (!Array.isArray(frames) || !frames.every(frame => typeof frame === 'string')) {
    return refuse(event, 400, 'BAD_REQUEST', 'the body must be a JSON array of frames, each a JSON text')
  }
  if (frames.length > FRAMES_PER_POST) return refuse(event, 413, 'TOO_MANY_FRAMES', `at most ${FRAMES_PER_POST} frames per request`)
  const ack = parseLastEventId(query.ack)
  if (ack !== undefined) session.acknowledge(ack)
  for (const frame of frames as string[]) {
    if (session.isEnded) break
    sessions.receive(session, frame)
  }
  if (query.close !== undefined) session.close(NORMAL_CLOSURE, 'closed by the client')
  setResponseStatus(event, 204)
  return null
})

function refuse(event: H3Event, status: number, code: string, message: string) {
  setResponseStatus(event, status)
  return { code, message }
}
