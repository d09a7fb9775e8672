import type { AnswerBudgetOptions } from './answer-budget'
import type { LobbyIndex } from './lobby/lobby-index'
import type { Attachments } from './attachments'
import type { RoomStore } from './types'
import { log } from '../log'
import type { CoreLog } from '../log'

export interface RoomHubOptions {
  /** @default new MemoryRoomStore(historyLimit) */
  store?: RoomStore
  /** Uploaded files that chat messages may carry. @default NO_ATTACHMENTS (no id names a file) */
  attachments?: Attachments
  /** A member is online while its last heartbeat is this recent. @default 8000 */
  heartbeatWindowMs?: number
  /** How often the one sweep of the whole server runs. @default 250 */
  sweepIntervalMs?: number
  /**
   * How often the rooms this process has no sockets in are swept (member
   * TTL, empty rooms), by one process at a time across a shared store.
   * @default sweepIntervalMs
   */
  idleRoomSweepIntervalMs?: number
  /**
   * Rooms one idle pass looks at, at most; the next pass goes on from there.
   * Bounds what the idle sweep costs a shared store per second, whatever the
   * number of rooms. @default every room at every pass
   */
  idleRoomsPerPass?: number
  /**
   * A membership with no sign of life for this long lapses (removed as by a
   * leave). Offline is not gone: a member keeps its token, name and
   * ownership until then. @default 30 days (the server sets NUXT_ROOM_RETENTION_MS)
   */
  memberTtlMs?: number
  /** A room without members is forgotten after this long. @default 30000 */
  emptyRoomGraceMs?: number
  /** Presence changes this close together go out as one frame. @default 100 */
  presenceMergeMs?: number
  /** Messages kept per room by the default store. @default 500 */
  historyLimit?: number
  /** A socket that sends nothing for this long is closed. @default 2 * heartbeatWindowMs */
  idleTimeoutMs?: number
  /** @default 5000 */
  maxRoomMembers?: number
  /** @default 10000 */
  maxRooms?: number
  /** Sustained frames per second per socket. @default 10 */
  framesPerSecond?: number
  /** @default 20 */
  frameBurst?: number
  /** Pings answered per second per socket, sustained; more go unanswered, and a flood is closed with 1008. @default 4 */
  pingsPerSecond?: number
  /** Rate-limited frames a socket may pile up before it is closed with 1008. @default 50 */
  droppedFramesBeforeClose?: number
  /** Wrong passwords per client address and room per minute. @default 5 */
  passwordFailuresPerMinute?: number
  /** Live members one client address may have admitted, across rooms. @default 100 */
  membersPerAddress?: number
  /** Rooms one client address may create per minute (also its burst). @default 10 */
  roomsPerAddressPerMinute?: number
  /** A member that never pinged after joining is removed after this long. @default 2 * heartbeatWindowMs */
  neverPingedMemberTtlMs?: number
  /** Password hashes (scrypt) one client address may ask for per minute (also its burst). @default 12 */
  passwordHashesPerMinute?: number
  /** scrypt runs in flight at once, server-wide; the rest of libuv's pool stays free for file I/O. @default 1 */
  passwordHashConcurrency?: number
  /** scrypt runs that may wait for a place; past that RATE_LIMITED. @default 32 */
  passwordHashQueue?: number
  /** Where the lobby's listing and counts live. @default a MemoryLobbyIndex of this process */
  lobbyIndex?: LobbyIndex
  /** Sockets watching the lobby on this server. @default 10000 */
  lobbyMaxWatchers?: number
  /** Sockets watching the lobby per client address. @default 20 */
  lobbyWatchersPerAddress?: number
  /** Private rooms (`dm`) one member may ask for per minute (also its burst); each also counts as a room its address creates. @default 6 */
  dmRequestsPerMinute?: number
  /** Bytes of history (pages, and a join's) one socket and one client address may be sent over time. @default AnswerBudget's own */
  answerBudget?: AnswerBudgetOptions
  /** @default the server's log (server/log.ts), as event `room_core` unless the caller names one */
  log?: CoreLog
}

export type ResolvedHubOptions = Required<Omit<RoomHubOptions, 'store' | 'lobbyIndex' | 'attachments'>>

/** Fills in every default; an option passed as undefined keeps its default. */
export function resolveHubOptions(options: RoomHubOptions): ResolvedHubOptions {
  const heartbeatWindowMs = options.heartbeatWindowMs ?? 8000
  const sweepIntervalMs = options.sweepIntervalMs ?? 250
  const given = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && key !== 'store' && key !== 'lobbyIndex' && key !== 'attachments'))
  return {
    heartbeatWindowMs,
    sweepIntervalMs,
    idleRoomSweepIntervalMs: sweepIntervalMs,
    idleRoomsPerPass: Number.POSITIVE_INFINITY,
    memberTtlMs: 30 * 24 * 60 * 60 * 1000,
    emptyRoomGraceMs: 30 * 1000,
    presenceMergeMs: 100,
    historyLimit: 500,
    idleTimeoutMs: 2 * heartbeatWindowMs,
    maxRoomMembers: 5000,
    maxRooms: 10_000,
    framesPerSecond: 10,
    frameBurst: 20,
    pingsPerSecond: 4,
    droppedFramesBeforeClose: 50,
    passwordFailuresPerMinute: 5,
    membersPerAddress: 100,
    roomsPerAddressPerMinute: 10,
    neverPingedMemberTtlMs: 2 * heartbeatWindowMs,
    passwordHashesPerMinute: 12,
    passwordHashConcurrency: 1,
    passwordHashQueue: 32,
    lobbyMaxWatchers: 10_000,
    lobbyWatchersPerAddress: 20,
    dmRequestsPerMinute: 6,
    answerBudget: {},
    log: (message, event = 'room_core', fields, level) => log(event, message, fields, level),
    ...given,
  }
}
