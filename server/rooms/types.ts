import type { ChatMessage, CipherEnvelopeFrame, MemberPresence, PinnedRef, RoomVisibility } from '../../shared/protocol'

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
  /**
   * Set only for an end-to-end encrypted room (always one with a password):
   * the salt, base64url of 16 bytes, its members' browsers derive keys with.
   */
  e2eeSalt?: string
  /**
   * The key generation of an end-to-end encrypted room: each password change
   * by its owner is the next one (with a new salt and password hash). Absent:
   * generation 1, the password the room was made with.
   */
  e2eeGeneration?: number
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
  /**
   * The last sign of life the store was told of (a join, a first ping, then
   * one at a slow pace while it lasts): for the membership's TTL. Whether the
   * member is online is not stored (presence/local-liveness.ts).
   */
  lastSeenAt: number
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
export type RoomEvent
  = | { kind: 'chat', message: ChatMessage }
  /** One process's word on a member it holds sockets of: `active` is that process's own state, not the room's. */
    | { kind: 'presence', member: MemberPresence, instance: string }
  /** A process's whole word on a room, sent again after it lost touch with the others (a reconnect). */
    | { kind: 'presence-state', instance: string, active: string[] }
  /** The member said it is away: every process holding its sockets takes it offline until it is heard again. */
    | { kind: 'away', memberId: string, instance: string }
    | { kind: 'left', memberId: string }
    | { kind: 'typing', memberId: string, typing: boolean }
    | { kind: 'reaction', id: string, emoji: string, memberId: string, on: boolean }
    | { kind: 'edited', id: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame }
    | { kind: 'deleted', id: string, deletedBy?: 'owner' }
    | { kind: 'room', title: string }
  /** The owner changed an encrypted room's password: its new salt and key generation. */
    | { kind: 'rekeyed', salt: string, generation: number }
    | { kind: 'pins', ids: string[], pinned: PinnedRef[] }
    | { kind: 'slowMode', seconds: number }
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

export type { ConversationSettingsStore, MemberLiveness, MemberRecords, MessageLog, MessageSearch, PeerLink, RoomBus, RoomRecords, RoomStore, StoreCoordination } from './room-store'
