// Wire protocol v1 of /ws: the one definition that the server, the composable
// and the tests all import. docs/protocol.md describes the same frames in prose.

export const LIMITS = {
  /** Longest member name, in characters, after trimming. */
  nameMaxLength: 32,
  /** Longest room id; room ids use only [A-Za-z0-9_-]. */
  roomIdMaxLength: 64,
  /** Longest chat text, in characters. */
  textMaxLength: 2000,
  /**
   * Largest chat text as sent: the UTF-8 bytes of its JSON string (textWireBytes).
   * Characters alone do not bound it: U+0001 is 6 bytes of JSON, so 2,000 of
   * them would be 12 KB in every page and resume that carries the message.
   */
  textMaxBytes: 8 * 1024,
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
  /** Messages one `history` page holds by default, and at most. */
  historyPageDefault: 50,
  historyPageMax: 100,
  /**
   * Bytes of messages (as JSON) one `history` page, or the history of one
   * `joined`, holds at most: past it, the oldest are left out and the answer
   * says there is more.
   */
  historyPageMaxBytes: 256 * 1024,
  /** Characters of the replied-to message a reply carries. */
  replyExcerptMaxLength: 120,
  /** Distinct emoji on one message. */
  reactionsPerMessage: 20,
  /** Reactions on one message, every emoji's members counted: bounds a message whatever the room's size. */
  reactionEntriesPerMessage: 1000,
  /** Longest emoji a reaction may be, in UTF-16 units (a family or a flag with tags is long). */
  emojiMaxLength: 32,
  /** Longest message id a frame may name. */
  messageIdMaxLength: 64,
  /** A typing entry lasts this long after its member's last typing frame. */
  typingExpiryMs: 5000,
  /** Typing frames of one room go out at most this often. */
  typingMergeMs: 250,
  /** Members one room shows as typing at once; more are not tracked. */
  typistsPerRoom: 20,
  /** Files one chat message may carry. */
  attachmentsPerMessage: 10,
  /** Longest room title, in characters. */
  titleMaxLength: 80,
  /** Rooms a `lobby` snapshot lists, busiest first. */
  lobbyTopRooms: 100,
  /** Lobby changes go out at most this often. */
  lobbyMergeMs: 1000,
  /** Rooms one `watch` may name with their member tokens ("your rooms"). */
  lobbyMineRooms: 50,
  /** Rooms one `GET /api/rooms` page lists by default, and at most. */
  lobbyPageDefault: 20,
  lobbyPageMax: 100,
  /** Longest lobby search (`q`), in characters. */
  lobbySearchMaxLength: 80,
  /** A member removed by the owner cannot rejoin for this long. */
  kickBanMs: 10 * 60 * 1000,
  /** A kick with `deleteRecent` tombstones the member's messages of this long before it. */
  kickDeleteRecentMs: 10 * 60 * 1000,
  /** Longest browser id a join may carry. */
  browserIdMaxLength: 64,
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

/**
 * The one spelling of a room id: ids compare case-insensitively, so `DESIGN`,
 * `Design` and `design` are one room, kept and shown as `design`. Every place
 * an id comes in (join, lobby watch, API routes, the page's route) passes it
 * through here. A private room's id is the server's own random string, never
 * typed: only its prefix is lower-cased, so the private rooms made before ids
 * were lower case (mixed-case base64url) keep working; new ones are hex.
 */
export function normalizeRoomId(value: string): string {
  const lower = value.toLowerCase()
  return lower.startsWith(PRIVATE_ROOM_PREFIX) ? PRIVATE_ROOM_PREFIX + value.slice(PRIVATE_ROOM_PREFIX.length) : lower
}

/** A room id as it came in (a route, a form), normalised; undefined when it is not one. */
export function parseRoomId(value: unknown): string | undefined {
  return isValidRoomId(value) ? normalizeRoomId(value) : undefined
}

/**
 * Private room ids start with this, and no join may create a room whose id
 * does: a private room that has ended stays ended, rather than coming back
 * as an open room under the same id. The page refuses such ids in its form.
 */
export const PRIVATE_ROOM_PREFIX = 'dm-'

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
  'TOO_MANY_MEMBERSHIPS',
  'FORBIDDEN',
  'NETWORK_BLOCKED',
  'TOO_MANY_WATCHERS',
  'UNAVAILABLE',
  'INTERNAL',
  'NO_SUCH_ROOM',
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
  /**
   * Create the room if no room has this id. Without it a join of a missing
   * room gets NO_SUCH_ROOM, so a mistyped id never makes a room.
   */
  create?: true
  /** Used only when this join creates the room. */
  title?: string
  /** Used only when this join creates the room; `unlisted` by default, and always with a password. */
  visibility?: RoomVisibility
  /**
   * The browser's own random id, kept in its localStorage across rooms and
   * page loads: a removal bans it, so that dropping the token is not enough
   * to come back, while another person on the same network still gets in.
   */
  browserId?: string
}
export interface PingFrame { type: 'ping' }
export interface ChatSendFrame {
  type: 'chat'
  text: string
  clientId?: string
  /** The id of the message this one answers. */
  replyTo?: string
  /** Ids of files this member uploaded to this room and has not sent yet (`text` may then be empty). */
  attachments?: string[]
}
export interface LeaveFrame { type: 'leave' }
/** The person is typing (at most every 2 s), or stopped (`stop`: sent, or cleared). */
export interface TypingSendFrame { type: 'typing', stop?: true }
/** Asks for the messages before `before` (a seq), newest `limit` of them. */
export interface HistoryRequestFrame { type: 'history', before: number, limit?: number }
/** Toggles this member's `emoji` on the message. */
export interface ReactFrame { type: 'react', id: string, emoji: string }
export interface EditFrame { type: 'edit', id: string, text: string }
export interface DeleteFrame { type: 'delete', id: string }
/**
 * The owner removes a member, who cannot rejoin for `LIMITS.kickBanMs`: its
 * token, its seat and its browser are banned. `blockNetwork` also bans the
 * network it joined from (the IPv4 address, or the IPv6 /64) for as long,
 * whoever joins from there; `deleteRecent` tombstones its messages of the
 * last `LIMITS.kickDeleteRecentMs`.
 */
export interface KickFrame { type: 'kick', memberId: string, blockNetwork?: true, deleteRecent?: true }
/** The owner renames the room. */
export interface TitleFrame { type: 'title', title: string }
/** Opens (or reopens) the private room of this member and `to`. */
export interface DmRequestFrame { type: 'dm', to: string }
/** A room this browser holds a member token for, named in `watch` ("your rooms"). */
export interface LobbyWatchRoom { id: string, token: string }
/**
 * Subscribes this socket to the lobby: public rooms with their live counts,
 * and `rooms` (at most `LIMITS.lobbyMineRooms`), any visibility, each proven
 * by its member token. A second `watch` replaces the first.
 */
export interface WatchFrame { type: 'watch', scope: 'lobby', rooms?: LobbyWatchRoom[] }
export interface UnwatchFrame { type: 'unwatch', scope: 'lobby' }
export type ClientFrame = JoinFrame | PingFrame | ChatSendFrame | LeaveFrame
  | TypingSendFrame | HistoryRequestFrame | ReactFrame | EditFrame | DeleteFrame
  | KickFrame | TitleFrame | DmRequestFrame | WatchFrame | UnwatchFrame

// ---- server -> client ----

export interface MemberPresence { id: string, name: string, active: boolean }

/** What a reply shows of the message it answers. */
/** `deleted`: the quoted message was deleted since, and the excerpt keeps nothing of it. */
export interface ReplyRef { id: string, from: { id: string, name: string }, excerpt: string, deleted?: true }

/** `public` rooms are listed in the lobby; `unlisted` ones are reached only by their link. */
export type RoomVisibility = 'public' | 'unlisted'

/** An uploaded file, as messages carry it (docs/protocol.md, "Files"). */
export interface FileInfo {
  id: string
  name: string
  /** The type sniffed from the bytes, never the declared one. */
  type: string
  size: number
  /** Carries at least 128 random bits: the only key to the file. */
  url: string
  width?: number
  height?: number
  durationMs?: number
  thumbUrl?: string
}

/** One public room as the lobby lists it. */
export interface LobbyRoom { id: string, title: string, online: number, members: number }
/** One of "your rooms": any visibility; `lastSeq` is the room's newest chat seq (0 before the first message). */
export interface LobbyMyRoom extends LobbyRoom { lastSeq: number }

/** emoji -> ids of the members who reacted with it, in the order they did. */
export type Reactions = Record<string, string[]>

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
  replyTo?: ReplyRef
  reactions?: Reactions
  /** Set once the author edited the text. */
  editedAt?: number
  /** A tombstone: the author deleted it; `text` is empty. */
  deleted?: true
  /** Set on a tombstone when the room's owner, not the author, deleted it. */
  deletedBy?: 'owner'
  attachments?: FileInfo[]
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
   * The socket's frame bucket (`NUXT_FRAMES_PER_SECOND`, `NUXT_FRAME_BURST`):
   * a client that paces itself under it never has a frame dropped.
   */
  frameRate?: { perSecond: number, burst: number }
  /**
   * Only when the join carried `lastSeq`: true when `history` is exactly the
   * messages after it; false when the server no longer holds them all (or the
   * token was not recognised), and `history` is the recent messages instead.
   */
  recovered?: boolean
  /**
   * `history` is not all that was asked for: messages older than its first
   * one (or, when it is empty, any messages) are held too, and after
   * `lastSeq` when the join carried one. A resume is one page at most (50
   * messages, `LIMITS.historyPageMaxBytes`); so is every join's history, and
   * a socket or address past its answer budget gets none: the page asks for
   * the rest with `history` (`before`: the first one's seq, or any number
   * past the newest when `history` is empty).
   */
  hasMore?: true
  /** The room has a password: a new member needs it, the token holder does not. */
  protected: boolean
  /** Only when the join carried a password for a room that has none: it was not used, and the room stays open. */
  passwordIgnored?: true
  /** Never empty: the room's id when its creator gave no title. */
  title: string
  visibility: RoomVisibility
  /** The member id of the room's creator, who may rename it and remove members ('' for a room older than owners). */
  owner: string
  /** Set in a private room of two members: the other one. */
  peer?: { id: string, name: string }
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
/** Who is typing in the room now, the recipient left out. */
export interface TypingFrame { type: 'typing', roomId: string, ids: string[] }
/** An answer to a `history` request, oldest first. */
export interface HistoryPageFrame { type: 'history', roomId: string, messages: ChatMessage[], hasMore: boolean }
/**
 * One member's emoji was put on (`on`) or taken off a message: the change,
 * never the message's whole set, so that a toggle costs the same on a
 * message with one reaction as on one with a thousand. A member's emoji
 * goes at the end of its list, as `Reactions` keeps them.
 */
export interface ReactionFrame { type: 'reaction', roomId: string, id: string, emoji: string, memberId: string, on: boolean }
export interface EditedFrame { type: 'edited', roomId: string, id: string, text: string, editedAt: number }
export interface DeletedFrame { type: 'deleted', roomId: string, id: string, deletedBy?: 'owner' }
/** The room's title changed (the owner renamed it). */
export interface RoomUpdatedFrame { type: 'room', roomId: string, title: string }
/** This member was removed by the owner; a join before `until` (ms since the epoch) gets FORBIDDEN. */
export interface KickedFrame { type: 'kicked', roomId: string, until: number }
/** The answer to `dm`: this member's token for the private room. */
export interface DmFrame { type: 'dm', roomId: string, token: string }
/** Sent to the other member's sockets in the room where `dm` was asked. */
export interface InviteFrame { type: 'invite', roomId: string, from: { id: string, name: string }, token: string }
/**
 * The first lobby frame after a `watch` has `rooms` (the top ones, busiest
 * first), `mine` (every room of the watch whose token was good) and `refused`
 * (ids whose token was not, or whose room is gone). Later ones carry only what
 * changed, at most once a second: `changed`/`removed` for the top list (a
 * room that drops out of it is removed), `mine`/`mineRemoved` for your rooms.
 */
export interface LobbyFrame {
  type: 'lobby'
  rooms?: LobbyRoom[]
  changed?: LobbyRoom[]
  removed?: string[]
  mine?: LobbyMyRoom[]
  mineRemoved?: string[]
  refused?: string[]
}
export interface ErrorFrame {
  type: 'error'
  code: ErrorCode
  message: string
  /** With RATE_LIMITED, and with the FORBIDDEN or NETWORK_BLOCKED of a join refused by a ban: how long to wait before trying again. */
  retryAfterMs?: number
  /**
   * With a chat refused for what it carries (a reply to a message no longer
   * held, files no longer sendable): the clientId it had. Sending it again
   * would be refused again, so the page stops and says so. With the
   * RATE_LIMITED of a chat dropped by the rate limit: the clientId of the
   * dropped chat, to send again after `retryAfterMs`.
   */
  clientId?: string
}
export type ServerFrame = JoinedFrame | PongFrame | PresenceFrame | ChatMessage | LeftFrame | ErrorFrame
  | TypingFrame | HistoryPageFrame | ReactionFrame | EditedFrame | DeletedFrame
  | RoomUpdatedFrame | KickedFrame | DmFrame | InviteFrame | LobbyFrame

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

export type NameCheck = { ok: true, name: string } | { ok: false, message: string }

// Control characters and lone surrogates have no business in a name: refused.
const NAME_FORBIDDEN = /[\p{Cc}\p{Cs}]/u
// Characters that draw nothing or reorder what is drawn (zero-width spaces
// and joiners, the soft hyphen, bidi overrides, fillers, variation selectors):
// dropped, so "ali\u200bce" is "alice" and "\u202eecila" is "ecila".
const NAME_INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu
const PICTOGRAPH = /\p{Extended_Pictographic}/u
const EMOJI_TRAIL = /[\uFE0F\u{1F3FB}-\u{1F3FF}]/u
// NFKC turns the other Unicode spaces into U+0020; the braille blank draws as one too.
const NAME_SPACES = /[\s\u2800]+/gu
const NAME_VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u

/**
 * A name as it is shown and compared: NFKC (fullwidth letters and a\u0301
 * become plain and composed), no invisible characters, one space between
 * words, trimmed, 1-32 characters with at least one visible one. The server
 * and the join form run the same check.
 */
export function checkName(value: unknown): NameCheck {
  const lengthMessage = `name must be 1-${LIMITS.nameMaxLength} characters`
  if (typeof value !== 'string') return { ok: false, message: lengthMessage }
  if (NAME_FORBIDDEN.test(value)) return { ok: false, message: 'name must not contain control characters or broken text' }
  const name = cleanLine(value)
  if (name.length > LIMITS.nameMaxLength || value.trim().length === 0) return { ok: false, message: lengthMessage }
  if (!NAME_VISIBLE.test(name)) return { ok: false, message: 'name needs at least one visible character' }
  return { ok: true, name }
}

// NFKC, no invisible characters (but those inside an emoji), one space between words, trimmed.
function cleanLine(value: string): string {
  return value
    .normalize('NFKC')
    .replace(NAME_INVISIBLE, keepInEmoji)
    .replace(NAME_SPACES, ' ')
    .trim()
}

export type TitleCheck = { ok: true, title: string } | { ok: false, message: string }

/**
 * A room title as it is shown: cleaned like a name (NFKC, invisible
 * characters dropped, one space between words, trimmed), at most
 * `LIMITS.titleMaxLength` characters after that. Control characters and lone
 * surrogates are refused. Nothing visible left gives '': the server then
 * uses the room's id as its title.
 */
export function checkTitle(value: unknown): TitleCheck {
  const lengthMessage = `title must be a string of at most ${LIMITS.titleMaxLength} characters`
  if (typeof value !== 'string' || value.length > 4 * LIMITS.titleMaxLength) return { ok: false, message: lengthMessage }
  if (NAME_FORBIDDEN.test(value)) return { ok: false, message: 'title must not contain control characters or broken text' }
  const title = cleanLine(value)
  if ([...title].length > LIMITS.titleMaxLength) return { ok: false, message: lengthMessage }
  return { ok: true, title: NAME_VISIBLE.test(title) ? title : '' }
}

/** The name as checkName gives it; undefined when it is not acceptable. */
export function normalizeName(value: unknown): string | undefined {
  const checked = checkName(value)
  return checked.ok ? checked.name : undefined
}

// A joiner between two pictographs draws 👩‍💻 as one glyph, a variation
// selector picks emoji style, tag characters spell a subdivision flag: those
// stay. Every other invisible character goes.
function keepInEmoji(char: string, offset: number, text: string): string {
  const preceding = [...text.slice(Math.max(0, offset - 8), offset)]
  const before = preceding.at(-1) ?? ''
  // A joiner may follow a skin tone or an emoji-style selector of its pictograph.
  const pictographBefore = preceding.reverse().find(c => !EMOJI_TRAIL.test(c)) ?? ''
  const after = [...text.slice(offset + char.length, offset + char.length + 2)][0] ?? ''
  const code = char.codePointAt(0)!
  if (code === 0x200D) return PICTOGRAPH.test(pictographBefore) && PICTOGRAPH.test(after) ? char : ''
  if (code === 0xFE0F || code === 0xFE0E) return PICTOGRAPH.test(before) || /[#*0-9]/.test(before) ? char : ''
  if (code >= 0xE0020 && code <= 0xE007F) return before === '\u{1F3F4}' || /[\u{E0020}-\u{E007F}]/u.test(before) ? char : ''
  return ''
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
    case 'typing':
      return { ok: true, frame: data.stop === true ? { type: 'typing', stop: true } : { type: 'typing' } }
    case 'history':
      return parseHistory(data)
    case 'react':
      return parseReact(data)
    case 'edit':
      return parseEdit(data)
    case 'delete':
      return isMessageId(data.id) ? { ok: true, frame: { type: 'delete', id: data.id } } : badMessageId()
    case 'watch':
      return parseWatch(data)
    case 'unwatch':
      return data.scope === 'lobby' ? { ok: true, frame: { type: 'unwatch', scope: 'lobby' } } : fail('BAD_REQUEST', 'scope must be "lobby"')
    case 'title':
      return parseTitle(data)
    case 'kick':
      return parseKick(data)
    case 'dm':
      return parseMemberFrame(data, data.type)
    default:
      return fail('BAD_REQUEST', `unknown frame type "${data.type.slice(0, 32)}"`)
  }
}

function parseJoin(data: Record<string, unknown>): ParseResult {
  if (!isValidRoomId(data.roomId)) {
    return fail('BAD_REQUEST', `roomId must be 1-${LIMITS.roomIdMaxLength} characters of A-Z, a-z, 0-9, _ or -`)
  }
  const checked = checkName(data.name)
  if (!checked.ok) return fail('BAD_REQUEST', checked.message)
  const name = checked.name
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
  const title = data.title === undefined ? undefined : checkTitle(data.title)
  if (title && !title.ok) return fail('BAD_REQUEST', title.message)
  if (data.visibility !== undefined && data.visibility !== 'public' && data.visibility !== 'unlisted') {
    return fail('BAD_REQUEST', 'visibility must be "public" or "unlisted"')
  }
  if (!optionalString(data.browserId, LIMITS.browserIdMaxLength)) {
    return fail('BAD_REQUEST', `browserId must be a string of at most ${LIMITS.browserIdMaxLength} characters`)
  }
  if (data.create !== undefined && typeof data.create !== 'boolean') return fail('BAD_REQUEST', 'create must be true or false')
  const frame: JoinFrame = { type: 'join', roomId: normalizeRoomId(data.roomId), name }
  if (data.create) frame.create = true
  if (data.password) frame.password = data.password
  if (data.token) frame.token = data.token
  if (data.lastSeq !== undefined) frame.lastSeq = data.lastSeq as number
  if (data.tabId) frame.tabId = data.tabId
  if (title) frame.title = title.title
  if (data.visibility) frame.visibility = data.visibility
  if (data.browserId) frame.browserId = data.browserId
  return { ok: true, frame }
}

function parseWatch(data: Record<string, unknown>): ParseResult {
  if (data.scope !== 'lobby') return fail('BAD_REQUEST', 'scope must be "lobby"')
  if (data.rooms === undefined) return { ok: true, frame: { type: 'watch', scope: 'lobby' } }
  if (!Array.isArray(data.rooms) || data.rooms.length > LIMITS.lobbyMineRooms) {
    return fail('BAD_REQUEST', `rooms must be a list of at most ${LIMITS.lobbyMineRooms} {id, token}`)
  }
  const rooms: LobbyWatchRoom[] = []
  for (const room of data.rooms as unknown[]) {
    if (!isRecord(room) || !isValidRoomId(room.id) || typeof room.token !== 'string' || room.token.length === 0 || room.token.length > LIMITS.tokenMaxLength) {
      return fail('BAD_REQUEST', 'each of rooms must be {id: a room id, token: a member token}')
    }
    rooms.push({ id: normalizeRoomId(room.id), token: room.token })
  }
  return { ok: true, frame: { type: 'watch', scope: 'lobby', rooms } }
}

/** Member ids are short random strings; this only bounds what a frame may name. */
function isMemberId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.messageIdMaxLength
}

function parseTitle(data: Record<string, unknown>): ParseResult {
  const title = checkTitle(data.title)
  return title.ok ? { ok: true, frame: { type: 'title', title: title.title } } : fail('BAD_REQUEST', title.message)
}

function parseKick(data: Record<string, unknown>): ParseResult {
  const parsed = parseMemberFrame(data, 'kick')
  if (!parsed.ok || parsed.frame.type !== 'kick') return parsed
  for (const option of ['blockNetwork', 'deleteRecent'] as const) {
    if (data[option] === undefined || data[option] === false) continue
    if (data[option] !== true) return fail('BAD_REQUEST', `${option} must be true or false`)
    parsed.frame[option] = true
  }
  return parsed
}

function parseMemberFrame(data: Record<string, unknown>, type: 'kick' | 'dm'): ParseResult {
  const field = type === 'kick' ? 'memberId' : 'to'
  const id = data[field]
  if (!isMemberId(id)) return fail('BAD_REQUEST', `${field} must be a member id of 1-${LIMITS.messageIdMaxLength} characters`)
  return { ok: true, frame: type === 'kick' ? { type, memberId: id } : { type, to: id } }
}

function textProblem(text: unknown): ParseResult | undefined {
  if (typeof text !== 'string' || text.trim().length === 0) {
    return fail('BAD_REQUEST', 'text must be a non-empty string')
  }
  return textSizeProblem(text)
}

function textSizeProblem(text: string): ParseResult | undefined {
  if (text.length > LIMITS.textMaxLength) {
    return fail('BAD_REQUEST', `text is limited to ${LIMITS.textMaxLength} characters`)
  }
  if (textWireBytes(text) > LIMITS.textMaxBytes) {
    return fail('TOO_LARGE', `text is limited to ${LIMITS.textMaxBytes} bytes as sent (JSON, UTF-8)`)
  }
  return undefined
}

const utf8 = new TextEncoder()

/** The bytes a text takes on the wire: its JSON string (quotes and escapes included) in UTF-8. */
export function textWireBytes(text: string): number {
  return utf8.encode(JSON.stringify(text)).length
}

/** Whether the server would take this text as a message's (text or caption) size. */
export function textFits(text: string): boolean {
  return text.length <= LIMITS.textMaxLength && textWireBytes(text) <= LIMITS.textMaxBytes
}

function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.messageIdMaxLength
}

function badMessageId(): ParseResult {
  return fail('BAD_REQUEST', `id must be a message id of 1-${LIMITS.messageIdMaxLength} characters`)
}

/** A file id as the upload answered it: 128 random bits in base64url. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

function attachmentsProblem(value: unknown): ParseResult | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || value.length > LIMITS.attachmentsPerMessage
    || !value.every(id => typeof id === 'string' && FILE_ID_PATTERN.test(id)) || new Set(value).size !== value.length) {
    return fail('BAD_REQUEST', `attachments must be 1-${LIMITS.attachmentsPerMessage} distinct file ids`)
  }
  return undefined
}

function parseChat(data: Record<string, unknown>): ParseResult {
  const attachmentsBad = attachmentsProblem(data.attachments)
  if (attachmentsBad) return attachmentsBad
  // With files the text is a caption, and may be empty.
  const withFiles = data.attachments !== undefined
  const noCaption = withFiles && (data.text === undefined || (typeof data.text === 'string' && data.text.trim().length === 0))
  const problem = noCaption ? undefined : textProblem(data.text)
  if (problem) return problem
  if (!optionalString(data.clientId, LIMITS.clientIdMaxLength)) {
    return fail('BAD_REQUEST', `clientId must be a string of at most ${LIMITS.clientIdMaxLength} characters`)
  }
  if (data.replyTo !== undefined && !isMessageId(data.replyTo)) {
    return fail('BAD_REQUEST', `replyTo must be a message id of 1-${LIMITS.messageIdMaxLength} characters`)
  }
  const frame: ChatSendFrame = { type: 'chat', text: noCaption ? '' : data.text as string }
  if (data.clientId) frame.clientId = data.clientId
  if (data.replyTo !== undefined) frame.replyTo = data.replyTo as string
  if (withFiles) frame.attachments = data.attachments as string[]
  return { ok: true, frame }
}

function parseHistory(data: Record<string, unknown>): ParseResult {
  if (!(Number.isSafeInteger(data.before) && (data.before as number) >= 1)) {
    return fail('BAD_REQUEST', 'before must be a seq, a whole number of 1 or more')
  }
  const limit = data.limit ?? LIMITS.historyPageDefault
  if (!(Number.isSafeInteger(limit) && (limit as number) >= 1 && (limit as number) <= LIMITS.historyPageMax)) {
    return fail('BAD_REQUEST', `limit must be a whole number of 1-${LIMITS.historyPageMax}`)
  }
  return { ok: true, frame: { type: 'history', before: data.before as number, limit: limit as number } }
}

function parseReact(data: Record<string, unknown>): ParseResult {
  if (!isMessageId(data.id)) return badMessageId()
  if (!isOneEmoji(data.emoji)) return fail('BAD_REQUEST', 'emoji must be one emoji')
  return { ok: true, frame: { type: 'react', id: data.id, emoji: data.emoji } }
}

function parseEdit(data: Record<string, unknown>): ParseResult {
  if (!isMessageId(data.id)) return badMessageId()
  const problem = textProblem(data.text)
  if (problem) return problem
  return { ok: true, frame: { type: 'edit', id: data.id, text: data.text as string } }
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u
// The enclosing keycap makes an emoji of a digit, # or * only: `a⃣` or a lone
// U+20E3 draws as a letter in a box, or as nothing.
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** One grapheme that draws as an emoji: a reaction is never a letter, a word or two emoji. */
export function isOneEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.emojiMaxLength) return false
  if (value.includes('\u20E3')) return KEYCAP.test(value)
  if (!EMOJI.test(value) || NAME_FORBIDDEN.test(value)) return false
  const segments = graphemes.segment(value)[Symbol.iterator]()
  const first = segments.next()
  return !first.done && first.value.segment === value
}

/** The start of a message's text for a reply, never cutting a character in two. */
export function replyExcerpt(text: string): string {
  const chars = Array.from(text)
  return chars.length <= LIMITS.replyExcerptMaxLength ? text : `${chars.slice(0, LIMITS.replyExcerptMaxLength - 1).join('')}…`
}
