import type { ChatMessage } from '../../../shared/protocol'
import { addBans, banKeysOf } from '../bans'
import { forgetMember, InProcessRooms, newInProcessRoom, refusalOf, rememberMember, swapToken } from '../in-process-rooms'
import type { InProcessRoom } from '../in-process-rooms'
import type { MessageChange } from '../message-changes'
import { CLIENT_IDS_PER_MEMBER } from '../types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, RoomRecord, RoomStore, StoreHealth } from '../types'
import { isDiskError } from './disk-errors'
import { longestEmptyRoom } from './room-retention'
import type { SearchQuery } from '../conversation/message-search'
import { takeSlowModeTurn } from '../conversation/room-settings'
import type { ConversationSettings } from '../conversation/room-settings'
import { insertMessage, messagesAfter, messagesBefore, parseBodies, searchMessages, sentCount, threadRootOf, timelineBefore, updateMessage } from './message-rows'
import { SqliteFile } from './sqlite-file'
import { conversationSettingsOf, memberRecordOf, roomRecordOf } from './statements'
import type { Statements } from './statements'
import type { CoreLog } from '../../log'

export interface SqliteRoomStoreOptions {
  /** The database file; its folder is created when missing. */
  file: string
  historyLimit: number
  /** How long a room without members is kept, with its password and history. */
  emptyRoomRetentionMs: number
  /**
   * A room empty for longer than this is kept only while its space is not
   * needed: at `maxRooms`, a new room replaces the one empty the longest.
   * @default 30000
   */
  emptyRoomGraceMs?: number
  log: CoreLog
  /** How often a store that cannot write (or open its file) tries again. @default 1000 */
  retryIntervalMs?: number
  /** @default Date.now */
  now?: () => number
}

/** The in-process model; `sent` counts a member's rows in the `sent` table (on first use), `emptySince` is undefined while it has members. */
interface SqliteRoom extends InProcessRoom<number> { emptySince: number | undefined }

/**
 * The default store: rooms, members and history in an SQLite file, so that a
 * restart (a deploy, a crash, SIGKILL) loses nothing that was acknowledged.
 * It is the in-process room model (in-process-rooms.ts) plus a journal:
 * everything a sweep or a heartbeat reads is in memory as well, loaded at
 * start; presence (last heartbeat, offline) lives only there. Writes go to
 * the file in one transaction per turn of the event loop (tick-transaction.ts),
 * each write undone in memory if its turn fails, and each resolves once it
 * is committed. The history is read from the file, not held in memory.
 */
export class SqliteRoomStore extends InProcessRooms<SqliteRoom> implements RoomStore {
  private readonly now: () => number
  /** Members whose join failed and whose removal failed too, for when writes work again. */
  private pendingUndos: Array<{ roomId: string, memberId: string }> = []
  private readonly file: SqliteFile

  /** Throws a DatabaseFileError for a file it must not touch; any other failure to open is retried. */
  constructor(private readonly options: SqliteRoomStoreOptions) {
    super()
    this.now = options.now ?? Date.now
    this.file = new SqliteFile({
      ...options,
      load: sql => this.load(sql),
      onWritableAgain: () => this.pendingUndos.splice(0).forEach(({ roomId, memberId }) => void this.undoAddMember(roomId, memberId)),
    })
  }

  health(): StoreHealth {
    return { kind: 'sqlite', state: this.file.state }
  }

  isUnavailableError(error: unknown): boolean {
    return isDiskError(error)
  }

  close() {
    return this.file.close()
  }

  protected override assertReadable(): void {
    this.file.require()
  }

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const { sql, tx } = this.file.require()
    const existing = this.rooms.get(room.id)
    if (existing) return { room: existing.record, created: false }
    // Kept rooms never refuse a live one: the room cap counts what the memory
    // store would hold, and the retention is what room is left beyond it.
    const replaced = this.rooms.size >= maxRooms ? longestEmptyRoom(this.rooms.values(), this.now() - (this.options.emptyRoomGraceMs ?? 30_000)) : undefined
    if (this.rooms.size >= maxRooms && !replaced) return 'server-full' as const
    const emptySince = this.now()
    const stored: SqliteRoom = { ...newInProcessRoom<number>(room), emptySince }
    await tx.run(() => {
      if (replaced) this.deleteRoom(sql, replaced.record.id)
      sql.insertRoom.run(room.id, room.passwordHash, room.createdAt, emptySince, room.title, room.visibility, room.ownerId, room.private ? JSON.stringify(room.private) : null, room.e2eeSalt ?? null)
      this.holdRoom(stored)
    }, () => {
      this.releaseRoom(room.id)
      if (replaced) this.holdRoom(replaced)
    })
    if (replaced) this.options.log(`a room empty since ${new Date(replaced.emptySince!).toISOString()} was removed: the server holds ${maxRooms} rooms`)
    return { room, created: true }
  }

  protected async replaceRecord(room: SqliteRoom, record: RoomRecord) {
    const { sql, tx } = this.file.require()
    const before = room.record
    await tx.run(() => {
      sql.setRecord.run(record.title, record.private ? JSON.stringify(record.private) : null, record.id)
      room.record = record
    }, () => room.record = before)
  }

  protected async replaceSettings(room: SqliteRoom, settings: ConversationSettings) {
    const { sql, tx } = this.file.require()
    const before = room.settings
    await tx.run(() => {
      sql.setConversation.run(JSON.stringify(settings), room.record.id)
      room.settings = settings
    }, () => room.settings = before)
  }

  /** Removes the room once it has stood empty for the retention time. */
  async deleteRoomIfEmpty(roomId: string) {
    const { sql, tx } = this.file.require()
    const room = this.rooms.get(roomId)
    if (!room || room.members.size > 0) return false
    if (room.emptySince !== undefined && this.now() - room.emptySince < this.options.emptyRoomRetentionMs) return false
    return tx.run(() => this.deleteRoom(sql, roomId), () => this.holdRoom(room))
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const { sql, tx } = this.file.require()
    const room = this.requireRoom(member.roomId)
    const refusal = refusalOf(room, member, maxMembers)
    if (refusal) return refusal
    const emptySince = room.emptySince
    await tx.run(() => {
      sql.insertMember.run(room.record.id, member.id, member.name, member.tokenHash, member.joinedAt, member.addressHash ?? null, member.browserHash ?? null)
      if (emptySince !== undefined) sql.setEmptySince.run(null, room.record.id)
      rememberMember(room, { ...member })
      room.emptySince = undefined
    }, () => {
      forgetMember(room, room.members.get(member.id)!)
      room.emptySince = emptySince
    })
    return 'added' as const
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const { sql, tx } = this.file.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    const before = member.tokenHash
    await tx.run(() => {
      sql.setMemberToken.run(tokenHash, roomId, memberId)
      swapToken(room, member, tokenHash)
    }, () => swapToken(room, member, before))
    return { ...member }
  }

  async removeMember(roomId: string, memberId: string) {
    const { sql, tx } = this.file.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    const emptiedAt = this.now()
    await tx.run(() => {
      sql.deleteMember.run(roomId, memberId)
      sql.deleteMemberSent.run(roomId, memberId)
      if (room.members.size === 1) sql.setEmptySince.run(emptiedAt, roomId)
      forgetMember(room, member)
      if (room.members.size === 0) room.emptySince = emptiedAt
    }, () => {
      rememberMember(room, member)
      room.emptySince = undefined
    })
    return { ...member }
  }

  // The bans and the removal are written in this turn's one transaction.
  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const { sql, tx } = this.file.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    const before = new Map(room.bans)
    const keys = banKeysOf(member, blockNetwork)
    const banned = tx.run(() => {
      for (const key of addBans(room.bans, keys, until, now)) sql.deleteBan.run(roomId, key)
      for (const key of keys) sql.upsertBan.run(roomId, key, until)
    }, () => room.bans = before)
    const [, removed] = await Promise.all([banned, this.removeMember(roomId, memberId)])
    return removed
  }

  /** A member a failed join added: removed now, or once the disk takes writes again. */
  async undoAddMember(roomId: string, memberId: string) {
    try {
      await this.removeMember(roomId, memberId)
    }
    catch {
      this.pendingUndos.push({ roomId, memberId })
    }
  }

  async appendMessage(message: NewChatMessage) {
    const { sql, tx } = this.file.require()
    const room = this.rooms.get(message.roomId)
    if (!room) return 'no-room' as const
    const memberId = message.from.id
    if (!room.members.has(memberId)) return 'not-a-member' as const
    if (message.clientId) {
      const original = sql.sentByClientId.get(room.record.id, memberId, message.clientId)
      if (original !== undefined) {
        // The original may still be in this turn's transaction: answer once it is on disk.
        await tx.settled()
        return { message: JSON.parse(original) as ChatMessage, duplicate: true }
      }
    }
    const thread = threadRootOf(sql, message)
    if (thread === 'no-thread') return thread
    const slowModeWaitMs = takeSlowModeTurn(room, memberId, this.now())
    if (slowModeWaitMs > 0) return { slowModeWaitMs }
    const sentBefore = message.clientId ? sentCount(sql, room, memberId) : 0
    const stored = await tx.run(() => {
      const stored = insertMessage(sql, message, room.lastSeq + 1, this.options.historyLimit, sentBefore, thread)
      if (message.clientId) room.sent.set(memberId, Math.min(sentBefore + 1, CLIENT_IDS_PER_MEMBER))
      room.lastSeq = stored.seq
      return stored
    }, (stored) => {
      room.lastSeq = stored.seq - 1
      if (message.clientId) room.sent.set(memberId, sentBefore)
    })
    // Events of one room go out in seq order: commits settle in order.
    this.emit(message.roomId, { kind: 'chat', message: stored })
    return { message: stored, duplicate: false }
  }

  async recentMessages(roomId: string, limit: number) {
    return parseBodies(this.file.require().sql.recentMessages.all(roomId, limit).reverse())
  }

  async messagesAfter(roomId: string, afterSeq: number, limit = -1) {
    const { sql } = this.file.require()
    const room = this.rooms.get(roomId)
    return room && messagesAfter(sql, roomId, room.lastSeq, afterSeq, limit)
  }

  async messagesBefore(roomId: string, beforeSeq: number, limit: number) {
    return messagesBefore(this.file.require().sql, roomId, beforeSeq, limit)
  }

  async timelineBefore(roomId: string, beforeSeq: number, limit: number, threadId?: string) {
    return timelineBefore(this.file.require().sql, roomId, beforeSeq, limit, threadId)
  }

  async searchMessages(roomId: string, query: SearchQuery) {
    return searchMessages(this.file.require().sql, roomId, query)
  }

  async findMessage(roomId: string, messageId: string) {
    const row = this.file.require().sql.messageById.get(roomId, messageId)
    return row && JSON.parse(row.body) as ChatMessage
  }

  // Read and written in one step of this turn's transaction, so two changes
  // of one message in the same turn build on each other; the room hears of
  // it once it is on disk.
  protected async changeMessage(roomId: string, messageId: string, change: MessageChange): Promise<ChatMessage | MessageChangeRefusal> {
    const { sql, tx } = this.file.require()
    const result = await tx.run(() => updateMessage(sql, roomId, messageId, change))
    if (typeof result !== 'string') this.emit(roomId, change.event(result))
    return result
  }

  private load(sql: Statements): void {
    this.clearRooms()
    for (const row of sql.allRooms.all()) this.holdRoom({ ...newInProcessRoom<number>(roomRecordOf(row), conversationSettingsOf(row)), emptySince: row.empty_since ?? undefined })
    for (const row of sql.allBans.all(this.now())) this.rooms.get(row.room_id)?.bans.set(row.key, row.until)
    const now = this.now()
    for (const row of sql.allMembers.all()) {
      const room = this.rooms.get(row.room_id)
      if (room) rememberMember(room, memberRecordOf(row, now))
    }
    for (const room of this.rooms.values()) room.lastSeq = sql.lastSeq.get(room.record.id) ?? 0
  }

  private deleteRoom(sql: Statements, roomId: string): boolean {
    for (const statement of [sql.deleteRoom, sql.deleteRoomMembers, sql.deleteRoomMessages, sql.deleteRoomSent, sql.deleteRoomBans]) statement.run(roomId)
    return this.releaseRoom(roomId)
  }
}
