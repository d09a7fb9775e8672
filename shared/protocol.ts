// Wire protocol v1 of /ws: the one definition that the server, the composable
// and the tests all import. docs/protocol.md describes the same frames in prose.

export const LIMITS = {
  /** Longest member name, in characters, after trimming. */
  nameMaxLength: 32,
  /** Longest room id; room ids use only [A-Za-z0-9_-]. */
  roomIdMaxLength: 64,
  /** Longest chat text, in characters. */
  textMaxLength: 2000,
  /** Longest room password, in characters. */
  passwordMaxLength: 128,
  /** Longest clientId a sender may attach to a chat message. */
  clientIdMaxLength: 64,
  /** Longest tabId a join (and the away beacon) may carry. */
  tabIdMaxLength: 64,
  /** Longest token a join may carry. */
  tokenMaxLength: 128,
  /** Largest text frame the server reads; larger ones get TOO_LARGE. */
  frameMaxBytes: 16 * 1024,
  /** Messages a joining member receives as history. */
  historyOnJoin: 50,
} as const

/** Close codes the server uses; 4000-4999 are this application's own. */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect with backoff. */
  goingAway: 1001,
  /** Repeated abuse (a flood past the rate limit). */
  policyViolation: 1008,
  /** A frame far beyond the size limit. */
  tooLarge: 1009,
  /** Nothing received for twice the heartbeat window. */
  idleTimeout: 4001,
  /** Too many sockets from one client address. */
  tooManyConnections: 4029,
  /** The shared store came back without its data: join again. */
  serviceRestart: 1012,
} as const

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]+$/

export const ERROR_CODES = [
  'BAD_REQUEST',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'WRONG_PASSWORD',
  'NAME_TAKEN',
  'TOO_LARGE',
  'RATE_LIMITED',
  'ROOM_FULL',
  'SERVER_FULL',
  'TOO_MANY_CONNECTIONS',
  'UNAVAILABLE',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

// ---- client -> server ----

export interface JoinFrame {
  type: 'join'
  roomId: string
  name: string
  password?: string
  token?: string
  /** The highest chat seq this client has seen: with a valid token, the server sends what came after. */
  lastSeq?: number
  /** The page's own id for itself, random per page load; its away beacon names it. */
  tabId?: string
}
export interface PingFrame { type: 'ping' }
export interface ChatSendFrame { type: 'chat', text: string, clientId?: string }
export interface LeaveFrame { type: 'leave' }
export type ClientFrame = JoinFrame | PingFrame | ChatSendFrame | LeaveFrame

// ---- server -> client ----

export interface MemberPresence { id: string, name: string, active: boolean }

export interface ChatMessage {
  type: 'chat'
  seq: number
  id: string
  roomId: string
  from: { id: string, name: string }
  text: string
  /** Server time, ms since the epoch. */
  at: number
  clientId?: string
}

export interface JoinedFrame {
  type: 'joined'
  roomId: string
  you: { id: string, name: string }
  token: string
  created: boolean
  history: ChatMessage[]
  presence: { online: number, members: number, users: MemberPresence[] }
  /** The server's activity window: a client without a pong for this long may call the link dead. */
  heartbeatWindowMs?: number
  /**
   * Only when the join carried `lastSeq`: true when `history` is exactly the
   * messages after it; false when the server no longer holds them all (or the
   * token was not recognised), and `history` is the recent messages instead.
   */
  recovered?: boolean
  /** True when the room has a password (the page shows a lock). */
  protected?: boolean
  /** True when the join carried a password that the room does not have: it was not used. */
  passwordIgnored?: boolean
}
export interface PongFrame { type: 'pong', online: number, members: number }
export interface PresenceFrame {
  type: 'presence'
  roomId: string
  online: number
  members: number
  changed: MemberPresence[]
  left: string[]
}
export interface LeftFrame { type: 'left', roomId: string }
export interface ErrorFrame {
  type: 'error'
  code: ErrorCode
  message: string
  /** With RATE_LIMITED: how long to wait before the same thing would be taken. */
  retryAfterMs?: number
}
export type ServerFrame = JoinedFrame | PongFrame | PresenceFrame | ChatMessage | LeftFrame | ErrorFrame

// ---- validation ----

export type ParseResult =
  | { ok: true, frame: ClientFrame }
  | { ok: false, code: ErrorCode, message: string }

function fail(code: ErrorCode, message: string): ParseResult {
  return { ok: false, code, message }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(value: unknown, max: number): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length <= max)
}

/** Trims a name and checks its length; undefined when it is not acceptable. */
export function normalizeName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const name = value.trim()
  return name.length > 0 && name.length <= LIMITS.nameMaxLength ? name : undefined
}

export function isValidRoomId(value: unknown): value is string {
  return typeof value === 'string'
    && value.length > 0
    && value.length <= LIMITS.roomIdMaxLength
    && ROOM_ID_PATTERN.test(value)
}

/** Turns one raw text frame into a typed client frame, or says why it cannot. */
export function parseClientFrame(raw: string): ParseResult {
  if (raw.length > LIMITS.frameMaxBytes) {
    return fail('TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
  }
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
  switch (data.type) {
    case 'ping':
      return { ok: true, frame: { type: 'ping' } }
    case 'leave':
      return { ok: true, frame: { type: 'leave' } }
    case 'join':
      return parseJoin(data)
    case 'chat':
      return parseChat(data)
    default:
      return fail('BAD_REQUEST', `unknown frame type "${data.type.slice(0, 32)}"`)
  }
}

function parseJoin(data: Record<string, unknown>): ParseResult {
  if (!isValidRoomId(data.roomId)) {
    return fail('BAD_REQUEST', `roomId must be 1-${LIMITS.roomIdMaxLength} characters of A-Z, a-z, 0-9, _ or -`)
  }
  const name = normalizeName(data.name)
  if (name === undefined) {
    return fail('BAD_REQUEST', `name must be 1-${LIMITS.nameMaxLength} characters`)
  }
  if (!optionalString(data.password, LIMITS.passwordMaxLength)) {
    return fail('BAD_REQUEST', `password must be a string of at most ${LIMITS.passwordMaxLength} characters`)
  }
  if (!optionalString(data.token, LIMITS.tokenMaxLength)) {
    return fail('BAD_REQUEST', 'token must be a string')
  }
  if (data.lastSeq !== undefined && !(Number.isSafeInteger(data.lastSeq) && (data.lastSeq as number) >= 0)) {
    return fail('BAD_REQUEST', 'lastSeq must be a whole number, 0 or more')
  }
  if (!optionalString(data.tabId, LIMITS.tabIdMaxLength)) {
    return fail('BAD_REQUEST', `tabId must be a string of at most ${LIMITS.tabIdMaxLength} characters`)
  }
  const frame: JoinFrame = { type: 'join', roomId: data.roomId, name }
  if (data.password) frame.password = data.password
  if (data.token) frame.token = data.token
  if (data.lastSeq !== undefined) frame.lastSeq = data.lastSeq as number
  if (data.tabId) frame.tabId = data.tabId
  return { ok: true, frame }
}

function parseChat(data: Record<string, unknown>): ParseResult {
  if (typeof data.text !== 'string' || data.text.trim().length === 0) {
    return fail('BAD_REQUEST', 'text must be a non-empty string')
  }
  if (data.text.length > LIMITS.textMaxLength) {
    return fail('BAD_REQUEST', `text is limited to ${LIMITS.textMaxLength} characters`)
  }
  if (!optionalString(data.clientId, LIMITS.clientIdMaxLength)) {
    return fail('BAD_REQUEST', `clientId must be a string of at most ${LIMITS.clientIdMaxLength} characters`)
  }
  const frame: ChatSendFrame = { type: 'chat', text: data.text }
  if (data.clientId) frame.clientId = data.clientId
  return { ok: true, frame }
}
