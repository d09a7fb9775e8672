import type { ChatMessage } from '../../shared/protocol'

export interface RoomRecord {
  id: string
  /** scrypt hash of the creator's password, or null for an open room. */
  passwordHash: string | null
  createdAt: number
}

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
}

export type NewChatMessage = Omit<ChatMessage, 'seq'>

/**
 * Where rooms live. Every method is async so that a store backed by Redis can
 * implement the same interface; the in-memory store answers at once. Methods
 * that must be atomic across instances (room creation, a name check with the
 * member insert, seq assignment) are single calls here for that reason.
 */
export interface RoomStore {
  /** Which store this is, for the health endpoint. */
  readonly kind: string
  /**
   * Creates the room unless one with that id exists; returns the one that won,
   * or 'server-full' when creating it would make more than `maxRooms`.
   */
  ensureRoom(room: RoomRecord, maxRooms: number): Promise<{ room: RoomRecord, created: boolean } | 'server-full'>
  getRoom(roomId: string): Promise<RoomRecord | undefined>
  listRoomIds(): Promise<string[]>
  /** Removes the room and its history only if it has no members. */
  deleteRoomIfEmpty(roomId: string): Promise<boolean>

  /** Adds the member unless its name (case-insensitive) is taken or the room holds `maxMembers`. */
  addMember(member: MemberRecord, maxMembers: number): Promise<'added' | 'name-taken' | 'room-full'>
  findMemberByTokenHash(roomId: string, tokenHash: string): Promise<MemberRecord | undefined>
  listMembers(roomId: string): Promise<MemberRecord[]>
  removeMember(roomId: string, memberId: string): Promise<MemberRecord | undefined>
  /** Records a sign of life; returns the member as it was before, if it exists. */
  touchMember(roomId: string, memberId: string, at: number): Promise<MemberRecord | undefined>
  /** Marks the member offline at once; returns the member as it was before. */
  markOffline(roomId: string, memberId: string): Promise<MemberRecord | undefined>

  /**
   * Assigns the next seq of the room and keeps at most `historyLimit` messages.
   * A `clientId` the same member used before gets the original message back
   * (`duplicate: true`) and nothing is posted.
   */
  appendMessage(message: NewChatMessage): Promise<{ message: ChatMessage, duplicate: boolean }>
  recentMessages(roomId: string, limit: number): Promise<ChatMessage[]>
  /** Every message after `afterSeq`, in order; undefined when some of them are no longer held. */
  messagesAfter(roomId: string, afterSeq: number): Promise<ChatMessage[] | undefined>
}
