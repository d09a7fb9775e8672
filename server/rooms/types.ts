import type { ChatMessage, MemberPresence, RoomVisibility } from '../../shared/protocol'

/**
 * A room's settings, fixed by the join that created it (the title changes
 * when its owner renames it). This is also what the lobby reads of a room:
 * `RoomStore.getRoom(id)` gives it, `title` and `visibility` included.
 */
export interface RoomRecord {
  id: string
  /** scrypt hash of the creator's password, or null for an open room. */
  passwordHash: string | null
  createdAt: number
  /** As shown, never empty: the room's id when the creator gave no title. */
  title: string
  /** Only `public` rooms are listed; a room with a password, or a private one, is always `unlisted`. */
  visibility: RoomVisibility
  /** Member id of the creator, who may rename the room and remove members; '' for a room made before rooms had owners. */
  ownerId: string
  /** Set only for a private room (`dm`): the two members it admits, and nobody else. */
  private?: PrivateRoom
}

/** One of the two members a private room admits. */
export interface PrivateSeat {
  /** The member's id in the room where the `dm` was asked, and its id in the private room. */
  memberId: string
  /** Its name there: the other member's `peer` until it has joined. */
  name: string
  /** sha256 of the tokens handed out for this seat, newest last, at most `SEAT_TOKENS`. */
  tokenHashes: string[]
}

export interface PrivateRoom {
  /** The room whose two members opened it; each pair of its members has at most one private room. */
  originRoomId: string
  seats: [PrivateSeat, PrivateSeat]
}

/** Tokens a private room's seat accepts: each `dm` for the pair hands out a new one. */
export const SEAT_TOKENS = 8

export interface MemberRecord {
  id: string
  roomId: string
  name: string
  /** sha256 of the member's token: the token itself is never stored. */
  tokenHash: string
  joinedAt: number
  /** Time of the last heartbeat (or join, or chat). */
  lastSeenAt: number
  /** Set when the member's last socket closed or it sent `away`; cleared by a heartbeat. */
  offline: boolean
  /**
   * sha256 of the network it joined from (bans.ts networkOf: the IPv4
   * address, or the IPv6 /64), for a block when the owner removes it and
   * chooses to block its network.
   */
  addressHash?: string
  /** sha256 of the browser id its join carried, banned when the owner removes it. */
  browserHash?: string
}

export type NewChatMessage = Omit<ChatMessage, 'seq'>

/** clientIds remembered per member for the exactly-once check (docs/protocol.md). */
export const CLIENT_IDS_PER_MEMBER = 256

/** What travels between the processes that serve a room. */
export type RoomEvent =
  | { kind: 'chat', message: ChatMessage }
  | { kind: 'presence', member: MemberPresence }
  | { kind: 'left', memberId: string }
  | { kind: 'typing', memberId: string, typing: boolean }
  | { kind: 'reaction', id: string, emoji: string, memberId: string, on: boolean }
  | { kind: 'edited', id: string, text: string, editedAt: number }
  | { kind: 'deleted', id: string, deletedBy?: 'owner' }
  | { kind: 'room', title: string }
  | { kind: 'kicked', memberId: string, until: number }
  /** A private room was opened for `to` (a member of this room), by `from`: `token` is to's own, for its sockets in this room only. */
  | { kind: 'invite', to: string, roomId: string, from: { id: string, name: string }, token: string }

/** Why a change to a message was not made: no such message (or a tombstone), not the author's, too many reactions. */
export type MessageChangeRefusal = 'not-found' | 'forbidden' | 'too-many-reactions'

export interface StoreHealth {
  kind: string
  /** 'ready', or what is wrong: the server keeps answering what it can from memory. */
  state: 'ready' | 'connecting' | 'unavailable'
}

/**
 * Where rooms live. Every method is async so that a store backed by Redis can
 * implement the same interface; the in-memory store answers at once. Methods
 * that must be atomic across instances (room creation, a name check with the
 * member insert, seq assignment) are single calls here for that reason.
 */
export interface RoomStore {
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
   * Events reach this one handler for every room this process subscribed to,
   * from every process serving the room, this one included, in the order the
   * store took them (chat in seq order).
   */
  onEvent(handler: (roomId: string, event: RoomEvent) => void): void
  /** Resolves once no event published after it can be missed. */
  subscribe(roomId: string): Promise<void>
  unsubscribe(roomId: string): Promise<void>
  publish(roomId: string, event: RoomEvent): Promise<void>
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
   * origin room): the one they have, with the candidate's token hashes added
   * to its seats (each seat keeps its newest SEAT_TOKENS), or else `room`
   * itself, created; 'server-full' as for ensureRoom. The room a pair has
   * keeps its id for as long as the store remembers the pair, even when the
   * room itself ended meanwhile and is made anew.
   */
  openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number): Promise<{ room: RoomRecord, created: boolean } | 'server-full'>
  listRoomIds(): Promise<string[]>
  /** How many rooms there are, in O(1) (for health): may count rooms that expired since the last idle sweep. */
  countRooms(): Promise<number>
  /**
   * Whether this process sweeps the rooms it has no sockets in now: true at
   * most once per interval across every process sharing the store, so that
   * the cost of idle rooms does not grow with the number of processes.
   */
  claimIdleSweep(intervalMs: number): Promise<boolean>
  /** Removes the room and its history only if it has no members. */
  deleteRoomIfEmpty(roomId: string): Promise<boolean>
  /** Renames the room (its owner asked); false when there is no such room. */
  setTitle(roomId: string, title: string): Promise<boolean>

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
  /** Members marked offline or not heard from since `cutoff`: all a sweep needs to look at. */
  listMembersSilentSince(roomId: string, cutoff: number): Promise<MemberRecord[]>
  /**
   * Members whose last heartbeat is before `cutoff` (and at or after
   * `since`), offline or not: those an idle sweep may expire, or those that
   * went silent between two sweeps.
   */
  listMembersSeenBefore(roomId: string, cutoff: number, since?: number): Promise<MemberRecord[]>
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
  /** Records a sign of life; returns the member as it was before, if it exists. */
  touchMember(roomId: string, memberId: string, at: number): Promise<MemberRecord | undefined>
  /** Marks the member offline at once (it said it is away); returns the member as it was before. */
  markOffline(roomId: string, memberId: string): Promise<MemberRecord | undefined>
  /**
   * This process holds no socket of the member any more: offline unless
   * another live process still does. Returns the member as it was before and
   * whether it is now offline.
   */
  releaseMember(roomId: string, memberId: string): Promise<{ before: MemberRecord, offline: boolean } | undefined>

  /**
   * Assigns the next seq of the room, keeps at most `historyLimit` messages and
   * publishes the message as a chat event, all in one step so that events go
   * out in seq order. A `clientId` the same member used (among its last 256)
   * gets the original message back (`duplicate: true`) and nothing is posted.
   * Only a current member posts: 'not-a-member' once it was removed, 'no-room'
   * once the room is gone.
   */
  appendMessage(message: NewChatMessage): Promise<{ message: ChatMessage, duplicate: boolean } | 'no-room' | 'not-a-member'>
  recentMessages(roomId: string, limit: number): Promise<ChatMessage[]>
  /**
   * The messages after `afterSeq`, in order, only the newest `limit` of them
   * when a limit is given (a resume is one page); undefined when some of them
   * are no longer held.
   */
  messagesAfter(roomId: string, afterSeq: number, limit?: number): Promise<ChatMessage[] | undefined>
  /**
   * The `limit` messages right before seq `beforeSeq` that are still held,
   * oldest first, and whether older ones are held too.
   */
  messagesBefore(roomId: string, beforeSeq: number, limit: number): Promise<{ messages: ChatMessage[], hasMore: boolean }>
  /** A held message by its id (a tombstone too). */
  findMessage(roomId: string, messageId: string): Promise<ChatMessage | undefined>
  /**
   * Toggles the member's `emoji` on the message and publishes the message's
   * reactions, in one step. At most `LIMITS.reactionsPerMessage` distinct
   * emoji and `LIMITS.reactionEntriesPerMessage` reactions per message.
   */
  toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string): Promise<ChatMessage | MessageChangeRefusal>
  /** Replaces the text of the author's own message (in its dedupe window too) and publishes `edited`, in one step. */
  editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number): Promise<ChatMessage | MessageChangeRefusal>
  /**
   * Turns a message into a tombstone (no text, no reactions, no files) and
   * publishes `deleted`, in one step: its author's own, or any when
   * `memberId` is the room's owner (asTombstone in message-changes.ts). The
   * text goes from everywhere the store keeps it, the author's dedupe window
   * included: a resend of its clientId gets the tombstone back.
   */
  deleteMessage(roomId: string, messageId: string, memberId: string): Promise<ChatMessage | MessageChangeRefusal>
}
