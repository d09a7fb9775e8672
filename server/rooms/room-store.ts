import type { ChatMessage, CipherEnvelopeFrame } from '../../shared/protocol'
import type { SearchPage, SearchQuery } from './conversation/message-search'
import type { ConversationSettings, PinChange } from './conversation/room-settings'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, PrivateRoom, RoomEvent, RoomRecord, StoreHealth } from './types'

// Where rooms live, as a few narrow seams named by what they do, so that a
// caller (a frame handler, the lobby, a sweep) can ask for only the part it
// uses. Every method is async so that a store backed by Redis can implement
// the same interface; the in-process stores answer at once. Methods that
// must be atomic across instances (room creation, a name check with the
// member insert, seq assignment) are single calls here for that reason.

/** The process's link to the store itself: the health endpoint, the idle sweep's turn, the stop. */
export interface StoreCoordination {
  /** Which store this is and whether it answers, for the health endpoint. */
  health(): StoreHealth
  /**
   * Whether an error one of the methods threw means the store was out of
   * reach (down, or not answering in time), so the caller answers
   * UNAVAILABLE, rather than a fault.
   */
  isUnavailableError(error: unknown): boolean
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>
  /**
   * Whether this process sweeps the rooms it has no sockets in now: true at
   * most once per interval across every process sharing the store, so that
   * the cost of idle rooms does not grow with the number of processes.
   */
  claimIdleSweep(intervalMs: number): Promise<boolean>
  /** The other processes sharing the store; none for a store in this process. */
  readonly peers?: PeerLink
}

/** What travels between the processes that serve a room. */
export interface RoomBus {
  /**
   * Events reach this one handler for every room this process subscribed to,
   * from every process serving the room, this one included, in the order the
   * store took them (chat in seq order).
   */
  onEvent(handler: (roomId: string, event: RoomEvent) => void): void
  /** Resolves once no event published after it can be missed. */
  subscribe(roomId: string): Promise<void>
  unsubscribe(roomId: string): Promise<void>
  publish(roomId: string, event: RoomEvent): Promise<void>
}

/** Rooms and their settings. */
export interface RoomRecords {
  /**
   * Creates the room unless one with that id exists; returns the one that won,
   * or 'server-full' when creating it would make more than `maxRooms`.
   */
  ensureRoom(room: RoomRecord, maxRooms: number): Promise<{ room: RoomRecord, created: boolean } | 'server-full'>
  /**
   * The room's settings (title, visibility, owner, password hash, private
   * seats), or undefined when there is no such room. One read, whatever the
   * room's size: the lobby may call it per listed room.
   */
  getRoom(roomId: string): Promise<RoomRecord | undefined>
  /**
   * The private room of the two members of `room.private` (their pair in its
   * origin room, privatePairKey): the one they have, with the candidate's
   * token hashes added to its seats (withSeatTokens), or else `room` itself,
   * created; 'server-full' as for ensureRoom. The room a pair has keeps its
   * id for as long as the store remembers the pair, even when the room
   * itself ended meanwhile and is made anew.
   */
  openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number): Promise<{ room: RoomRecord, created: boolean } | 'server-full'>
  /** Every room; a shared store may also list a room whose keys just expired, which the idle pass then drops. */
  listRoomIds(): Promise<string[]>
  /** How many rooms there are, in O(1) (for health): may count rooms that expired since the last idle sweep. */
  countRooms(): Promise<number>
  /** Removes the room and its history only if it has no members. */
  deleteRoomIfEmpty(roomId: string): Promise<boolean>
  /** Renames the room (its owner asked); false when there is no such room. */
  setTitle(roomId: string, title: string): Promise<boolean>
  /**
   * Replaces an end-to-end encrypted room's password hash and salt and moves
   * it to key generation `generation`, only if it is at `generation - 1` now:
   * false when it is not (another change came first) or the room is gone.
   */
  rekeyRoom(roomId: string, change: RoomRekey): Promise<boolean>
}

/** A password change of an end-to-end encrypted room (RoomRecords.rekeyRoom). */
export interface RoomRekey { passwordHash: string, e2eeSalt: string, generation: number }

/** Who is a member of a room, under which name and token, and who is banned: durable. */
export interface MemberRecords {
  /**
   * Adds the member unless its name is taken or the room holds `maxMembers`
   * members, online or not. Names are compared by their `nameKeys`
   * (look-alikes and case clash); a member holds its name for as long as it
   * is a member (isNameFree), so adding one never ends another. A member
   * whose id is in the room already (a private room's seat member, joined
   * twice at once with two of its tokens) is 'name-taken' too.
   */
  addMember(member: MemberRecord, maxMembers: number): Promise<'added' | 'name-taken' | 'room-full'>
  findMemberByTokenHash(roomId: string, tokenHash: string): Promise<MemberRecord | undefined>
  /**
   * Gives the member a new token hash (it proved its name with its tripcode
   * from a device without its token, tripcode.ts): the old token stops
   * working, the member stays itself. Returns the member as it is now.
   */
  replaceToken(roomId: string, memberId: string, tokenHash: string): Promise<MemberRecord | undefined>
  listMembers(roomId: string): Promise<MemberRecord[]>
  countMembers(roomId: string): Promise<number>
  removeMember(roomId: string, memberId: string): Promise<MemberRecord | undefined>
  /**
   * The owner removed the member: removes it as removeMember does and, in
   * the same step, bans its token, seat and browser and, with
   * `blockNetwork`, the network it joined from (banKeysOf in bans.ts) from
   * the room until `until`. Bans that ended by `now` are dropped; a room
   * keeps at most MAX_BANS_PER_ROOM. Returns the member as it was, or
   * undefined when it is not a member.
   */
  kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork?: boolean): Promise<MemberRecord | undefined>
  /** The latest end of a ban on any of `keys` (memberBanKeys, networkBanKey) in the room, or 0 when none holds at `now`. */
  bannedUntil(roomId: string, keys: string[], now: number): Promise<number>
  /** Takes out a member that a failed join added: now, or once the store answers again. Never fails. */
  undoAddMember(roomId: string, memberId: string): Promise<void>
}

/**
 * When each member was last heard, as far as the store needs it: for a
 * membership's TTL, not for presence. Presence lives in the process that
 * holds the member's sockets (presence/local-liveness.ts), so the store is
 * told of a member's first sign of life and then at a slow pace.
 */
export interface MemberLiveness {
  /** Members whose last sign of life the store holds is before `cutoff`: those the member TTL may expire. */
  listMembersSeenBefore(roomId: string, cutoff: number): Promise<MemberRecord[]>
  /** Members who joined before `cutoff` and were never heard since: those the never-pinged TTL may expire. */
  listNeverPingedBefore(roomId: string, cutoff: number): Promise<MemberRecord[]>
  /** Records a sign of life; returns the member as it was before, if it exists. */
  touchMember(roomId: string, memberId: string, at: number): Promise<MemberRecord | undefined>
  /** Records that these members were heard at `at`, in one write; members no longer held are skipped. */
  touchMembers(roomId: string, memberIds: string[], at: number): Promise<void>
}

/**
 * The other processes sharing the store, for presence kept in each process
 * (the Phoenix Presence model, issue 20). Processes tell each other of
 * changes as presence events on the room's bus; this link adds what events
 * alone cannot give: which processes are alive (a beat a second, so a
 * SIGKILLed one is noticed), and a record of who each holds active in a room,
 * written on changes only and read when a process starts watching a room.
 * In-process stores have no peers.
 */
export interface PeerLink {
  readonly instanceId: string
  /** How many times the link to the peers came up: a change means what was said meanwhile may be lost. */
  readonly links: number
  /** Says this process is alive; answers the peers heard from within `silentMs`, this one excluded. */
  beat(silentMs: number): Promise<Set<string>>
  /** Records what this process holds of members of a room: active or not. */
  writeLive(roomId: string, changes: ReadonlyArray<readonly [memberId: string, active: boolean]>): Promise<void>
  /** Replaces this process's whole record in a room (after a reconnect). */
  replaceLive(roomId: string, activeIds: string[]): Promise<void>
  /** Who each process holds active in the room, as recorded (dead processes included). */
  readLive(roomId: string): Promise<Map<string, string[]>>
  /** Drops what processes not in `alive` recorded in the room: the lease holder's slow clean-up. */
  pruneLive(roomId: string, alive: ReadonlySet<string>): Promise<void>
  /**
   * For the admin page: publishes this instance's name and socket count, and
   * answers every instance's last known beat (its age by this process's
   * clock), name and count, this one first. Called every few seconds, never per socket.
   */
  fleet(self: { name: string, connections: number }): Promise<InstanceHealth[]>
}

/** One instance as the admin page shows it. */
export interface InstanceHealth {
  instanceId: string
  /** Its NUXT_METRICS_INSTANCE (hostname:pid by default), as it last published it; undefined before it has. */
  name?: string
  /** Since its beat was last seen to change, by this process's clock; -1 before this one's first beat. */
  beatAgeMs: number
  /** Its sockets, as it last published them. */
  connections?: number
}

/** A room's history and the changes to held messages, by the rules of message-changes.ts. */
export interface MessageLog {
  /**
   * Assigns the next seq of the room, keeps at most `historyLimit` messages and
   * publishes the message as a chat event, all in one step so that events go
   * out in seq order. A `clientId` the same member used (among its last 256)
   * gets the original message back (`duplicate: true`) and nothing is posted.
   * Only a current member posts: 'not-a-member' once it was removed, 'no-room'
   * once the room is gone. In slow mode (room-settings.ts slowModeWaitMs) a
   * message too soon after the sender's last is not stored: `slowModeWaitMs`
   * says how long it still has to wait. A thread reply (`threadId`) is
   * stored only while its root may hold it (threads.ts mayHoldThread), else
   * 'no-thread'; in the same step the root's summary counts it
   * (withReplyCounted).
   */
  appendMessage(message: NewChatMessage): Promise<{ message: ChatMessage, duplicate: boolean } | { slowModeWaitMs: number } | 'no-room' | 'not-a-member' | 'no-thread'>
  recentMessages(roomId: string, limit: number): Promise<ChatMessage[]>
  /**
   * The messages after `afterSeq`, in order, only the newest `limit` of them
   * when a limit is given (a resume is one page); undefined when some of them
   * are no longer held.
   */
  messagesAfter(roomId: string, afterSeq: number, limit?: number): Promise<ChatMessage[] | undefined>
  /**
   * The `limit` messages right before seq `beforeSeq` that are still held,
   * oldest first, and whether older ones are held too: every message, thread
   * replies included (an export, a kick's clean-up).
   */
  messagesBefore(roomId: string, beforeSeq: number, limit: number): Promise<{ messages: ChatMessage[], hasMore: boolean }>
  /**
   * As messagesBefore, for one timeline (threads.ts inTimeline): without
   * `threadId` the main timeline, thread replies left out; with it, that
   * thread's replies only. `hasMore`: older ones of the timeline are held.
   */
  timelineBefore(roomId: string, beforeSeq: number, limit: number, threadId?: string): Promise<{ messages: ChatMessage[], hasMore: boolean }>
  /** A held message by its id (a tombstone too). */
  findMessage(roomId: string, messageId: string): Promise<ChatMessage | undefined>
  /**
   * Toggles the member's `emoji` on the message and publishes the message's
   * reactions, in one step (withReactionToggled). At most
   * `LIMITS.reactionsPerMessage` distinct emoji and
   * `LIMITS.reactionEntriesPerMessage` reactions per message.
   */
  toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string): Promise<ChatMessage | MessageChangeRefusal>
  /**
   * Replaces the text of the author's own message (in its dedupe window too) and publishes `edited`, in one step (withTextEdited).
   * In an end-to-end encrypted room `text` is '' and `cipher` the sealed new text.
   */
  editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame): Promise<ChatMessage | MessageChangeRefusal>
  /**
   * Turns a message into a tombstone (no text, no reactions, no files) and
   * publishes `deleted`, in one step: its author's own, or any when
   * `memberId` is the room's owner (asTombstone in message-changes.ts). The
   * text goes from everywhere the store keeps it, the author's dedupe window
   * included: a resend of its clientId gets the tombstone back.
   */
  deleteMessage(roomId: string, messageId: string, memberId: string): Promise<ChatMessage | MessageChangeRefusal>
}

/** Finding a room's messages by their words (conversation/message-search.ts). */
export interface MessageSearch {
  /**
   * The held messages whose text holds `q` (matchesQuery: any case, any part
   * of a word), tombstones never, newest first, before `beforeSeq`: SQLite
   * through its trigram index, a bounded scan elsewhere.
   */
  searchMessages(roomId: string, query: SearchQuery): Promise<SearchPage>
}

/** What the room's owner sets of its conversation (conversation/room-settings.ts). */
export interface ConversationSettingsStore {
  /** The room's slow mode and pins; NO_SETTINGS for a room that has none (or no room). */
  conversationSettings(roomId: string): Promise<ConversationSettings>
  /** Sets the slow mode's interval (seconds, 0: off); false when there is no such room. */
  setSlowMode(roomId: string, seconds: number): Promise<boolean>
  /** Pins or unpins a message id by withPin, in one step; undefined when there is no such room. */
  changePin(roomId: string, messageId: string, pinned: boolean): Promise<PinChange | undefined>
}

/** The whole store, as the hub wires it: one object may implement every seam. */
export type RoomStore = StoreCoordination & RoomBus & RoomRecords & MemberRecords & MemberLiveness & MessageLog & MessageSearch & ConversationSettingsStore
