import type { ChatMessage, CipherEnvelopeFrame } from '../../shared/protocol'
import { bannedUntil } from './bans'
import { NO_SETTINGS, withPin } from './conversation/room-settings'
import type { ConversationSettings } from './conversation/room-settings'
import { deletion, reactionToggle, textEdit } from './message-changes'
import type { MessageChange } from './message-changes'
import { isNameFree, nameKeys } from './name-keys'
import { privatePairKey, withSeatTokens } from './private-rooms'
import type { ConversationSettingsStore, MemberLiveness, MemberRecords, MessageLog, RoomBus, RoomRecords, RoomRekey, StoreCoordination } from './room-store'
import { rekeyedRecord } from './room-rekey'
import type { MemberRecord, MessageChangeRefusal, PrivateRoom, RoomEvent, RoomRecord } from './types'

/**
 * A room as a store in this process holds it (memory, and SQLite's copy of
 * its file). `Sent` is the store's own record of a member's dedupe window:
 * the messages themselves in memory, a count of rows in SQLite.
 */
export interface InProcessRoom<Sent = unknown> {
  record: RoomRecord
  members: Map<string, MemberRecord>
  /** nameKeys of current members -> member id, for the uniqueness check. */
  names: Map<string, string>
  memberIdByTokenHash: Map<string, string>
  lastSeq: number
  /** Ban key -> until: members the owner removed (bans.ts). */
  bans: Map<string, number>
  /** memberId -> its dedupe window, as the store keeps it; goes with the member. */
  sent: Map<string, Sent>
  settings: ConversationSettings
  /** memberId -> when its slow-mode turn ends (slowModeWaitMs); live state, goes with the member. */
  slowTurns: Map<string, number>
}

export function newInProcessRoom<Sent>(record: RoomRecord, settings = NO_SETTINGS): InProcessRoom<Sent> {
  return { record, members: new Map(), names: new Map(), memberIdByTokenHash: new Map(), lastSeq: 0, bans: new Map(), sent: new Map(), settings, slowTurns: new Map() }
}

/** What the in-process model answers itself; each store adds its writes and its history. */
type ModelPart = RoomBus & MemberLiveness
  & Pick<StoreCoordination, 'claimIdleSweep'>
  & Pick<RoomRecords, 'getRoom' | 'openPrivateRoom' | 'listRoomIds' | 'countRooms' | 'setTitle' | 'rekeyRoom'>
  & Pick<MemberRecords, 'findMemberByTokenHash' | 'listMembers' | 'countMembers' | 'bannedUntil'>
  & Pick<MessageLog, 'toggleReaction' | 'editMessage' | 'deleteMessage'>
  & ConversationSettingsStore

/**
 * The room model the memory and SQLite stores share: rooms, members and
 * their names and tokens, presence, bans, the private pairs and the event
 * bus, all in this process's memory. The memory store is this model plus a
 * history array; the SQLite store is this model plus a journal that writes
 * each change to its file in the turn's one transaction (tick-transaction.ts).
 * The rules themselves are plain functions (name-keys.ts, bans.ts,
 * private-rooms.ts, message-changes.ts) that the Redis store's Lua restates.
 */
export abstract class InProcessRooms<Room extends InProcessRoom> implements ModelPart {
  protected readonly rooms = new Map<string, Room>()
  /** privatePairKey -> the pair's room, for the rooms held. */
  private readonly privatePairs = new Map<string, string>()
  private handler: (roomId: string, event: RoomEvent) => void = () => {}

  /** Creates the room unless one with that id exists, as RoomRecords.ensureRoom says. */
  abstract ensureRoom(room: RoomRecord, maxRooms: number): Promise<{ room: RoomRecord, created: boolean } | 'server-full'>

  /** Applies a change to a held message by its rule (message-changes.ts), rewrites every copy of its words, and tells the room. */
  protected abstract changeMessage(roomId: string, messageId: string, change: MessageChange): Promise<ChatMessage | MessageChangeRefusal>

  /** Stores the room's new settings (a title, a private room's seat tokens), then sets `room.record`. */
  protected abstract replaceRecord(room: Room, record: RoomRecord): Promise<void>

  /** Stores the room's new conversation settings, then sets `room.settings`. */
  protected abstract replaceSettings(room: Room, settings: ConversationSettings): Promise<void>

  /** Throws when the store cannot answer at all (SQLite while its file cannot be opened). */
  protected assertReadable(): void {}

  onEvent(handler: (roomId: string, event: RoomEvent) => void) {
    this.handler = handler
  }

  // One process hears everything it publishes: nothing to subscribe to.
  async subscribe() {}

  async unsubscribe() {}

  async publish(roomId: string, event: RoomEvent) {
    this.emit(roomId, event)
  }

  protected emit(roomId: string, event: RoomEvent): void {
    this.handler(roomId, event)
  }

  // One process: sweeping its own memory costs no round trips.
  async claimIdleSweep() {
    return true
  }

  async getRoom(roomId: string) {
    this.assertReadable()
    return this.rooms.get(roomId)?.record
  }

  async listRoomIds() {
    this.assertReadable()
    return [...this.rooms.keys()]
  }

  async countRooms() {
    this.assertReadable()
    return this.rooms.size
  }

  async setTitle(roomId: string, title: string) {
    this.assertReadable()
    const room = this.rooms.get(roomId)
    if (room) await this.replaceRecord(room, { ...room.record, title })
    return room !== undefined
  }

  async rekeyRoom(roomId: string, change: RoomRekey) {
    this.assertReadable()
    const room = this.rooms.get(roomId)
    const record = room && rekeyedRecord(room.record, change)
    if (record) await this.replaceRecord(room, record)
    return record !== undefined
  }

  async openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number) {
    this.assertReadable()
    const id = this.privatePairs.get(privatePairKey(room.private)) ?? room.id
    const existing = this.rooms.get(id)
    if (existing?.record.private) {
      await this.replaceRecord(existing, { ...existing.record, private: withSeatTokens(existing.record.private, room.private) })
      return { room: existing.record, created: false }
    }
    if (existing) throw new Error(`room ${id} is not a private room`)
    return this.ensureRoom({ ...room, id }, maxRooms)
  }

  async findMemberByTokenHash(roomId: string, tokenHash: string) {
    this.assertReadable()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(room.memberIdByTokenHash.get(tokenHash) ?? '')
    return member && { ...member }
  }

  async listMembers(roomId: string) {
    return this.membersWhere(roomId, () => true)
  }

  async countMembers(roomId: string) {
    this.assertReadable()
    return this.rooms.get(roomId)?.members.size ?? 0
  }

  async bannedUntil(roomId: string, keys: string[], now: number) {
    this.assertReadable()
    return bannedUntil(this.rooms.get(roomId)?.bans, keys, now)
  }

  async toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string) {
    return this.changeMessage(roomId, messageId, reactionToggle(messageId, memberId, emoji))
  }

  async editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame) {
    return this.changeMessage(roomId, messageId, textEdit(messageId, authorId, text, editedAt, cipher))
  }

  // The room's owner may delete any message (asTombstone).
  async deleteMessage(roomId: string, messageId: string, memberId: string) {
    return this.changeMessage(roomId, messageId, deletion(messageId, memberId, this.rooms.get(roomId)?.record.ownerId ?? ''))
  }

  async conversationSettings(roomId: string) {
    this.assertReadable()
    return this.rooms.get(roomId)?.settings ?? NO_SETTINGS
  }

  async setSlowMode(roomId: string, seconds: number) {
    this.assertReadable()
    const room = this.rooms.get(roomId)
    if (room) await this.replaceSettings(room, { ...room.settings, slowModeSeconds: seconds })
    return room !== undefined
  }

  async changePin(roomId: string, messageId: string, pinned: boolean) {
    this.assertReadable()
    const room = this.rooms.get(roomId)
    if (!room) return undefined
    const change = withPin(room.settings.pins, messageId, pinned)
    if (typeof change !== 'string' && change.changed) await this.replaceSettings(room, { ...room.settings, pins: change.pins })
    return change
  }

  // When members were last heard is live state: map writes, never a journal entry.

  async listMembersSeenBefore(roomId: string, cutoff: number) {
    return this.membersWhere(roomId, member => member.lastSeenAt < cutoff)
  }

  async listNeverPingedBefore(roomId: string, cutoff: number) {
    return this.membersWhere(roomId, member => member.lastSeenAt <= member.joinedAt && member.joinedAt < cutoff)
  }

  async touchMember(roomId: string, memberId: string, at: number) {
    const member = this.memberOf(roomId, memberId)
    if (!member) return undefined
    const before = { ...member }
    member.lastSeenAt = Math.max(member.lastSeenAt, at)
    return before
  }

  async touchMembers(roomId: string, memberIds: string[], at: number) {
    for (const memberId of memberIds) await this.touchMember(roomId, memberId, at)
  }

  /** Puts a room in the model, its private pair indexed. */
  protected holdRoom(room: Room): void {
    this.rooms.set(room.record.id, room)
    if (room.record.private) this.privatePairs.set(privatePairKey(room.record.private), room.record.id)
  }

  /** Takes a room out of the model; the pair forgets it. */
  protected releaseRoom(roomId: string): boolean {
    const ended = this.rooms.get(roomId)?.record.private
    if (ended) this.privatePairs.delete(privatePairKey(ended))
    return this.rooms.delete(roomId)
  }

  protected clearRooms(): void {
    this.rooms.clear()
    this.privatePairs.clear()
  }

  protected requireRoom(roomId: string): Room {
    const room = this.rooms.get(roomId)
    if (!room) throw new Error(`room ${roomId} does not exist`)
    return room
  }

  protected memberOf(roomId: string, memberId: string): MemberRecord | undefined {
    this.assertReadable()
    return this.rooms.get(roomId)?.members.get(memberId)
  }

  private membersWhere(roomId: string, keep: (member: MemberRecord) => boolean): MemberRecord[] {
    this.assertReadable()
    const found: MemberRecord[] = []
    for (const member of this.rooms.get(roomId)?.members.values() ?? []) {
      if (keep(member)) found.push({ ...member })
    }
    return found
  }
}

/** Why the member cannot be added (isNameFree, the room cap), or undefined when it can. */
export function refusalOf(room: InProcessRoom, member: MemberRecord, maxMembers: number): 'name-taken' | 'room-full' | undefined {
  if (!isNameFree(room, member)) return 'name-taken'
  if (room.members.size >= maxMembers) return 'room-full'
  return undefined
}

export function rememberMember(room: InProcessRoom, member: MemberRecord): void {
  room.members.set(member.id, member)
  for (const key of nameKeys(member.name)) room.names.set(key, member.id)
  room.memberIdByTokenHash.set(member.tokenHash, member.id)
}

// Synchronous, so that a name check and the removal it leads to are one step.
export function forgetMember(room: InProcessRoom, member: MemberRecord): void {
  room.members.delete(member.id)
  for (const key of nameKeys(member.name)) {
    if (room.names.get(key) === member.id) room.names.delete(key)
  }
  room.memberIdByTokenHash.delete(member.tokenHash)
  room.sent.delete(member.id)
  room.slowTurns.delete(member.id)
}

export function swapToken(room: InProcessRoom, member: MemberRecord, tokenHash: string): void {
  room.memberIdByTokenHash.delete(member.tokenHash)
  room.memberIdByTokenHash.set(tokenHash, member.id)
  member.tokenHash = tokenHash
}
