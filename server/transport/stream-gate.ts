import type { H3Event } from 'h3'
import { judgeOrigin } from './upgrade-gate'
import type { UpgradeGateOptions } from './upgrade-gate'
import type { StreamSession } from './stream-session'
import type { StreamSessions } from './stream-sessions'

/** A refusal of the fallback's routes, as HTTP: a status and a code the page acts on (docs/protocol.md, "Fallback transport"). */
export interface StreamRefusal { status: number, code: string, message: string }

export type StreamGateVerdict = { ok: true, address: string } | ({ ok: false } & StreamRefusal)

/** The socket's Origin check and client address, for a stream or a POST. */
export function judgeStreamRequest(event: H3Event, gate: Omit<UpgradeGateOptions, 'path'>): StreamGateVerdict {
  const req = event.node.req
  return judgeOrigin(req, (req.url ?? '').split('?', 1)[0]!, gate)
}

/**
 * The session a request names, if it is this address's: a session id alone
 * never lets another address in. Unknown (ended, reaped, or held by another
 * instance) is 410, which the page answers by opening a new stream.
 */
export function sessionFor(sessions: StreamSessions, id: unknown, address: string): StreamSession | StreamRefusal {
  const session = typeof id === 'string' ? sessions.find(id) : undefined
  if (!session) return { status: 410, code: 'SESSION_GONE', message: 'this session is over; open a new stream' }
  if (session.remoteAddress !== address) return { status: 403, code: 'SESSION_ADDRESS_MISMATCH', message: 'this session belongs to another client address' }
  return session
}

/** `Last-Event-ID` (or `lastEventId` in the query, which EventSource cannot set as a header) as a position. */
export function parseLastEventId(value: unknown): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return undefined
  return Number(text)
}
