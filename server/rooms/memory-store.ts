import type { ChatMessage } from '../../shared/protocol'
import { addBans, banKeysOf } from './bans'
import { forgetMember, InProcessRooms, newInProcessRoom, refusalOf, rememberMember, swapToken } from './in-process-rooms'
import type { InProcessRoom } from './in-process-rooms'
import { changedWords, withQuoteOf } from './message-changes'
import type { MessageChange } from './message-changes'
import { newestFirst, scanForMatches } from './conversation/message-search'
import type { SearchQuery } from './conversation/message-search'
import { takeSlowModeTurn } from './conversation/room-settings'
import { mayHoldThread, timelinePage, withReplyCounted } from './conversation/threads'
import type { ConversationSettings } from './conversation/room-settings'
import { CLIENT_IDS_PER_MEMBER } from './types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, RoomRecord, RoomStore } from './types'

/** The in-process model plus the history; `sent` holds each member's clientId -> the message it produced, oldest first. */
interface MemoryRoom extends InProcessRoom<Map<string, ChatMessage>> {
  history: ChatMessage[]
}

/** The default store: one process, nothing survives a restart. */
export class MemoryRoomStore extends InProcessRooms<MemoryRoom> implements RoomStore {
  constructor(private readonly historyLimit = 500) {
    super()
  }

  health() {
    return { kind: 'memory', state: 'ready' as const }
  }

  isUnavailableError() {
    return false
  }

  async close() {}

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const existing = this.rooms.get(room.id)
    if (existing) return { room: existing.record, created: false }
    if (this.rooms.size >= maxRooms) return 'server-full' as const
    this.holdRoom({ ...newInProcessRoom<Map<string, ChatMessage>>(room), history: [] })
    return { room, created: true }
  }

  protected async replaceRecord(room: MemoryRoom, record: RoomRecord) {
    room.record = record
  }

  protected async replaceSettings(room: MemoryRoom, settings: ConversationSettings) {
    room.settings = settings
  }

  async deleteRoomIfEmpty(roomId: string) {
    const room = this.rooms.get(roomId)
    if (!room || room.members.size > 0) return false
    return this.releaseRoom(roomId)
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const room = this.requireRoom(member.roomId)
    const refusal = refusalOf(room, member, maxMembers)
    if (refusal) return refusal
    rememberMember(room, { ...member })
    return 'added' as const
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    swapToken(room, member, tokenHash)
    return { ...member }
  }

  async removeMember(roomId: string, memberId: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    forgetMember(room, member)
    return member
  }

  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    addBans(room.bans, banKeysOf(member, blockNetwork), until, now)
    forgetMember(room, member)
    return member
  }

  async undoAddMember(roomId: string, memberId: string) {
    await this.removeMember(roomId, memberId)
  }

  async appendMessage(message: NewChatMessage) {
    const room = this.rooms.get(message.roomId)
    if (!room) return 'no-room' as const
    if (!room.members.has(message.from.id)) return 'not-a-member' as const
    const sent = message.clientId ? this.sentBy(room, message.from.id) : undefined
    const original = message.clientId ? sent?.get(message.clientId) : undefined
    if (original) return { message: original, duplicate: true }
    const rootIndex = message.threadId === undefined ? -1 : room.history.findLastIndex(held => held.id === message.threadId)
    if (message.threadId !== undefined && !mayHoldThread(room.history[rootIndex])) return 'no-thread' as const
    const slowModeWaitMs = takeSlowModeTurn(room, message.from.id, Date.now())
    if (slowModeWaitMs > 0) return { slowModeWaitMs }
    const stored: ChatMessage = { ...message, seq: ++room.lastSeq }
    if (rootIndex >= 0) room.history[rootIndex] = withReplyCounted(room.history[rootIndex]!, stored)
    room.history.push(stored)
    if (room.history.length > this.historyLimit) room.history.splice(0, room.history.length - this.historyLimit)
    if (sent && message.clientId) {
      sent.set(message.clientId, stored)
      if (sent.size > CLIENT_IDS_PER_MEMBER) sent.delete(sent.keys().next().value!)
    }
    this.emit(message.roomId, { kind: 'chat', message: stored })
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

  async timelineBefore(roomId: string, beforeSeq: number, limit: number, threadId?: string) {
    return timelinePage(this.rooms.get(roomId)?.history ?? [], beforeSeq, limit, threadId)
  }

  async searchMessages(roomId: string, query: SearchQuery) {
    return scanForMatches(newestFirst(this.rooms.get(roomId)?.history ?? []), query)
  }

  async findMessage(roomId: string, messageId: string) {
    return this.rooms.get(roomId)?.history.find(message => message.id === messageId)
  }

  // The held message is replaced, not mutated: a copy handed out earlier stays as it was.
  protected async changeMessage(roomId: string, messageId: string, { apply, event }: MessageChange): Promise<ChatMessage | MessageChangeRefusal> {
    const history = this.rooms.get(roomId)?.history
    const index = history?.findIndex(message => message.id === messageId) ?? -1
    if (!history || index < 0) return 'not-found'
    const before = history[index]!
    const changed = apply(before)
    if (typeof changed === 'string') return changed
    history[index] = changed
    // The dedupe window holds the message as sent: an edit or a delete leaves no copy of the old words there.
    const sent = before.clientId && changedWords(before, changed) ? this.rooms.get(roomId)?.sent.get(before.from.id) : undefined
    if (sent?.has(before.clientId!)) sent.set(before.clientId!, changed)
    if (changedWords(before, changed)) this.requote(this.rooms.get(roomId)!, index, changed)
    this.emit(roomId, event(changed))
    return changed
  }

  // Replies come after what they quote: only the later part of the history is read.
  private requote(room: MemoryRoom, quotedIndex: number, quoted: ChatMessage): void {
    for (let index = quotedIndex + 1; index < room.history.length; index++) {
      const reply = room.history[index]!
      if (reply.replyTo?.id !== quoted.id) continue
      room.history[index] = withQuoteOf(reply, quoted)
      const sent = reply.clientId ? room.sent.get(reply.from.id) : undefined
      if (sent?.has(reply.clientId!)) sent.set(reply.clientId!, room.history[index]!)
    }
  }

  private sentBy(room: MemoryRoom, memberId: string): Map<string, ChatMessage> {
    let sent = room.sent.get(memberId)
    if (!sent) room.sent.set(memberId, sent = new Map())
    return sent
  }
}
