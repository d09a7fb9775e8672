import type { H3Event } from 'h3'
import type { ServerResponse } from 'node:http'
import { CLOSE_CODES } from '../../../shared/protocol'
import type { ErrorFrame } from '../../../shared/protocol'
import { judgeStreamRequest, parseLastEventId, sessionFor } from '../../transport/stream-gate'
import { sseEvent } from '../../transport/stream-session'

// The fallback's downstream (docs/protocol.md, "Fallback transport"): a new
// session, or with ?session= and Last-Event-ID a dropped stream resumed.
// The session and its frames live in server/transport/stream-sessions.ts.
export default defineEventHandler((event) => {
  const { sessions, gate } = useStreamTransport()
  const verdict = judgeStreamRequest(event, gate)
  if (!verdict.ok) return refuse(event, verdict)
  const query = getQuery(event)
  const res = event.node.res
  if (query.session === undefined) {
    startStream(res)
    sessions.open(res, verdict.address, refuseTooMany)
    return
  }
  const session = sessionFor(sessions, query.session, verdict.address)
  if ('status' in session && session.status === 403) return refuse(event, session)
  const lastEventId = parseLastEventId(event.node.req.headers['last-event-id'] ?? query.lastEventId)
  startStream(res)
  if ('status' in session || lastEventId === undefined || sessions.resume(session, res, lastEventId) === 'gone') {
    res.end(sseEvent(JSON.stringify({ code: 'SESSION_GONE', message: 'this session cannot be resumed; open a new stream and join with lastSeq' }), { event: 'gone' }))
  }
})

function refuse(event: H3Event, refusal: { status: number, code: string, message: string }) {
  setResponseStatus(event, refusal.status)
  return { code: refusal.code, message: refusal.message }
}

function startStream(res: ServerResponse): void {
  // The stream is its connection's last response, so its body may end with
  // the connection: each event goes out as written, without chunk framing.
  res.useChunkedEncodingByDefault = false
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // nginx would otherwise hold events back to fill its buffer.
    'x-accel-buffering': 'no',
  })
  res.flushHeaders()
}

/** As the socket server says it: an error frame, then a close with 4029. */
function refuseTooMany(res: ServerResponse): void {
  const frame: ErrorFrame = { type: 'error', code: 'TOO_MANY_CONNECTIONS', message: 'too many connections from this client address' }
  res.write(sseEvent(JSON.stringify(frame), { id: 1 }))
  res.end(sseEvent(JSON.stringify({ code: CLOSE_CODES.tooManyConnections, reason: 'too many connections' }), { event: 'close' }))
}
