import type { ChatMessage } from '../../shared/protocol'
import { addBans, banKeysOf, bannedUntil } from './bans'
import { changedWords, deletion, reactionToggle, textEdit, withQuoteOf } from './message-changes'
import type { MessageChange } from './message-changes'
import { isNameFree, nameKeys } from './name-keys'
import { pairKeyOf, withSeatTokens } from './private-rooms'
import { CLIENT_IDS_PER_MEMBER } from './types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, PrivateRoom, RoomEvent, RoomRecord, RoomStore } from './types'

interface MemoryRoom {
  record: RoomRecord
  members: Map<string, MemberRecord>
  /** nameKeys of current members -> member id, for the uniqueness check. */
  names: Map<string, string>
  memberIdByTokenHash: Map<string, string>
  /** memberId -> clientId -> the message it produced, oldest first. */
  sentByClientId: Map<string, Map<string, ChatMessage>>
  history: ChatMessage[]
  lastSeq: number
  /** Ban key -> until: members the owner removed (bans.ts). */
  bans: Map<string, number>
}

/** The default store: one process, nothing survives a restart. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, MemoryRoom>()
  /** originRoomId \0 pair key -> the pair's private room. */
  private readonly privatePairs = new Map<string, string>()
  private handler: (roomId: string, event: RoomEvent) => void = () => {}

  constructor(private readonly historyLimit = 500) {}

  health() {
    return { kind: 'memory', state: 'ready' as const }
  }

  isUnavailableError() {
    return false
  }

  async close() {}

  onEvent(handler: (roomId: string, event: RoomEvent) => void) {
    this.handler = handler
  }

  // One process hears everything it publishes: nothing to subscribe to.
  async subscribe() {}

  async unsubscribe() {}

  async publish(roomId: string, event: RoomEvent) {
    this.handler(roomId, event)
  }

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const existing = this.rooms.get(room.id)
    if (existing) return { room: existing.record, created: false }
    if (this.rooms.size >= maxRooms) return 'server-full' as const
    this.rooms.set(room.id, {
      record: room,
      members: new Map(),
      names: new Map(),
      memberIdByTokenHash: new Map(),
      sentByClientId: new Map(),
      history: [],
      lastSeq: 0,
      bans: new Map(),
    })
    return { room, created: true }
  }

  async getRoom(roomId: string) {
    return this.rooms.get(roomId)?.record
  }

  async openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number) {
    const pair = `${room.private.originRoomId}\u0000${pairKeyOf(room.private)}`
    const id = this.privatePairs.get(pair) ?? room.id
    const existing = this.rooms.get(id)
    if (existing?.record.private) {
      existing.record = { ...existing.record, private: withSeatTokens(existing.record.private, room.private) }
      return { room: existing.record, created: false }
    }
    if (existing) throw new Error(`room ${id} is not a private room`)
    const opened = await this.ensureRoom({ ...room, id }, maxRooms)
    if (opened !== 'server-full') this.privatePairs.set(pair, id)
    return opened
  }

  async listRoomIds() {
    return [...this.rooms.keys()]
  }

  async countRooms() {
    return this.rooms.size
  }

  // One process: sweeping its own memory costs no round trips.
  async claimIdleSweep() {
    return true
  }

  async deleteRoomIfEmpty(roomId: string) {
    const room = this.rooms.get(roomId)
    if (!room || room.members.size > 0) return false
    const ended = room.record.private
    if (ended) this.privatePairs.delete(`${ended.originRoomId}\u0000${pairKeyOf(ended)}`)
    return this.rooms.delete(roomId)
  }

  async setTitle(roomId: string, title: string) {
    const room = this.rooms.get(roomId)
    if (room) room.record = { ...room.record, title }
    return room !== undefined
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const room = this.requireRoom(member.roomId)
    if (!isNameFree(room, member)) return 'name-taken' as const
    if (room.members.size >= maxMembers) return 'room-full' as const
    for (const key of nameKeys(member.name)) room.names.set(key, member.id)
    room.memberIdByTokenHash.set(member.tokenHash, member.id)
    room.members.set(member.id, { ...member })
    return 'added' as const
  }

  async findMemberByTokenHash(roomId: string, tokenHash: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(room.memberIdByTokenHash.get(tokenHash) ?? '')
    return member && { ...member }
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    room.memberIdByTokenHash.delete(member.tokenHash)
    room.memberIdByTokenHash.set(tokenHash, memberId)
    member.tokenHash = tokenHash
    return { ...member }
  }

  async listMembersSilentSince(roomId: string, cutoff: number) {
    const silent: MemberRecord[] = []
    for (const member of this.rooms.get(roomId)?.members.values() ?? []) {
      if (member.offline || member.lastSeenAt < cutoff) silent.push({ ...member })
    }
    return silent
  }

  async listMembersSeenBefore(roomId: string, cutoff: number, since = -Infinity) {
    return [...this.rooms.get(roomId)?.members.values() ?? []].filter(member => member.lastSeenAt < cutoff && member.lastSeenAt >= since).map(member => ({ ...member }))
  }

  async countMembers(roomId: string) {
    return this.rooms.get(roomId)?.members.size ?? 0
  }

  async listMembers(roomId: string) {
    return [...(this.rooms.get(roomId)?.members.values() ?? [])].map(member => ({ ...member }))
  }

  async removeMember(roomId: string, memberId: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    this.drop(room, member)
    return member
  }

  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    addBans(room.bans, banKeysOf(member, blockNetwork), until, now)
    this.drop(room, member)
    return member
  }

  async bannedUntil(roomId: string, keys: string[], now: number) {
    return bannedUntil(this.rooms.get(roomId)?.bans, keys, now)
  }

  async undoAddMember(roomId: string, memberId: string) {
    await this.removeMember(roomId, memberId)
  }

  async touchMember(roomId: string, memberId: string, at: number) {
    const member = this.rooms.get(roomId)?.members.get(memberId)
    if (!member) return undefined
    const before = { ...member }
    member.lastSeenAt = Math.max(member.lastSeenAt, at)
    member.offline = false
    return before
  }

  async markOffline(roomId: string, memberId: string) {
    const member = this.rooms.get(roomId)?.members.get(memberId)
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
    const room = this.rooms.get(message.roomId)
    if (!room) return 'no-room' as const
    if (!room.members.has(message.from.id)) return 'not-a-member' as const
    const sent = message.clientId ? this.sentBy(room, message.from.id) : undefined
    const original = message.clientId ? sent?.get(message.clientId) : undefined
    if (original) return { message: original, duplicate: true }
    const stored: ChatMessage = { ...message, seq: ++room.lastSeq }
    room.history.push(stored)
    if (room.history.length > this.historyLimit) room.history.splice(0, room.history.length - this.historyLimit)
    if (sent && message.clientId) {
      sent.set(message.clientId, stored)
      if (sent.size > CLIENT_IDS_PER_MEMBER) sent.delete(sent.keys().next().value!)
    }
    this.handler(message.roomId, { kind: 'chat', message: stored })
    return { message: stored, duplicate: false }
  }

  async recentMessages(roomId: string, limit: number) {
    return this.rooms.get(roomId)?.history.slice(-limit) ?? []
  }

  async messagesAfter(roomId: string, afterSeq: number, limit = Infinity) {
    const room = this.rooms.get(roomId)
    if (!room) return undefined
    if (afterSeq >= room.lastSeq) return afterSeq === room.lastSeq ? [] : undefined
    const oldestHeld = room.history[0]?.seq ?? room.lastSeq + 1
    if (oldestHeld > afterSeq + 1) return undefined
    return room.history.slice(Math.max(afterSeq + 1 - oldestHeld, room.history.length - limit))
  }

  async messagesBefore(roomId: string, beforeSeq: number, limit: number) {
    const history = this.rooms.get(roomId)?.history ?? []
    // Held seqs are consecutive: the index of a seq is its distance from the oldest.
    const end = Math.max(0, Math.min(history.length, beforeSeq - (history[0]?.seq ?? 0)))
    const start = Math.max(0, end - limit)
    return { messages: history.slice(start, end), hasMore: start > 0 }
  }

  async findMessage(roomId: string, messageId: string) {
    return this.rooms.get(roomId)?.history.find(message => message.id === messageId)
  }

  async toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string) {
    return this.change(roomId, messageId, reactionToggle(messageId, memberId, emoji))
  }

  async editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number) {
    return this.change(roomId, messageId, textEdit(messageId, authorId, text, editedAt))
  }

  async deleteMessage(roomId: string, messageId: string, memberId: string) {
    return this.change(roomId, messageId, deletion(messageId, memberId, this.rooms.get(roomId)?.record.ownerId ?? ''))
  }

  // The held message is replaced, not mutated: a copy handed out earlier stays as it was.
  private change(roomId: string, messageId: string, { apply, event }: MessageChange): ChatMessage | MessageChangeRefusal {
    const history = this.rooms.get(roomId)?.history
    const index = history?.findIndex(message => message.id === messageId) ?? -1
    if (!history || index < 0) return 'not-found'
    const before = history[index]!
    const changed = apply(before)
    if (typeof changed === 'string') return changed
    history[index] = changed
    // The dedupe window holds the message as sent: an edit or a delete leaves no copy of the old words there.
    const sent = before.clientId && changedWords(before, changed) ? this.rooms.get(roomId)?.sentByClientId.get(before.from.id) : undefined
    if (sent?.has(before.clientId!)) sent.set(before.clientId!, changed)
    if (changedWords(before, changed)) this.requote(this.rooms.get(roomId)!, index, changed)
    this.handler(roomId, event(changed))
    return changed
  }

  // Replies come after what they quote: only the later part of the history is read.
  private requote(room: MemoryRoom, quotedIndex: number, quoted: ChatMessage): void {
    for (let index = quotedIndex + 1; index < room.history.length; index++) {
      const reply = room.history[index]!
      if (reply.replyTo?.id !== quoted.id) continue
      room.history[index] = withQuoteOf(reply, quoted)
      const sent = reply.clientId ? room.sentByClientId.get(reply.from.id) : undefined
      if (sent?.has(reply.clientId!)) sent.set(reply.clientId!, room.history[index]!)
    }
  }

  // Synchronous, so that a name check and the removal it leads to are one step.
  private drop(room: MemoryRoom, member: MemberRecord): void {
    room.members.delete(member.id)
    for (const key of nameKeys(member.name)) {
      if (room.names.get(key) === member.id) room.names.delete(key)
    }
    room.memberIdByTokenHash.delete(member.tokenHash)
    room.sentByClientId.delete(member.id)
  }

  private sentBy(room: MemoryRoom, memberId: string): Map<string, ChatMessage> {
    let sent = room.sentByClientId.get(memberId)
    if (!sent) room.sentByClientId.set(memberId, sent = new Map())
    return sent
  }

  private requireRoom(roomId: string): MemoryRoom {
    const room = this.rooms.get(roomId)
    if (!room) throw new Error(`room ${roomId} does not exist`)
    return room
  }
}
