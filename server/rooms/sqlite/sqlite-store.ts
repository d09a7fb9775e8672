import type { ChatMessage } from '../../../shared/protocol'
import { addBans, banKeysOf, bannedUntil } from '../bans'
import { changedWords, deletion, reactionToggle, textEdit, withQuoteOf } from '../message-changes'
import type { MessageChange } from '../message-changes'
import { isNameFree, nameKeys } from '../name-keys'
import { pairKeyOf, withSeatTokens } from '../private-rooms'
import { CLIENT_IDS_PER_MEMBER } from '../types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, PrivateRoom, RoomEvent, RoomRecord, RoomStore, StoreHealth } from '../types'
import { startCheckpointer } from './checkpointer'
import type { Checkpointer } from './checkpointer'
import { isDiskError, StoreUnavailableError } from './disk-errors'
import { DatabaseFileError, openDatabase } from './open-database'
import type { OpenedDatabase } from './open-database'
import { SCHEMA_VERSION } from './schema'
import { prepareStatements } from './statements'
import type { RoomRow, Statements } from './statements'
import { TickTransaction } from './tick-transaction'

/** How often the worker thread folds the log into the file. */
const CHECKPOINT_INTERVAL_MS = 500
/** A log this large starts over once the worker has copied nearly all of it. */
const LOG_RESTART_BYTES = 16 * 2 ** 20

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
  log: (message: string) => void
  /** How often a store that cannot write (or open its file) tries again. @default 1000 */
  retryIntervalMs?: number
  /** @default Date.now */
  now?: () => number
}

interface StoredRoom {
  record: RoomRecord
  members: Map<string, MemberRecord>
  /** nameKeys of current members -> member id, for the uniqueness check. */
  names: Map<string, string>
  memberIdByTokenHash: Map<string, string>
  lastSeq: number
  /** Since when the room has had no members; undefined while it has some. */
  emptySince: number | undefined
  /** memberId -> rows in `sent`, counted on first use. */
  sentCounts: Map<string, number>
  /** Ban key -> until, as in the `bans` table (bans.ts). */
  bans: Map<string, number>
}

interface Open { file: OpenedDatabase, sql: Statements, tx: TickTransaction, checkpointer: Checkpointer }

/**
 * The default store: rooms, members and history in an SQLite file, so that a
 * restart (a deploy, a crash, SIGKILL) loses nothing that was acknowledged.
 * Everything a sweep or a heartbeat reads is in memory as well, loaded at
 * start; presence (last heartbeat, offline) lives only there. Writes go to
 * the file in one transaction per turn of the event loop, and each write
 * resolves once it is committed.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly rooms = new Map<string, StoredRoom>()
  /** originRoomId \0 pair key -> the pair's private room, for the rooms held. */
  private readonly privatePairs = new Map<string, string>()
  private handler: (roomId: string, event: RoomEvent) => void = () => {}
  private open: Open | undefined
  private state: StoreHealth['state'] = 'unavailable'
  private lastError = ''
  private retryTimer: ReturnType<typeof setInterval> | undefined
  private closed = false
  private readonly now: () => number
  /** Members whose join failed and whose removal failed too, for when writes work again. */
  private pendingUndos: Array<{ roomId: string, memberId: string }> = []

  /** Throws a DatabaseFileError for a file it must not touch; any other failure to open is retried. */
  constructor(private readonly options: SqliteRoomStoreOptions) {
    this.now = options.now ?? Date.now
    this.tryOpen(true)
  }

  health(): StoreHealth {
    return { kind: 'sqlite', state: this.state }
  }

  isUnavailableError(error: unknown): boolean {
    return isDiskError(error)
  }

  async close() {
    this.closed = true
    clearInterval(this.retryTimer)
    const open = this.open
    if (!open) return
    this.open = undefined
    try {
      open.tx.commitNow()
    }
    finally {
      // The checkpointer's connection first: the last one to close folds the log into the file.
      await open.checkpointer.stop()
      open.file.close()
    }
  }

  onEvent(handler: (roomId: string, event: RoomEvent) => void) {
    this.handler = handler
  }

  // One process owns the file and hears everything it publishes.
  async subscribe() {}

  async unsubscribe() {}

  async publish(roomId: string, event: RoomEvent) {
    this.handler(roomId, event)
  }

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const { sql, tx } = this.require()
    const existing = this.rooms.get(room.id)
    if (existing) return { room: existing.record, created: false }
    // Kept rooms never refuse a live one: the room cap counts what the memory
    // store would hold, and the retention is what room is left beyond it.
    const replaced = this.rooms.size >= maxRooms ? this.longestEmpty() : undefined
    if (this.rooms.size >= maxRooms && !replaced) return 'server-full' as const
    const emptySince = this.now()
    const stored: StoredRoom = { record: room, members: new Map(), names: new Map(), memberIdByTokenHash: new Map(), lastSeq: 0, emptySince, sentCounts: new Map(), bans: new Map() }
    await tx.run(() => {
      if (replaced) this.deleteRoom(sql, replaced.record.id)
      sql.insertRoom.run(room.id, room.passwordHash, room.createdAt, emptySince, room.title, room.visibility, room.ownerId, room.private ? JSON.stringify(room.private) : null)
      this.rooms.set(room.id, stored)
    }, () => {
      this.rooms.delete(room.id)
      if (replaced) this.rooms.set(replaced.record.id, replaced)
    })
    if (replaced) this.options.log(`room ${replaced.record.id} removed after standing empty since ${new Date(replaced.emptySince!).toISOString()}: the server holds ${maxRooms} rooms`)
    return { room, created: true }
  }

  async getRoom(roomId: string) {
    this.require()
    return this.rooms.get(roomId)?.record
  }

  async openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number) {
    const { sql, tx } = this.require()
    const pair = `${room.private.originRoomId}\u0000${pairKeyOf(room.private)}`
    const id = this.privatePairs.get(pair) ?? room.id
    const existing = this.rooms.get(id)
    if (existing?.record.private) {
      const before = existing.record
      const record = { ...before, private: withSeatTokens(before.private!, room.private) }
      await tx.run(() => {
        sql.setPrivate.run(JSON.stringify(record.private), id)
        existing.record = record
      }, () => existing.record = before)
      return { room: record, created: false }
    }
    if (existing) throw new Error(`room ${id} is not a private room`)
    const opened = await this.ensureRoom({ ...room, id }, maxRooms)
    if (opened !== 'server-full') this.privatePairs.set(pair, id)
    return opened
  }

  async listRoomIds() {
    this.require()
    return [...this.rooms.keys()]
  }

  async countRooms() {
    this.require()
    return this.rooms.size
  }

  // One process owns the file: it always sweeps its own rooms.
  async claimIdleSweep() {
    return true
  }

  /** Removes the room once it has stood empty for the retention time. */
  async deleteRoomIfEmpty(roomId: string) {
    const { sql, tx } = this.require()
    const room = this.rooms.get(roomId)
    if (!room || room.members.size > 0) return false
    if (room.emptySince !== undefined && this.now() - room.emptySince < this.options.emptyRoomRetentionMs) return false
    return tx.run(() => this.deleteRoom(sql, roomId), () => this.rooms.set(roomId, room))
  }

  async setTitle(roomId: string, title: string) {
    const { sql, tx } = this.require()
    const room = this.rooms.get(roomId)
    if (!room) return false
    const before = room.record
    await tx.run(() => {
      sql.setTitle.run(title, roomId)
      room.record = { ...before, title }
    }, () => room.record = before)
    return true
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const { sql, tx } = this.require()
    const room = this.requireRoom(member.roomId)
    if (!isNameFree(room, member)) return 'name-taken' as const
    if (room.members.size >= maxMembers) return 'room-full' as const
    const emptySince = room.emptySince
    await tx.run(() => {
      sql.insertMember.run(room.record.id, member.id, member.name, member.tokenHash, member.joinedAt, member.addressHash ?? null, member.browserHash ?? null)
      if (emptySince !== undefined) sql.setEmptySince.run(null, room.record.id)
      this.rememberMember(room, { ...member })
      room.emptySince = undefined
    }, () => {
      this.forgetMember(room, room.members.get(member.id)!)
      room.emptySince = emptySince
    })
    return 'added' as const
  }

  async findMemberByTokenHash(roomId: string, tokenHash: string) {
    this.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(room.memberIdByTokenHash.get(tokenHash) ?? '')
    return member && { ...member }
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const { sql, tx } = this.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    const before = member.tokenHash
    const swap = (from: string, to: string) => {
      room.memberIdByTokenHash.delete(from)
      room.memberIdByTokenHash.set(to, memberId)
      member.tokenHash = to
    }
    await tx.run(() => {
      sql.setMemberToken.run(tokenHash, roomId, memberId)
      swap(before, tokenHash)
    }, () => swap(tokenHash, before))
    return { ...member }
  }

  async listMembers(roomId: string) {
    this.require()
    return [...(this.rooms.get(roomId)?.members.values() ?? [])].map(member => ({ ...member }))
  }

  async listMembersSilentSince(roomId: string, cutoff: number) {
    this.require()
    const silent: MemberRecord[] = []
    for (const member of this.rooms.get(roomId)?.members.values() ?? []) {
      if (member.offline || member.lastSeenAt < cutoff) silent.push({ ...member })
    }
    return silent
  }

  async listMembersSeenBefore(roomId: string, cutoff: number, since = -Infinity) {
    this.require()
    return [...this.rooms.get(roomId)?.members.values() ?? []].filter(member => member.lastSeenAt < cutoff && member.lastSeenAt >= since).map(member => ({ ...member }))
  }

  async countMembers(roomId: string) {
    this.require()
    return this.rooms.get(roomId)?.members.size ?? 0
  }

  async removeMember(roomId: string, memberId: string) {
    const { sql, tx } = this.require()
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    const emptiedAt = this.now()
    await tx.run(() => {
      sql.deleteMember.run(roomId, memberId)
      sql.deleteMemberSent.run(roomId, memberId)
      if (room.members.size === 1) sql.setEmptySince.run(emptiedAt, roomId)
      this.forgetMember(room, member)
      if (room.members.size === 0) room.emptySince = emptiedAt
    }, () => {
      this.rememberMember(room, member)
      room.emptySince = undefined
    })
    return { ...member }
  }

  // The bans and the removal are written in this turn's one transaction.
  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const { sql, tx } = this.require()
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

  async bannedUntil(roomId: string, keys: string[], now: number) {
    this.require()
    return bannedUntil(this.rooms.get(roomId)?.bans, keys, now)
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

  // Presence is live state: heartbeats and offline marks never touch the file.
  async touchMember(roomId: string, memberId: string, at: number) {
    const member = this.memberOf(roomId, memberId)
    if (!member) return undefined
    const before = { ...member }
    member.lastSeenAt = Math.max(member.lastSeenAt, at)
    member.offline = false
    return before
  }

  async markOffline(roomId: string, memberId: string) {
    const member = this.memberOf(roomId, memberId)
    if (!member) return undefined
    const before = { ...member }
    member.offline = true
    return before
  }

  async releaseMember(roomId: string, memberId: string) {
    const before = await this.markOffline(roomId, memberId)
    return before && { before, offline: true }
  }

  async appendMessage(message: NewChatMessage) {
    const { sql, tx } = this.require()
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
    const sentBefore = message.clientId ? this.sentCount(room, memberId) : 0
    const stored = await tx.run(() => {
      const seq = room.lastSeq + 1
      const stored: ChatMessage = { ...message, seq }
      const body = JSON.stringify(stored)
      sql.insertMessage.run(room.record.id, seq, body)
      sql.trimMessages.run(room.record.id, seq - this.options.historyLimit)
      if (message.clientId) {
        sql.insertSent.run(room.record.id, memberId, seq, message.clientId, body)
        if (sentBefore >= CLIENT_IDS_PER_MEMBER) sql.deleteOldestSent.run(room.record.id, memberId, room.record.id, memberId)
        room.sentCounts.set(memberId, Math.min(sentBefore + 1, CLIENT_IDS_PER_MEMBER))
      }
      room.lastSeq = seq
      return stored
    }, (stored) => {
      room.lastSeq = stored.seq - 1
      if (message.clientId) room.sentCounts.set(memberId, sentBefore)
    })
    // Events of one room go out in seq order: commits settle in order.
    this.handler(message.roomId, { kind: 'chat', message: stored })
    return { message: stored, duplicate: false }
  }

  async recentMessages(roomId: string, limit: number) {
    const { sql } = this.require()
    return sql.recentMessages.all(roomId, limit).reverse().map(body => JSON.parse(body) as ChatMessage)
  }

  async messagesAfter(roomId: string, afterSeq: number, limit = -1) {
    const { sql } = this.require()
    const room = this.rooms.get(roomId)
    if (!room) return undefined
    if (afterSeq >= room.lastSeq) return afterSeq === room.lastSeq ? [] : undefined
    const oldestHeld = sql.oldestSeq.get(roomId) ?? room.lastSeq + 1
    if (oldestHeld > afterSeq + 1) return undefined
    // Newest first, so that a limit keeps the newest; SQLite reads a negative LIMIT as none.
    return sql.messagesAfter.all(roomId, afterSeq, limit).reverse().map(body => JSON.parse(body) as ChatMessage)
  }

  async messagesBefore(roomId: string, beforeSeq: number, limit: number) {
    const { sql } = this.require()
    const page = sql.messagesBefore.all(roomId, beforeSeq, limit + 1)
    return { messages: page.slice(0, limit).reverse().map(body => JSON.parse(body) as ChatMessage), hasMore: page.length > limit }
  }

  async findMessage(roomId: string, messageId: string) {
    const { sql } = this.require()
    const row = sql.messageById.get(roomId, messageId)
    return row && JSON.parse(row.body) as ChatMessage
  }

  async toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string) {
    return this.changeMessage(roomId, messageId, reactionToggle(messageId, memberId, emoji))
  }

  async editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number) {
    return this.changeMessage(roomId, messageId, textEdit(messageId, authorId, text, editedAt))
  }

  async deleteMessage(roomId: string, messageId: string, memberId: string) {
    return this.changeMessage(roomId, messageId, deletion(messageId, memberId, this.rooms.get(roomId)?.record.ownerId ?? ''))
  }

  // Read and written in one step of this turn's transaction, so two changes
  // of one message in the same turn build on each other; the room hears of
  // it once it is on disk.
  private async changeMessage(roomId: string, messageId: string, { apply, event }: MessageChange): Promise<ChatMessage | MessageChangeRefusal> {
    const { sql, tx } = this.require()
    const result = await tx.run(() => {
      const row = sql.messageById.get(roomId, messageId)
      if (!row) return 'not-found' as const
      const before = JSON.parse(row.body) as ChatMessage
      const changed = apply(before)
      if (typeof changed === 'string') return changed
      const body = JSON.stringify(changed)
      sql.updateMessage.run(body, roomId, row.seq)
      // The dedupe window holds the message as sent: an edit or a delete leaves no copy of the old words there.
      if (before.clientId && changedWords(before, changed)) sql.updateSent.run(body, roomId, before.from.id, row.seq)
      if (changedWords(before, changed)) {
        for (const reply of sql.repliesTo.all(roomId, messageId)) {
          const requoted = withQuoteOf(JSON.parse(reply.body) as ChatMessage, changed)
          const requotedBody = JSON.stringify(requoted)
          sql.updateMessage.run(requotedBody, roomId, reply.seq)
          if (requoted.clientId) sql.updateSent.run(requotedBody, roomId, requoted.from.id, reply.seq)
        }
      }
      return changed
    })
    if (typeof result !== 'string') this.handler(roomId, event(result))
    return result
  }

  private tryOpen(atStart: boolean): void {
    let file: OpenedDatabase | undefined
    try {
      file = openDatabase(this.options.file)
      const sql = prepareStatements(file.db)
      this.load(sql)
      const tx = new TickTransaction(file.db, error => this.onOutcome(error))
      const db = file.db
      const checkpointer = startCheckpointer({
        file: this.options.file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        restartBytes: LOG_RESTART_BYTES,
        // The last few frames, so that the transaction right after finds them all copied and starts the log over.
        onCaughtUp: () => tx.beforeNextBegin = () => db.pragma('wal_checkpoint(PASSIVE)'),
        onError: error => this.onCheckpoint(error),
      })
      this.open = { file, sql, checkpointer, tx }
      if (this.state !== 'ready') this.options.log(`rooms are kept in ${this.options.file}`)
      this.state = 'ready'
      clearInterval(this.retryTimer)
      this.retryTimer = undefined
    }
    catch (error) {
      file?.close()
      if (error instanceof DatabaseFileError && atStart) throw error
      this.unavailable(error, 'cannot open')
      // A file found wrong only on a retry (it could not be read at start):
      // leave it alone, and say so once.
      if (error instanceof DatabaseFileError) clearInterval(this.retryTimer)
    }
  }

  private load(sql: Statements): void {
    this.rooms.clear()
    for (const row of sql.allRooms.all()) {
      const record = roomRecordOf(row)
      this.rooms.set(row.id, { record, members: new Map(), names: new Map(), memberIdByTokenHash: new Map(), lastSeq: 0, emptySince: row.empty_since ?? undefined, sentCounts: new Map(), bans: new Map() })
    }
    for (const row of sql.allBans.all(this.now())) this.rooms.get(row.room_id)?.bans.set(row.key, row.until)
    this.privatePairs.clear()
    for (const { record } of this.rooms.values()) {
      if (record.private) this.privatePairs.set(`${record.private.originRoomId}\u0000${pairKeyOf(record.private)}`, record.id)
    }
    // Every member comes back offline and seen now: it counts as online again
    // once it pings, and has the full member TTL to come back after the restart.
    const now = this.now()
    for (const row of sql.allMembers.all()) {
      const room = this.rooms.get(row.room_id)
      if (room) this.rememberMember(room, { id: row.id, roomId: row.room_id, name: row.name, tokenHash: row.token_hash, joinedAt: row.joined_at, lastSeenAt: now, offline: true, ...(row.address_hash ? { addressHash: row.address_hash } : {}), ...(row.browser_hash ? { browserHash: row.browser_hash } : {}) })
    }
    for (const room of this.rooms.values()) room.lastSeq = sql.lastSeq.get(room.record.id) ?? 0
  }

  // A checkpoint that fails (a full disk) leaves the log to grow; commits go on.
  private lastCheckpointError: string | undefined

  private onCheckpoint(error: string | undefined): void {
    if (error && error !== this.lastCheckpointError) this.options.log(`checkpoint of ${this.options.file} failed: ${error}`)
    this.lastCheckpointError = error
  }

  private onOutcome(error: unknown): void {
    if (error === undefined) {
      if (this.state === 'ready') return
      this.options.log(`${this.options.file} takes writes again`)
      this.state = 'ready'
      clearInterval(this.retryTimer)
      this.retryTimer = undefined
      for (const { roomId, memberId } of this.pendingUndos.splice(0)) void this.undoAddMember(roomId, memberId)
      return
    }
    if (isDiskError(error)) this.unavailable(error, 'cannot write')
    else this.options.log(`a write to ${this.options.file} failed: ${String(error)}`)
  }

  // While the disk refuses writes, one timer tries again: a write that
  // changes nothing but still needs the disk, or opening the file anew.
  private unavailable(error: unknown, doing: string): void {
    const message = `${doing} ${this.options.file}: ${error instanceof Error ? error.message : String(error)}`
    if (this.state === 'ready' || message !== this.lastError) this.options.log(`${message}; writes get UNAVAILABLE until it works again`)
    this.lastError = message
    this.state = 'unavailable'
    if (this.retryTimer || this.closed) return
    this.retryTimer = setInterval(() => this.retry(), this.options.retryIntervalMs ?? 1000)
    this.retryTimer.unref?.()
  }

  private retry(): void {
    if (!this.open) return this.tryOpen(false)
    const { file, tx } = this.open
    tx.run(() => file.db.pragma(`user_version = ${SCHEMA_VERSION}`)).catch(() => {})
  }

  private deleteRoom(sql: Statements, roomId: string): boolean {
    const ended = this.rooms.get(roomId)?.record.private
    if (ended) this.privatePairs.delete(`${ended.originRoomId}\u0000${pairKeyOf(ended)}`)
    for (const statement of [sql.deleteRoom, sql.deleteRoomMembers, sql.deleteRoomMessages, sql.deleteRoomSent, sql.deleteRoomBans]) statement.run(roomId)
    return this.rooms.delete(roomId)
  }

  /** The room empty the longest, if one has been empty past the grace. A scan, but only at the room cap. */
  private longestEmpty(): StoredRoom | undefined {
    const cutoff = this.now() - (this.options.emptyRoomGraceMs ?? 30_000)
    let oldest: StoredRoom | undefined
    for (const room of this.rooms.values()) {
      if (room.members.size > 0 || room.emptySince === undefined || room.emptySince > cutoff) continue
      if (!oldest || room.emptySince < oldest.emptySince!) oldest = room
    }
    return oldest
  }

  private require(): Open {
    if (!this.open) throw new StoreUnavailableError(this.lastError || `${this.options.file} is not open`)
    return this.open
  }

  private requireRoom(roomId: string): StoredRoom {
    const room = this.rooms.get(roomId)
    if (!room) throw new Error(`room ${roomId} does not exist`)
    return room
  }

  private memberOf(roomId: string, memberId: string): MemberRecord | undefined {
    this.require()
    return this.rooms.get(roomId)?.members.get(memberId)
  }

  private sentCount(room: StoredRoom, memberId: string): number {
    let count = room.sentCounts.get(memberId)
    if (count === undefined) room.sentCounts.set(memberId, count = this.require().sql.countSent.get(room.record.id, memberId) ?? 0)
    return count
  }

  private rememberMember(room: StoredRoom, member: MemberRecord): void {
    room.members.set(member.id, member)
    for (const key of nameKeys(member.name)) room.names.set(key, member.id)
    room.memberIdByTokenHash.set(member.tokenHash, member.id)
  }

  private forgetMember(room: StoredRoom, member: MemberRecord): void {
    room.members.delete(member.id)
    for (const key of nameKeys(member.name)) {
      if (room.names.get(key) === member.id) room.names.delete(key)
    }
    room.memberIdByTokenHash.delete(member.tokenHash)
    room.sentCounts.delete(member.id)
  }
}

// A room made before rooms had titles and owners shows its id and has no owner.
function roomRecordOf(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    title: row.title || row.id,
    visibility: row.visibility === 'public' ? 'public' : 'unlisted',
    ownerId: row.owner_id,
    ...(row.private ? { private: JSON.parse(row.private) as PrivateRoom } : {}),
  }
}
