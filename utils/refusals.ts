import { CLOSE_CODES } from '../shared/protocol'
import type { ErrorCode } from '../shared/protocol'

export interface Refusal { code: ErrorCode, message: string }

// Before a join succeeds these cannot be fixed by trying again, at least not
// automatically: the user has to change something or come back later.
const FATAL_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'WRONG_PASSWORD',
  'NAME_TAKEN',
  'BAD_REQUEST',
  'ROOM_FULL',
  'SERVER_FULL',
  'TOO_MANY_CONNECTIONS',
])

export function isFatalJoinError(code: ErrorCode): boolean {
  return FATAL_JOIN_ERRORS.has(code)
}

/**
 * The error to show for a close that reconnecting on its own would only make
 * worse (the server counts our sockets, or has cut us off for flooding);
 * undefined for every other close, which reconnects with backoff.
 */
export function closeRefusal(closeCode: number): Refusal | undefined {
  switch (closeCode) {
    case CLOSE_CODES.tooManyConnections:
      return { code: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from this address. Close some tabs, then press Reconnect.' }
    case CLOSE_CODES.policyViolation:
      return { code: 'RATE_LIMITED', message: 'The server cut the connection for sending too fast. Press Reconnect to try again.' }
    default:
      return undefined
  }
}
