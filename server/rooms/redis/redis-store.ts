import { LIMITS, replyExcerpt } from '../../../shared/protocol'
import type { ChatMessage, CipherEnvelopeFrame } from '../../../shared/protocol'
import { MAX_BANS_PER_ROOM } from '../bans'
import { nameKeys } from '../name-keys'
import { pairKeyOf } from '../private-rooms'
import { CLIENT_IDS_PER_MEMBER, SEAT_TOKENS } from '../types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, PrivateRoom, RoomRecord, RoomStore } from '../types'
import { roomKeys, ROOMS_KEY } from './keys'
import type { SearchQuery } from '../conversation/message-search'
import { redisConversationSettings, slowTurnKey } from './conversation-settings'
import { searchHistory } from './message-search'
import { decodeMember, encodeMember } from './members'
import type { MemberReply } from './members'
import { RedisLink } from './redis-link'
import { decodeRoom, encodeRoom, ROOM_FIELDS } from './rooms'
import type { RoomFieldValues } from './rooms'

export type { RedisRoomStoreOptions } from './redis-link'

/** Bounds the undo list kept through an outage; past it, such members expire with the member TTL. */
const MAX_PENDING_REMOVALS = 10_000

/**
 * Rooms in Redis, shared by every instance pointed at it: the link
 * (redis-link.ts: connections, pub/sub, health) plus the rooms, members,
 * liveness and history, each step that must be atomic one Lua script
 * (scripts/). Where a script restates a rule of the in-process stores, the
 * contract suite runs that rule on every store.
 */
export class RedisRoomStore extends RedisLink implements RoomStore {
  /** memberId -> roomId of members failed joins added, to take out once Redis answers again. */
  private readonly pendingRemovals = new Map<string, string>()
  private readonly conversation = redisConversationSettings(this.redis, (script, keys, ...args) => this.run(script, keys, ...args))

  protected override onReady(): void {
    const pending = [...this.pendingRemovals]
    this.pendingRemovals.clear()
    for (const [memberId, roomId] of pending) void this.undoAddMember(roomId, memberId)
  }

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const fields = encodeRoom(room)
    const [created, values] = await this.ensureAdmitted('ENSURE_ROOM', room.id, maxRooms, mayCreate => [room.id, mayCreate, this.options.emptyRoomGraceMs, ...fields])
    if (created === -1) return 'server-full' as const
    return { room: decodeRoom(room.id, values)!, created: created === 1 }
  }

  // The room's own slot first (an existing room: one round trip, as joins
  // are); a room to be made takes its place in the set of rooms, then is made.
  private async ensureAdmitted(script: 'ENSURE_ROOM' | 'ENSURE_PRIVATE_ROOM', roomId: string, maxRooms: number, args: (mayCreate: number) => (string | number)[]): Promise<[number, RoomFieldValues]> {
    const keys = [roomKeys(roomId).room]
    const first = await this.run(script, keys, ...args(0)) as [number, RoomFieldValues]
    if (first[0] !== -3) return first
    if (await this.run('ADMIT_ROOM', [ROOMS_KEY], roomId, maxRooms) !== 1) return [-1, []]
    return await this.run(script, keys, ...args(1)) as [number, RoomFieldValues]
  }

  // Two steps, each in one slot: the pair's id in the origin room, then the
  // private room under that id, so two instances opening it at once agree.
  async openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number) {
    const id = await this.run('PAIR_ROOM', [roomKeys(room.private.originRoomId).room], `dm:${pairKeyOf(room.private)}`, room.id) as string
    const seatTokens = room.private.seats.flatMap(seat => seat.tokenHashes.flatMap(hash => [seat.memberId, hash]))
    const fields = encodeRoom({ ...room, id })
    const [created, values] = await this.ensureAdmitted('ENSURE_PRIVATE_ROOM', id, maxRooms, mayCreate => [id, mayCreate, this.options.emptyRoomGraceMs, ...fields, ...seatTokens, SEAT_TOKENS])
    if (created === -1) return 'server-full' as const
    if (created === -2) throw new Error(`room ${id} is not a private room`)
    return { room: decodeRoom(id, values)!, created: created === 1 }
  }

  // Named fields only: the room's hash holds more than its settings.
  async getRoom(roomId: string) {
    return decodeRoom(roomId, await this.redis.hmget(roomKeys(roomId).room, ...ROOM_FIELDS) as RoomFieldValues)
  }

  async countRooms() {
    return this.redis.scard(ROOMS_KEY)
  }

  // One command, whatever the number of rooms: an id whose keys expired is
  // found empty by the idle pass, which drops it (deleteRoomIfEmpty).
  async listRoomIds() {
    return this.redis.smembers(ROOMS_KEY)
  }

  async setTitle(roomId: string, title: string) {
    return await this.run('SET_TITLE', [roomKeys(roomId).room], title) === 1
  }

  async deleteRoomIfEmpty(roomId: string) {
    if (await this.run('DELETE_ROOM_IF_EMPTY', roomKeys(roomId).all) !== 1) return false
    // Left behind if this fails: the idle pass finds the room empty again, and drops it then.
    await this.redis.srem(ROOMS_KEY, roomId).catch(() => {})
    return true
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const k = roomKeys(member.roomId)
    let result: unknown
    try {
      result = await this.run('ADD_MEMBER', k.all, member.id, member.tokenHash, encodeMember(member), maxMembers, member.lastSeenAt, ...nameKeys(member.name))
    }
    catch (error) {
      // The script may have run with its answer lost (a timeout, a dropped
      // link): the member is taken out again, so that no member whose token
      // nobody got holds the name.
      void this.undoAddMember(member.roomId, member.id)
      throw error
    }
    if (result === 'no-room') throw new Error(`room ${member.roomId} expired before its first member joined`)
    return result as 'added' | 'name-taken' | 'room-full'
  }

  async findMemberByTokenHash(roomId: string, tokenHash: string) {
    const k = roomKeys(roomId)
    const reply = await this.run('FIND_BY_TOKEN', [k.tokens, k.members, k.seen, k.offline], tokenHash) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const k = roomKeys(roomId)
    const reply = await this.run('REPLACE_TOKEN', [k.members, k.tokens, k.seen, k.offline], memberId, tokenHash) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async listMembersSeenBefore(roomId: string, cutoff: number, since?: number) {
    const k = roomKeys(roomId)
    // Between two passes nobody went silent, mostly: one ZCOUNT says so, and
    // the script runs only for the passes where somebody did.
    if (since !== undefined && await this.redis.zcount(k.seen, since, `(${cutoff}`) === 0) return []
    const replies = await this.run('SEEN_BEFORE', [k.members, k.seen], since ?? '-inf', cutoff) as MemberReply[]
    return replies.map(reply => decodeMember(roomId, reply)!)
  }

  async countMembers(roomId: string) {
    return this.redis.hlen(roomKeys(roomId).members)
  }

  async listMembers(roomId: string) {
    const k = roomKeys(roomId)
    const [[, members], [, seen]] = await this.redis.multi()
      .hgetall(k.members)
      .zrange(k.seen, 0, -1, 'WITHSCORES')
      .exec() as [[null, Record<string, string>], [null, string[]]]
    const lastSeen = new Map<string, string>()
    for (let i = 0; i < seen.length; i += 2) lastSeen.set(seen[i]!, seen[i + 1]!)
    return Object.entries(members).map(([id, json]) => decodeMember(roomId, [json, lastSeen.get(id) ?? '0'])!)
  }

  async removeMember(roomId: string, memberId: string) {
    const k = roomKeys(roomId)
    const reply = await this.run('REMOVE_MEMBER', [...k.all, k.holders(memberId), k.sent(memberId), k.sentOrder(memberId)], memberId, this.options.emptyRoomGraceMs) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const k = roomKeys(roomId)
    const reply = await this.run('KICK_MEMBER', [...k.all, k.holders(memberId), k.sent(memberId), k.sentOrder(memberId), k.bans], memberId, this.options.emptyRoomGraceMs, until, now, MAX_BANS_PER_ROOM, blockNetwork ? '1' : '0') as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async bannedUntil(roomId: string, keys: string[], now: number) {
    // A join without a token or a browser id has no member keys; ZMSCORE needs one.
    if (keys.length === 0) return 0
    const ends = await this.redis.zmscore(roomKeys(roomId).bans, ...keys)
    return Math.max(0, ...ends.map(end => Number(end ?? 0)).filter(end => end > now))
  }

  // Its id is new and its token reached nobody, so removing it late is safe;
  // left in place it would hold its name until the member TTL.
  async undoAddMember(roomId: string, memberId: string) {
    try {
      await this.removeMember(roomId, memberId)
    }
    catch {
      if (this.pendingRemovals.size < MAX_PENDING_REMOVALS) this.pendingRemovals.set(memberId, roomId)
      else this.options.log('too many failed joins wait for redis: a member expires with the member TTL')
    }
  }

  async touchMember(roomId: string, memberId: string, at: number) {
    const k = roomKeys(roomId)
    return decodeMember(roomId, await this.run('TOUCH_MEMBER', [k.members, k.seen], memberId, at) as MemberReply | null)
  }

  // One command for the whole room: XX leaves out members no longer held
  // (a removal takes a member out of `seen`), GT never moves one back.
  async touchMembers(roomId: string, memberIds: string[], at: number) {
    if (memberIds.length === 0) return
    await this.redis.zadd(roomKeys(roomId).seen, 'XX', 'GT', ...memberIds.flatMap(id => [at, id]))
  }

  async appendMessage(message: NewChatMessage) {
    const k = roomKeys(message.roomId)
    const sender = message.from.id
    const [status, json] = await this.runReplicated('APPEND_MESSAGE', [k.room, k.seq, k.history, k.members, k.sent(sender), k.sentOrder(sender), slowTurnKey(message.roomId, sender)], JSON.stringify(message), this.options.historyLimit, k.channel, sender, message.clientId ?? '', CLIENT_IDS_PER_MEMBER, message.id, message.replyTo?.id ?? '', message.threadId ?? '', message.at) as [number, string]
    if (status === -1) {
      // A room gone while its members post: perhaps all data is gone (FLUSHALL).
      this.connection.checkEpoch().catch(() => {})
      return 'no-room' as const
    }
    if (status === -2) return 'not-a-member' as const
    if (status === -3) return { slowModeWaitMs: Number(json) }
    if (status === -4) return 'no-thread' as const
    return { message: JSON.parse(json) as ChatMessage, duplicate: status === 1 }
  }

  async recentMessages(roomId: string, limit: number) {
    const messages = await this.redis.lrange(roomKeys(roomId).history, -limit, -1)
    return messages.map(json => JSON.parse(json) as ChatMessage)
  }

  async messagesAfter(roomId: string, afterSeq: number, limit?: number) {
    const k = roomKeys(roomId)
    // Held seqs are consecutive and end at the room's seq: the newest `limit` are the list's last ones.
    const [[, exists], [, lastSeq], [, oldest], [, history]] = await this.redis.multi().exists(k.room).get(k.seq).lindex(k.history, 0)
      .lrange(k.history, limit === undefined ? 0 : -limit, -1)
      .exec() as [[null, number], [null, string | null], [null, string | null], [null, string[]]]
    if (exists === 0) return undefined
    const last = Number(lastSeq ?? 0)
    if (afterSeq >= last) return afterSeq === last ? [] : undefined
    const oldestHeld = oldest === null ? last + 1 : (JSON.parse(oldest) as ChatMessage).seq
    if (oldestHeld > afterSeq + 1) return undefined
    return history.map(json => JSON.parse(json) as ChatMessage).filter(message => message.seq > afterSeq)
  }

  async messagesBefore(roomId: string, beforeSeq: number, limit: number) {
    const [hasMore, ...page] = await this.run('MESSAGES_BEFORE', [roomKeys(roomId).history], beforeSeq, limit) as [number, ...string[]]
    return { messages: page.map(json => JSON.parse(json) as ChatMessage), hasMore: hasMore === 1 }
  }

  async timelineBefore(roomId: string, beforeSeq: number, limit: number, threadId?: string) {
    const [hasMore, ...page] = await this.run('TIMELINE_BEFORE', [roomKeys(roomId).history], beforeSeq, limit, threadId ?? '') as [number, ...string[]]
    return { messages: page.map(json => JSON.parse(json) as ChatMessage), hasMore: hasMore === 1 }
  }

  conversationSettings(roomId: string) {
    return this.conversation.conversationSettings(roomId)
  }

  setSlowMode(roomId: string, seconds: number) {
    return this.conversation.setSlowMode(roomId, seconds)
  }

  changePin(roomId: string, messageId: string, pinned: boolean) {
    return this.conversation.changePin(roomId, messageId, pinned)
  }

  searchMessages(roomId: string, query: SearchQuery) {
    return searchHistory(this.redis, roomId, query)
  }

  async findMessage(roomId: string, messageId: string) {
    const k = roomKeys(roomId)
    const json = await this.run('GET_MESSAGE', [k.history, k.room, k.seq], messageId) as string | null
    return json === null ? undefined : JSON.parse(json) as ChatMessage
  }

  async toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string) {
    const k = roomKeys(roomId)
    return changed(await this.run('TOGGLE_REACTION', [k.history, k.room, k.seq], messageId, memberId, emoji, LIMITS.reactionsPerMessage, LIMITS.reactionEntriesPerMessage, k.channel))
  }

  async editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame) {
    const k = roomKeys(roomId)
    return changed(await this.run('CHANGE_MESSAGE', [k.history, k.room, k.seq, k.sent(authorId)], messageId, authorId, text, editedAt, k.channel, authorId, replyExcerpt(text), k.sent(''), cipher ? JSON.stringify(cipher) : ''))
  }

  // The owner may delete another's message, whose author's dedupe window is
  // a key of its own: read first to name it, as a script must name its keys.
  async deleteMessage(roomId: string, messageId: string, memberId: string) {
    const k = roomKeys(roomId)
    const authorId = (await this.findMessage(roomId, messageId))?.from.id
    if (authorId === undefined) return 'not-found' as const
    return changed(await this.run('CHANGE_MESSAGE', [k.history, k.room, k.seq, k.sent(authorId)], messageId, memberId, '', 0, k.channel, authorId, '', k.sent(''), ''))
  }
}

function changed(reply: unknown): ChatMessage | MessageChangeRefusal {
  const [status, json] = reply as [string, string?]
  return status === 'ok' ? JSON.parse(json!) as ChatMessage : status as MessageChangeRefusal
}
