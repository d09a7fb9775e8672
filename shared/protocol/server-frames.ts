// Server -> client frames of /ws: each one schema, its type inferred from it.
// The page reads every frame through ServerFrameSchema (readServerFrame), so
// a frame it does not understand is dropped rather than trusted.
import { array, boolean, literal, number, object, optional, picklist, record, string, variant } from 'valibot'
import type { InferOutput } from 'valibot'
import { ERROR_CODES } from './limits'
import { CipherEnvelopeSchema } from './cipher'

/** `public` rooms are listed in the lobby; `unlisted` ones are reached only by their link. */
export const RoomVisibilitySchema = picklist(['public', 'unlisted'], 'visibility must be "public" or "unlisted"')

const MemberRefSchema = object({ id: string(), name: string() })
export const MemberPresenceSchema = object({ id: string(), name: string(), active: boolean() })

/** What a reply shows of the message it answers; `deleted`: the quoted message was deleted since, and the excerpt keeps nothing of it. */
export const ReplyRefSchema = object({ id: string(), from: MemberRefSchema, excerpt: string(), deleted: optional(literal(true)) })

/** An uploaded file, as messages carry it (docs/protocol.md, "Files"). */
export const FileInfoSchema = object({
  id: string(),
  name: string(),
  /** The type sniffed from the bytes, never the declared one. */
  type: string(),
  size: number(),
  /** Carries at least 128 random bits: the only key to the file. */
  url: string(),
  width: optional(number()),
  height: optional(number()),
  durationMs: optional(number()),
  thumbUrl: optional(string()),
})

/** One public room as the lobby lists it. */
export const LobbyRoomSchema = object({ id: string(), title: string(), online: number(), members: number() })
/** One of "your rooms": any visibility; `lastSeq` is the room's newest chat seq (0 before the first message). */
export const LobbyMyRoomSchema = object({ ...LobbyRoomSchema.entries, lastSeq: number() })

/** emoji -> ids of the members who reacted with it, in the order they did. */
export const ReactionsSchema = record(string(), array(string()))

/** A thread as its root shows it: "N replies · last reply 2 min ago". */
export const ThreadSummarySchema = object({ replyCount: number(), lastReplyAt: number() })

/** A pinned message as the pinned bar shows it, whatever its age; the page keeps `excerpt` in step with `edited`. */
export const PinnedRefSchema = object({
  id: string(),
  seq: number(),
  from: MemberRefSchema,
  excerpt: string(),
  at: number(),
  /** A pinned thread reply: its root's id, so that choosing it opens the thread. */
  threadId: optional(string()),
})

export const ChatMessageSchema = object({
  type: literal('chat'),
  seq: number(),
  id: string(),
  roomId: string(),
  from: MemberRefSchema,
  text: string(),
  /** Server time, ms since the epoch. */
  at: number(),
  clientId: optional(string()),
  replyTo: optional(ReplyRefSchema),
  reactions: optional(ReactionsSchema),
  /** Set once the author edited the text. */
  editedAt: optional(number()),
  /** A tombstone: the author deleted it; `text` is empty. */
  deleted: optional(literal(true)),
  /** Set on a tombstone when the room's owner, not the author, deleted it. */
  deletedBy: optional(literal('owner')),
  attachments: optional(array(FileInfoSchema)),
  /** A reply in a thread: the root's id. The main timeline's pages leave these out. */
  threadId: optional(string()),
  /**
   * On a thread's root, in every page and search result that carries it: the
   * thread as it stands. Live, each reply reaches the room as a chat with
   * `threadId`, and the page adds it to its root's summary (one more reply,
   * `lastReplyAt` its `at`): no separate frame. Tombstoned replies count.
   */
  thread: optional(ThreadSummarySchema),
  /** In an end-to-end encrypted room: the sealed text (`text` is then ''); the page decrypts it. */
  cipher: optional(CipherEnvelopeSchema),
})

export const JoinedFrameSchema = object({
  type: literal('joined'),
  roomId: string(),
  you: MemberRefSchema,
  token: string(),
  created: boolean(),
  history: array(ChatMessageSchema),
  presence: object({ online: number(), members: number(), users: array(MemberPresenceSchema) }),
  /** The server's activity window: a client without a pong for this long may call the link dead. */
  heartbeatWindowMs: optional(number()),
  /**
   * The socket's frame bucket (`NUXT_FRAMES_PER_SECOND`, `NUXT_FRAME_BURST`):
   * a client that paces itself under it never has a frame dropped.
   */
  frameRate: optional(object({ perSecond: number(), burst: number() })),
  /**
   * Only when the join carried `lastSeq`: true when `history` is exactly the
   * messages after it; false when the server no longer holds them all (or the
   * token was not recognised), and `history` is the recent messages instead.
   */
  recovered: optional(boolean()),
  /**
   * `history` is not all that was asked for: messages older than its first
   * one (or, when it is empty, any messages) are held too, and after
   * `lastSeq` when the join carried one. A resume is one page at most (50
   * messages, `LIMITS.historyPageMaxBytes`); so is every join's history, and
   * a socket or address past its answer budget gets none: the page asks for
   * the rest with `history` (`before`: the first one's seq, or any number
   * past the newest when `history` is empty).
   */
  hasMore: optional(literal(true)),
  /** The room has a password: a new member needs it, the token holder does not. */
  protected: boolean(),
  /** Only when the join carried a password for a room that has none: it was not used, and the room stays open. */
  passwordIgnored: optional(literal(true)),
  /** Never empty: the room's id when its creator gave no title. */
  title: string(),
  visibility: RoomVisibilitySchema,
  /** The member id of the room's creator, who may rename it and remove members ('' for a room older than owners). */
  owner: string(),
  /** Set in a private room of two members: the other one. */
  peer: optional(MemberRefSchema),
  /** The room's slow mode in seconds (0: off); absent from a server older than it, meaning 0. */
  slowMode: optional(number()),
  /** The pinned messages, oldest pin first (as the `pins` frame). */
  pins: optional(array(string())),
  pinned: optional(array(PinnedRefSchema)),
  /** Set when the room is end-to-end encrypted: the salt its keys are derived with (docs/security.md). */
  e2ee: optional(object({ salt: string(), generation: optional(number()) })),
})

export const PongFrameSchema = object({ type: literal('pong'), online: number(), members: number() })
export const PresenceFrameSchema = object({
  type: literal('presence'),
  roomId: string(),
  online: number(),
  members: number(),
  changed: array(MemberPresenceSchema),
  left: array(string()),
})
export const LeftFrameSchema = object({ type: literal('left'), roomId: string() })
/** Who is typing in the room now, the recipient left out. */
export const TypingFrameSchema = object({ type: literal('typing'), roomId: string(), ids: array(string()) })
/**
 * An answer to a `history` request, oldest first. `hasMore`: older messages
 * are held. With `around`, `hasNewer`: newer ones are too (the page is not
 * the room's latest). `threadId` echoes the request's.
 */
export const HistoryPageFrameSchema = object({
  type: literal('history'),
  roomId: string(),
  messages: array(ChatMessageSchema),
  hasMore: boolean(),
  around: optional(number()),
  hasNewer: optional(boolean()),
  threadId: optional(string()),
})
/** The answer to `search`: matches newest first; `hasMore`: older ones match too (ask with `before` the last one's seq). */
export const SearchResultsFrameSchema = object({
  type: literal('searchResults'),
  roomId: string(),
  q: string(),
  results: array(ChatMessageSchema),
  hasMore: boolean(),
})
/**
 * The room's pins changed (a pin, an unpin, a pinned message deleted): the
 * whole list, oldest pin first, to every member. `pinned` holds them as the
 * pinned bar shows them, in the same order.
 */
export const PinsFrameSchema = object({ type: literal('pins'), roomId: string(), ids: array(string()), pinned: array(PinnedRefSchema) })
/** The owner changed the room's slow mode (seconds, 0: off). */
export const SlowModeChangedFrameSchema = object({ type: literal('slowMode'), roomId: string(), seconds: number() })
/**
 * One member's emoji was put on (`on`) or taken off a message: the change,
 * never the message's whole set, so that a toggle costs the same on a
 * message with one reaction as on one with a thousand. A member's emoji
 * goes at the end of its list, as `Reactions` keeps them.
 */
export const ReactionFrameSchema = object({ type: literal('reaction'), roomId: string(), id: string(), emoji: string(), memberId: string(), on: boolean() })
export const EditedFrameSchema = object({ type: literal('edited'), roomId: string(), id: string(), text: string(), editedAt: number(), cipher: optional(CipherEnvelopeSchema) })
export const DeletedFrameSchema = object({ type: literal('deleted'), roomId: string(), id: string(), deletedBy: optional(literal('owner')) })
/** The room's title changed (the owner renamed it). */
export const RoomUpdatedFrameSchema = object({ type: literal('room'), roomId: string(), title: string() })
/**
 * The owner of an end-to-end encrypted room changed its password: from now on
 * messages are sealed with the key of `generation`, derived with `salt`.
 * A member holding only an older key keeps reading what it sealed, and needs
 * the new password to send (a chat sealed with an older one is refused with
 * E2EE_KEY_CHANGED).
 */
export const RekeyedFrameSchema = object({ type: literal('rekeyed'), roomId: string(), salt: string(), generation: number() })
/** This member was removed by the owner; a join before `until` (ms since the epoch) gets FORBIDDEN. */
export const KickedFrameSchema = object({ type: literal('kicked'), roomId: string(), until: number() })
/** The answer to `dm`: this member's token for the private room. */
export const DmFrameSchema = object({ type: literal('dm'), roomId: string(), token: string() })
/** Sent to the other member's sockets in the room where `dm` was asked. */
export const InviteFrameSchema = object({ type: literal('invite'), roomId: string(), from: MemberRefSchema, token: string() })
/**
 * The first lobby frame after a `watch` has `rooms` (the top ones, busiest
 * first), `mine` (every room of the watch whose token was good) and `refused`
 * (ids whose token was not, or whose room is gone). Later ones carry only what
 * changed, at most once a second: `changed`/`removed` for the top list (a
 * room that drops out of it is removed), `mine`/`mineRemoved` for your rooms.
 */
export const LobbyFrameSchema = object({
  type: literal('lobby'),
  rooms: optional(array(LobbyRoomSchema)),
  changed: optional(array(LobbyRoomSchema)),
  removed: optional(array(string())),
  mine: optional(array(LobbyMyRoomSchema)),
  mineRemoved: optional(array(string())),
  refused: optional(array(string())),
})
export const ErrorFrameSchema = object({
  type: literal('error'),
  code: picklist(ERROR_CODES),
  message: string(),
  /** With RATE_LIMITED and SLOW_MODE, and with the FORBIDDEN or NETWORK_BLOCKED of a join refused by a ban: how long to wait before trying again. */
  retryAfterMs: optional(number()),
  /**
   * With a chat refused for what it carries (a reply to a message no longer
   * held, files no longer sendable): the clientId it had. Sending it again
   * would be refused again, so the page stops and says so. With the
   * RATE_LIMITED of a chat dropped by the rate limit: the clientId of the
   * dropped chat, to send again after `retryAfterMs`. With SLOW_MODE: the
   * clientId of the chat refused (not stored), to send after `retryAfterMs`.
   * With E2EE_KEY_CHANGED: the clientId of the chat sealed with a key the
   * room no longer takes (not stored): the page seals it again once it has
   * the new password, and sends it then.
   */
  clientId: optional(string()),
})

// Pongs and chats first: they are most frames, and the variant tries its options in order.
export const ServerFrameSchema = variant('type', [
  PongFrameSchema, ChatMessageSchema, PresenceFrameSchema, TypingFrameSchema, ReactionFrameSchema,
  JoinedFrameSchema, ErrorFrameSchema, LeftFrameSchema, HistoryPageFrameSchema, EditedFrameSchema,
  DeletedFrameSchema, RoomUpdatedFrameSchema, KickedFrameSchema, DmFrameSchema, InviteFrameSchema, LobbyFrameSchema,
  SearchResultsFrameSchema, PinsFrameSchema, SlowModeChangedFrameSchema, RekeyedFrameSchema,
])

export type RoomVisibility = InferOutput<typeof RoomVisibilitySchema>
export type MemberPresence = InferOutput<typeof MemberPresenceSchema>
export type ReplyRef = InferOutput<typeof ReplyRefSchema>
export type FileInfo = InferOutput<typeof FileInfoSchema>
export type LobbyRoom = InferOutput<typeof LobbyRoomSchema>
export type LobbyMyRoom = InferOutput<typeof LobbyMyRoomSchema>
export type Reactions = InferOutput<typeof ReactionsSchema>
export type ChatMessage = InferOutput<typeof ChatMessageSchema>
export type ThreadSummary = InferOutput<typeof ThreadSummarySchema>
export type PinnedRef = InferOutput<typeof PinnedRefSchema>
export type SearchResultsFrame = InferOutput<typeof SearchResultsFrameSchema>
export type PinsFrame = InferOutput<typeof PinsFrameSchema>
export type SlowModeChangedFrame = InferOutput<typeof SlowModeChangedFrameSchema>
export type RekeyedFrame = InferOutput<typeof RekeyedFrameSchema>
export type JoinedFrame = InferOutput<typeof JoinedFrameSchema>
export type PongFrame = InferOutput<typeof PongFrameSchema>
export type PresenceFrame = InferOutput<typeof PresenceFrameSchema>
export type LeftFrame = InferOutput<typeof LeftFrameSchema>
export type TypingFrame = InferOutput<typeof TypingFrameSchema>
export type HistoryPageFrame = InferOutput<typeof HistoryPageFrameSchema>
export type ReactionFrame = InferOutput<typeof ReactionFrameSchema>
export type EditedFrame = InferOutput<typeof EditedFrameSchema>
export type DeletedFrame = InferOutput<typeof DeletedFrameSchema>
export type RoomUpdatedFrame = InferOutput<typeof RoomUpdatedFrameSchema>
export type KickedFrame = InferOutput<typeof KickedFrameSchema>
export type DmFrame = InferOutput<typeof DmFrameSchema>
export type InviteFrame = InferOutput<typeof InviteFrameSchema>
export type LobbyFrame = InferOutput<typeof LobbyFrameSchema>
export type ErrorFrame = InferOutput<typeof ErrorFrameSchema>
export type ServerFrame = InferOutput<typeof ServerFrameSchema>
