// Limits, close codes and error codes of wire protocol v1 (docs/protocol.md).

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
  /** Longest `search` query (`q`), in characters, after trimming. */
  searchQueryMaxLength: 100,
  /** Results one `searchResults` holds by default, and at most. */
  searchPageDefault: 20,
  searchPageMax: 50,
  /**
   * Messages a search reads at most, newest first: the whole of a capped
   * history on the memory and Redis stores, and on SQLite the reach of a
   * query too short for its trigram index (under 3 characters).
   */
  searchScanMax: 10_000,
  /** Searches one socket may start: a burst, then one per this many ms. */
  searchBurst: 5,
  searchRefillMs: 2000,
  /** Messages the owner may pin in one room. */
  pinsPerRoom: 10,
  /** Exports one member may start a minute (at most that many at once). */
  exportsPerMinute: 2,
  /** Messages one export reads from the store at a time. */
  exportPageSize: 200,
} as const

/** The intervals (s) an owner may set between one member's messages; 0 is off. */
export const SLOW_MODE_SECONDS = [0, 5, 10, 30, 60, 300] as const
export type SlowModeSeconds = (typeof SLOW_MODE_SECONDS)[number]

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
  'SLOW_MODE',
  'TOO_MANY_PINS',
  'E2EE_REQUIRED',
  'E2EE_KEY_CHANGED',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]
