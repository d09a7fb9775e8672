import type Database from 'better-sqlite3'
import { NO_SETTINGS } from '../conversation/room-settings'
import type { ConversationSettings } from '../conversation/room-settings'
import type { MemberRecord, PrivateRoom, RoomRecord } from '../types'

export interface RoomRow { id: string, password_hash: string | null, created_at: number, empty_since: number | null, title: string, visibility: string, owner_id: string, private: string | null, conversation: string | null, e2ee_salt: string | null }
export interface MemberRow { room_id: string, id: string, name: string, token_hash: string, joined_at: number, address_hash: string | null, browser_hash: string | null }

/** Every statement the store runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    allRooms: db.prepare<[], RoomRow>('SELECT id, password_hash, created_at, empty_since, title, visibility, owner_id, private, conversation, e2ee_salt FROM rooms'),
    allMembers: db.prepare<[], MemberRow>('SELECT room_id, id, name, token_hash, joined_at, address_hash, browser_hash FROM members'),
    allBans: db.prepare<[number], { room_id: string, key: string, until: number }>('SELECT room_id, key, until FROM bans WHERE until > ?'),
    lastSeq: db.prepare<[string], number | null>('SELECT MAX(seq) FROM messages WHERE room_id = ?').pluck(),

    insertRoom: db.prepare<[string, string | null, number, number, string, string, string, string | null, string | null]>('INSERT INTO rooms (id, password_hash, created_at, empty_since, title, visibility, owner_id, private, e2ee_salt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    setEmptySince: db.prepare<[number | null, string]>('UPDATE rooms SET empty_since = ? WHERE id = ?'),
    deleteRoom: db.prepare<[string]>('DELETE FROM rooms WHERE id = ?'),
    deleteRoomMembers: db.prepare<[string]>('DELETE FROM members WHERE room_id = ?'),
    deleteRoomMessages: db.prepare<[string]>('DELETE FROM messages WHERE room_id = ?'),
    deleteRoomSent: db.prepare<[string]>('DELETE FROM sent WHERE room_id = ?'),
    deleteRoomBans: db.prepare<[string]>('DELETE FROM bans WHERE room_id = ?'),
    setConversation: db.prepare<[string, string]>('UPDATE rooms SET conversation = ? WHERE id = ?'),
    setRecord: db.prepare<[string, string | null, string]>('UPDATE rooms SET title = ?, private = ? WHERE id = ?'),
    upsertBan: db.prepare<[string, string, number]>('INSERT INTO bans (room_id, key, until) VALUES (?, ?, ?) ON CONFLICT (room_id, key) DO UPDATE SET until = MAX(until, excluded.until)'),
    deleteBan: db.prepare<[string, string]>('DELETE FROM bans WHERE room_id = ? AND key = ?'),

    insertMember: db.prepare<[string, string, string, string, number, string | null, string | null]>('INSERT INTO members (room_id, id, name, token_hash, joined_at, address_hash, browser_hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    deleteMember: db.prepare<[string, string]>('DELETE FROM members WHERE room_id = ? AND id = ?'),
    setMemberToken: db.prepare<[string, string, string]>('UPDATE members SET token_hash = ? WHERE room_id = ? AND id = ?'),
    deleteMemberSent: db.prepare<[string, string]>('DELETE FROM sent WHERE room_id = ? AND member_id = ?'),

    insertMessage: db.prepare<[string, number, string]>('INSERT INTO messages (room_id, seq, body) VALUES (?, ?, ?)'),
    trimMessages: db.prepare<[string, number]>('DELETE FROM messages WHERE room_id = ? AND seq <= ?'),
    recentMessages: db.prepare<[string, number], string>('SELECT body FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?').pluck(),
    oldestSeq: db.prepare<[string], number | null>('SELECT MIN(seq) FROM messages WHERE room_id = ?').pluck(),
    messagesAfter: db.prepare<[string, number, number], string>('SELECT body FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?').pluck(),
    messagesBefore: db.prepare<[string, number, number], string>('SELECT body FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').pluck(),
    // One probe of messages_by_id (schema.ts), never a scan: without the index (or with
    // an expression that is not the index's, word for word) the statement fails to prepare.
    messageById: db.prepare<[string, string], { seq: number, body: string }>('SELECT seq, body FROM messages INDEXED BY messages_by_id WHERE room_id = ? AND json_extract(body, \'$.id\') = ? ORDER BY seq DESC LIMIT 1'),
    updateMessage: db.prepare<[string, string, number]>('UPDATE messages SET body = ? WHERE room_id = ? AND seq = ?'),
    // One range of messages_by_thread each: the main timeline, then one thread.
    mainTimelineBefore: db.prepare<[string, number, number], string>('SELECT body FROM messages INDEXED BY messages_by_thread WHERE room_id = ? AND json_extract(body, \'$.threadId\') IS NULL AND seq < ? ORDER BY seq DESC LIMIT ?').pluck(),
    threadBefore: db.prepare<[string, string, number, number], string>('SELECT body FROM messages INDEXED BY messages_by_thread WHERE room_id = ? AND json_extract(body, \'$.threadId\') = ? AND seq < ? ORDER BY seq DESC LIMIT ?').pluck(),
    repliesTo: db.prepare<[string, string], { seq: number, body: string }>('SELECT seq, body FROM messages INDEXED BY messages_by_reply WHERE room_id = ? AND json_extract(body, \'$.replyTo.id\') = ?'),

    // The trigram index's matches first (CROSS JOIN keeps that order: led by
    // search_rows' room and seq index instead, SQLite would probe the index
    // once per message of the room), then this room's, newest first.
    searchMessages: db.prepare<[string, string, number, number], string>(`SELECT messages.body
      FROM (SELECT rowid AS id FROM message_search WHERE message_search MATCH ?) AS hits
      CROSS JOIN search_rows ON search_rows.rowid = hits.id
      CROSS JOIN messages ON messages.room_id = search_rows.room_id AND messages.seq = search_rows.seq
      WHERE search_rows.room_id = ? AND search_rows.seq < ?
      ORDER BY search_rows.seq DESC LIMIT ?`).pluck(),

    sentByClientId: db.prepare<[string, string, string], string>('SELECT body FROM sent WHERE room_id = ? AND member_id = ? AND client_id = ?').pluck(),
    countSent: db.prepare<[string, string], number>('SELECT COUNT(*) FROM sent WHERE room_id = ? AND member_id = ?').pluck(),
    insertSent: db.prepare<[string, string, number, string, string]>('INSERT INTO sent (room_id, member_id, seq, client_id, body) VALUES (?, ?, ?, ?, ?)'),
    // The dedupe window's copy of a message that was edited or deleted: it keeps no old words.
    updateSent: db.prepare<[string, string, string, number]>('UPDATE sent SET body = ? WHERE room_id = ? AND member_id = ? AND seq = ?'),
    deleteOldestSent: db.prepare<[string, string, string, string]>('DELETE FROM sent WHERE room_id = ? AND member_id = ? AND seq = (SELECT MIN(seq) FROM sent WHERE room_id = ? AND member_id = ?)'),
  }
}

export type Statements = ReturnType<typeof prepareStatements>

export function conversationSettingsOf(row: RoomRow): ConversationSettings {
  return row.conversation ? JSON.parse(row.conversation) as ConversationSettings : NO_SETTINGS
}

// A room made before rooms had titles and owners shows its id and has no owner.
export function roomRecordOf(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    title: row.title || row.id,
    visibility: row.visibility === 'public' ? 'public' : 'unlisted',
    ownerId: row.owner_id,
    ...(row.private ? { private: JSON.parse(row.private) as PrivateRoom } : {}),
    ...(row.e2ee_salt ? { e2eeSalt: row.e2ee_salt } : {}),
  }
}

// Every member comes back seen now (and offline: no process holds it): online again
// once it pings, and has the full member TTL to come back after the restart.
export function memberRecordOf(row: MemberRow, now: number): MemberRecord {
  return { id: row.id, roomId: row.room_id, name: row.name, tokenHash: row.token_hash, joinedAt: row.joined_at, lastSeenAt: now, ...(row.address_hash ? { addressHash: row.address_hash } : {}), ...(row.browser_hash ? { browserHash: row.browser_hash } : {}) }
}
