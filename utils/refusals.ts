import { CLOSE_CODES, ERROR_CODES } from '../shared/protocol'
import type { ErrorCode } from '../shared/protocol'
import type { LocalText, Translate } from './local-text'

/** `text`, when set, is what the page says instead of the code's own message. */
export interface Refusal { code: ErrorCode, message: string, text?: LocalText }

// Before a join succeeds these cannot be fixed by trying again, at least not
// automatically: the user has to change something or come back later. A
// RATE_LIMITED answer to a join is the wrong-password lockout; FORBIDDEN is a
// private room of two others, or a member the owner removed (retryAfterMs);
// NETWORK_BLOCKED someone else on this network removed with a block of it.
const FATAL_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'WRONG_PASSWORD',
  'NAME_TAKEN',
  'BAD_REQUEST',
  'ROOM_FULL',
  'SERVER_FULL',
  'TOO_MANY_CONNECTIONS',
  'RATE_LIMITED',
  'FORBIDDEN',
  'NETWORK_BLOCKED',
  'NO_SUCH_ROOM',
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
      return { code: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from this address. Close some tabs, then press Reconnect.', text: { key: 'closed.tooManyConnections' } }
    case CLOSE_CODES.policyViolation:
      return { code: 'RATE_LIMITED', message: 'The server cut the connection for sending too fast. Press Reconnect to try again.', text: { key: 'closed.tooFast' } }
    default:
      return undefined
  }
}

/** Which field of the join form a refusal asks the user to fix; 'form' when none. */
export type JoinField = 'name' | 'password' | 'form'

export interface JoinFieldError { field: JoinField, message: string }

/** A server message as the page shows it: a sentence, beginning with a capital letter. */
export function asSentence(text: string): string {
  const trimmed = text.trim()
  if (!trimmed) return trimmed
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1)
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES)

/**
 * What the page says about an error frame, in the reader's language: the
 * message of its code (`errors.<CODE>` in room.json), or the server's own
 * English text for a code this page does not know (a newer server).
 */
export function refusalText(refusal: { code: string, message: string, text?: LocalText }, t: Translate): string {
  if (refusal.text) return t(refusal.text.key, refusal.text.params ?? {})
  return KNOWN_CODES.has(refusal.code) ? t(`errors.${refusal.code}`) : asSentence(refusal.message)
}

/**
 * What the join form says about a refused join, and next to which field.
 * The wrong-password lockout (RATE_LIMITED) is not here: the form counts it
 * down itself.
 */
export function joinRefusalError(refusal: Refusal, { name, passwordSent }: { name: string, passwordSent: boolean }, t: Translate): JoinFieldError {
  switch (refusal.code) {
    case 'NAME_TAKEN':
      return { field: 'name', message: t('refusal.nameTaken', { name }) }
    case 'WRONG_PASSWORD':
      return { field: 'password', message: t(passwordSent ? 'refusal.wrongPassword' : 'refusal.passwordNeeded') }
    default:
      return { field: 'form', message: refusalText(refusal, t) }
  }
}
