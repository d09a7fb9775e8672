import type { ChatMessage } from '../../shared/protocol'
import type { MemberRecord, NewChatMessage, RoomRecord, RoomStore } from './types'

interface MemoryRoom {
  record: RoomRecord
  members: Map<string, MemberRecord>
  /** Lower-cased names of current members, for the uniqueness check. */
  names: Set<string>
  memberIdByTokenHash: Map<string, string>
  history: ChatMessage[]
  lastSeq: number
}

/** The default store: one process, nothing survives a restart. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, MemoryRoom>()

  constructor(private readonly historyLimit = 500) {}

  async ensureRoom(room: RoomRecord) {
    const existing = this.rooms.get(room.id)
    if (existing) return { room: existing.record, created: false }
    this.rooms.set(room.id, { record: room, members: new Map(), names: new Set(), memberIdByTokenHash: new Map(), history: [], lastSeq: 0 })
    return { room, created: true }
  }

  async getRoom(roomId: string) {
    return this.rooms.get(roomId)?.record
  }

  async listRoomIds() {
    return [...this.rooms.keys()]
  }

  async deleteRoomIfEmpty(roomId: string) {
    const room = this.rooms.get(roomId)
    if (!room || room.members.size > 0) return false
    return this.rooms.delete(roomId)
  }

  async addMember(member: MemberRecord) {
    const room = this.requireRoom(member.roomId)
    const key = member.name.toLowerCase()
    if (room.names.has(key)) return 'name-taken' as const
    room.names.add(key)
    room.memberIdByTokenHash.set(member.tokenHash, member.id)
    room.members.set(member.id, { ...member })
    return 'added' as const
  }

  async findMemberByTokenHash(roomId: string, tokenHash: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(room.memberIdByTokenHash.get(tokenHash) ?? '')
    return member && { ...member }
  }

  async listMembers(roomId: string) {
    return [...(this.rooms.get(roomId)?.members.values() ?? [])].map(member => ({ ...member }))
  }

  async removeMember(roomId: string, memberId: string) {
    const room = this.rooms.get(roomId)
    const member = room?.members.get(memberId)
    if (!room || !member) return undefined
    room.members.delete(memberId)
    room.names.delete(member.name.toLowerCase())
    room.memberIdByTokenHash.delete(member.tokenHash)
    return member
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

  async appendMessage(message: NewChatMessage) {
    const room = this.requireRoom(message.roomId)
    const stored: ChatMessage = { ...message, seq: ++room.lastSeq }
    room.history.push(stored)
    if (room.history.length > this.historyLimit) room.history.splice(0, room.history.length - this.historyLimit)
    return stored
  }

  async recentMessages(roomId: string, limit: number) {
    return this.rooms.get(roomId)?.history.slice(-limit) ?? []
  }

  private requireRoom(roomId: string): MemoryRoom {
    const room = this.rooms.get(roomId)
    if (!room) throw new Error(`room ${roomId} does not exist`)
    return room
  }
}
