import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import { LIMITS, replyExcerpt } from '../../../shared/protocol'
import type { ChatMessage } from '../../../shared/protocol'
import { MAX_BANS_PER_ROOM } from '../bans'
import { pairKeyOf } from '../private-rooms'
import { CLIENT_IDS_PER_MEMBER, SEAT_TOKENS } from '../types'
import type { MemberRecord, MessageChangeRefusal, NewChatMessage, PrivateRoom, RoomEvent, RoomRecord, RoomStore, StoreHealth } from '../types'
import { IDLE_SWEEP_LOCK_KEY, roomKeys, ROOMS_KEY, roomIdOfChannel } from './keys'
import { nameKeys } from '../name-keys'
import { RedisLobbyIndex } from './lobby-index'
import { decodeMember, encodeMember } from './members'
import type { MemberReply } from './members'
import { decodeRoom, encodeRoom, ROOM_FIELDS } from './rooms'
import type { RoomFieldValues } from './rooms'
import * as scripts from './scripts'
import { watchConnection } from './watch-connection'
import type { WatchedConnection } from './watch-connection'

export interface RedisRoomStoreOptions {
  url: string
  historyLimit: number
  /** The heartbeat window: an instance that has not heartbeated a member within it no longer holds it. */
  windowMs: number
  /** How long the keys of a room without members live on. */
  emptyRoomGraceMs: number
  /** A command not answered within this long fails, and the store counts as unavailable until Redis answers again. */
  commandTimeoutMs: number
  log: (message: string) => void
  /** Called when Redis comes back without the data it had: every client must join again. */
  onDataLost?: () => void
}

type Scripted = Redis & Record<keyof typeof scripts, (...args: (string | number)[]) => Promise<unknown>>

/** Bounds the undo list kept through an outage; past it, such members expire with the member TTL. */
const MAX_PENDING_REMOVALS = 10_000

/**
 * Rooms in Redis, shared by every instance pointed at it. Room traffic goes
 * through pub/sub, one channel per room: each instance relays a message to its
 * own sockets only. Commands fail fast while Redis is away (no offline queue)
 * and time out while it hangs, so the server answers UNAVAILABLE instead of
 * waiting.
 */
export class RedisRoomStore implements RoomStore {
  private readonly redis: Scripted
  private readonly subscriber: Redis
  private readonly instanceId = randomBytes(6).toString('base64url')
  private handler: (roomId: string, event: RoomEvent) => void = () => {}
  private readonly connection: WatchedConnection
  /** memberId -> roomId of members failed joins added, to take out once Redis answers again. */
  private readonly pendingRemovals = new Map<string, string>()

  constructor(private readonly options: RedisRoomStoreOptions) {
    const connectionOptions = {
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
      // Every command settles within this, whatever Redis does: the caller
      // answers UNAVAILABLE and undoes what it did, and nothing (a frame's
      // queue, an HTTP request, a shutdown) waits on a Redis that hangs.
      commandTimeout: options.commandTimeoutMs,
      // ioredis would send again, after a reconnect, the commands whose reply
      // the broken link lost, but they may have run already, and their
      // callers may have timed out and undone their work meanwhile: a join's
      // add-member run twice took the joiner's own name (NAME_TAKEN), or
      // brought back a member the failed join had removed. Not resending
      // makes every script run at most once per call; a lost reply becomes a
      // timeout, which the caller handles like any failure (the page sends
      // chat again under the same clientId, and joins again).
      autoResendUnfulfilledCommands: false,
    }
    this.redis = new Redis(options.url, connectionOptions) as Scripted
    this.subscriber = new Redis(options.url, connectionOptions)
    for (const [name, lua] of Object.entries(scripts)) this.redis.defineCommand(name, { lua })
    this.connection = watchConnection(this.redis, options)
    this.redis.on('ready', () => {
      const pending = [...this.pendingRemovals]
      this.pendingRemovals.clear()
      for (const [memberId, roomId] of pending) void this.undoAddMember(roomId, memberId)
    })
    this.subscriber.on('error', () => {})
    this.subscriber.on('message', (channel: string, data: string) => {
      const roomId = roomIdOfChannel(channel)
      if (roomId) this.handler(roomId, JSON.parse(data) as RoomEvent)
    })
  }

  /** The lobby index every instance shares, on this store's connection (its timeouts and outage detection). */
  lobbyIndex(): RedisLobbyIndex {
    return new RedisLobbyIndex(this.redis)
  }

  /** Resolves once the first connection is up. */
  ready(): Promise<void> {
    return this.connection.ready
  }

  health(): StoreHealth {
    return { kind: 'redis', state: this.connection.state() }
  }

  isUnavailableError(error: unknown) {
    return this.connection.isOutage(error)
  }

  // Drops both links at once, never waiting on Redis: a shutdown must not
  // hang on a Redis that is gone or hangs.
  async close() {
    this.connection.dispose()
    this.subscriber.disconnect()
    this.redis.disconnect()
  }

  onEvent(handler: (roomId: string, event: RoomEvent) => void) {
    this.handler = handler
  }

  async subscribe(roomId: string) {
    await this.subscriber.subscribe(roomKeys(roomId).channel)
  }

  async unsubscribe(roomId: string) {
    await this.subscriber.unsubscribe(roomKeys(roomId).channel)
  }

  async publish(roomId: string, event: RoomEvent) {
    await this.redis.publish(roomKeys(roomId).channel, JSON.stringify(event))
  }

  async ensureRoom(room: RoomRecord, maxRooms: number) {
    const k = roomKeys(room.id)
    const [created, values] = await this.redis.ENSURE_ROOM(2, k.room, ROOMS_KEY, room.id, maxRooms, this.options.emptyRoomGraceMs, ...encodeRoom(room)) as [number, RoomFieldValues]
    if (created === -1) return 'server-full' as const
    return { room: decodeRoom(room.id, values)!, created: created === 1 }
  }

  // Two steps, each in one slot: the pair's id in the origin room, then the
  // private room under that id, so two instances opening it at once agree.
  async openPrivateRoom(room: RoomRecord & { private: PrivateRoom }, maxRooms: number) {
    const id = await this.redis.PAIR_ROOM(1, roomKeys(room.private.originRoomId).room, `dm:${pairKeyOf(room.private)}`, room.id) as string
    const seatTokens = room.private.seats.flatMap(seat => seat.tokenHashes.flatMap(hash => [seat.memberId, hash]))
    const fields = encodeRoom({ ...room, id })
    const [created, values] = await this.redis.ENSURE_PRIVATE_ROOM(2, roomKeys(id).room, ROOMS_KEY, id, maxRooms, this.options.emptyRoomGraceMs, ...fields, ...seatTokens, SEAT_TOKENS) as [number, RoomFieldValues]
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

  // The lock's expiry is the turn: whoever sets it sweeps, the others skip
  // until it has expired. The epoch is checked on the same beat, so a Redis
  // that lost its data without a reconnect (FLUSHALL, eviction) is noticed
  // within an interval even in rooms where nobody posts.
  async claimIdleSweep(intervalMs: number) {
    const [claimed] = await Promise.all([
      this.redis.set(IDLE_SWEEP_LOCK_KEY, this.instanceId, 'PX', intervalMs, 'NX'),
      this.connection.checkEpoch(),
    ])
    return claimed === 'OK'
  }

  async listRoomIds() {
    const ids = await this.redis.smembers(ROOMS_KEY)
    const exists = await Promise.all(ids.map(id => this.redis.exists(roomKeys(id).room)))
    const gone = ids.filter((_, i) => exists[i] === 0)
    if (gone.length > 0) await this.redis.srem(ROOMS_KEY, ...gone)
    return ids.filter((_, i) => exists[i] === 1)
  }

  async setTitle(roomId: string, title: string) {
    return await this.redis.SET_TITLE(1, roomKeys(roomId).room, title) === 1
  }

  async deleteRoomIfEmpty(roomId: string) {
    const k = roomKeys(roomId)
    return await this.redis.DELETE_ROOM_IF_EMPTY(9, ...k.all, ROOMS_KEY, roomId) === 1
  }

  async addMember(member: MemberRecord, maxMembers: number) {
    const k = roomKeys(member.roomId)
    let result: unknown
    try {
      result = await this.redis.ADD_MEMBER(8, ...k.all, member.id, member.tokenHash, encodeMember(member), maxMembers, member.lastSeenAt, ...nameKeys(member.name))
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
    const reply = await this.redis.FIND_BY_TOKEN(4, k.tokens, k.members, k.seen, k.offline, tokenHash) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async replaceToken(roomId: string, memberId: string, tokenHash: string) {
    const k = roomKeys(roomId)
    const reply = await this.redis.REPLACE_TOKEN(4, k.members, k.tokens, k.seen, k.offline, memberId, tokenHash) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async listMembersSilentSince(roomId: string, cutoff: number) {
    const k = roomKeys(roomId)
    const replies = await this.redis.SILENT_MEMBERS(3, k.members, k.seen, k.offline, '-inf', cutoff, '1') as MemberReply[]
    return replies.map(reply => decodeMember(roomId, reply)!)
  }

  async listMembersSeenBefore(roomId: string, cutoff: number, since?: number) {
    const k = roomKeys(roomId)
    // Between two sweeps nobody went silent, mostly: one ZCOUNT says so, and
    // the script runs only for the ticks where somebody did.
    if (since !== undefined && await this.redis.zcount(k.seen, since, `(${cutoff}`) === 0) return []
    const replies = await this.redis.SILENT_MEMBERS(3, k.members, k.seen, k.offline, since ?? '-inf', cutoff, '0') as MemberReply[]
    return replies.map(reply => decodeMember(roomId, reply)!)
  }

  async countMembers(roomId: string) {
    return this.redis.hlen(roomKeys(roomId).members)
  }

  async listMembers(roomId: string) {
    const k = roomKeys(roomId)
    const [[, members], [, seen], [, offline]] = await this.redis.multi()
      .hgetall(k.members)
      .zrange(k.seen, 0, -1, 'WITHSCORES')
      .smembers(k.offline)
      .exec() as [[null, Record<string, string>], [null, string[]], [null, string[]]]
    const lastSeen = new Map<string, string>()
    for (let i = 0; i < seen.length; i += 2) lastSeen.set(seen[i]!, seen[i + 1]!)
    const offlineIds = new Set(offline)
    return Object.entries(members).map(([id, json]) => decodeMember(roomId, [json, lastSeen.get(id) ?? '0', offlineIds.has(id) ? 1 : 0])!)
  }

  async removeMember(roomId: string, memberId: string) {
    const k = roomKeys(roomId)
    const reply = await this.redis.REMOVE_MEMBER(11, ...k.all, k.holders(memberId), k.sent(memberId), k.sentOrder(memberId), memberId, this.options.emptyRoomGraceMs) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async kickMember(roomId: string, memberId: string, until: number, now: number, blockNetwork = false) {
    const k = roomKeys(roomId)
    const reply = await this.redis.KICK_MEMBER(12, ...k.all, k.holders(memberId), k.sent(memberId), k.sentOrder(memberId), k.bans, memberId, this.options.emptyRoomGraceMs, until, now, MAX_BANS_PER_ROOM, blockNetwork ? '1' : '0') as MemberReply | null
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
      else this.options.log(`too many failed joins wait for redis: member ${memberId} of room ${roomId} expires with the member TTL`)
    }
  }

  async touchMember(roomId: string, memberId: string, at: number) {
    const k = roomKeys(roomId)
    const reply = await this.redis.TOUCH_MEMBER(4, k.members, k.seen, k.offline, k.holders(memberId), memberId, at, this.instanceId, 2 * this.options.windowMs) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async markOffline(roomId: string, memberId: string) {
    const k = roomKeys(roomId)
    const reply = await this.redis.MARK_OFFLINE(4, k.members, k.seen, k.offline, k.holders(memberId), memberId) as MemberReply | null
    return decodeMember(roomId, reply)
  }

  async releaseMember(roomId: string, memberId: string) {
    const k = roomKeys(roomId)
    const reply = await this.redis.RELEASE_MEMBER(4, k.members, k.seen, k.offline, k.holders(memberId), memberId, this.instanceId, Date.now(), this.options.windowMs) as [...MemberReply, number] | null
    const before = decodeMember(roomId, reply && [reply[0], reply[1], reply[2]])
    return before && { before, offline: reply![3] === 1 }
  }

  async appendMessage(message: NewChatMessage) {
    const k = roomKeys(message.roomId)
    const sender = message.from.id
    const [status, json] = await this.redis.APPEND_MESSAGE(6, k.room, k.seq, k.history, k.members, k.sent(sender), k.sentOrder(sender), JSON.stringify(message), this.options.historyLimit, k.channel, sender, message.clientId ?? '', CLIENT_IDS_PER_MEMBER, message.id, message.replyTo?.id ?? '') as [number, string]
    if (status === -1) {
      // A room gone while its members post: perhaps all data is gone (FLUSHALL).
      this.connection.checkEpoch().catch(() => {})
      return 'no-room' as const
    }
    if (status === -2) return 'not-a-member' as const
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
    const [hasMore, ...page] = await this.redis.MESSAGES_BEFORE(1, roomKeys(roomId).history, beforeSeq, limit) as [number, ...string[]]
    return { messages: page.map(json => JSON.parse(json) as ChatMessage), hasMore: hasMore === 1 }
  }

  async findMessage(roomId: string, messageId: string) {
    const k = roomKeys(roomId)
    const json = await this.redis.GET_MESSAGE(3, k.history, k.room, k.seq, messageId) as string | null
    return json === null ? undefined : JSON.parse(json) as ChatMessage
  }

  async toggleReaction(roomId: string, messageId: string, memberId: string, emoji: string) {
    const k = roomKeys(roomId)
    return changed(await this.redis.TOGGLE_REACTION(3, k.history, k.room, k.seq, messageId, memberId, emoji, LIMITS.reactionsPerMessage, LIMITS.reactionEntriesPerMessage, k.channel))
  }

  async editMessage(roomId: string, messageId: string, authorId: string, text: string, editedAt: number) {
    const k = roomKeys(roomId)
    return changed(await this.redis.CHANGE_MESSAGE(4, k.history, k.room, k.seq, k.sent(authorId), messageId, authorId, text, editedAt, k.channel, authorId, replyExcerpt(text), k.sent('')))
  }

  // The owner may delete another's message, whose author's dedupe window is
  // a key of its own: read first to name it, as a script must name its keys.
  async deleteMessage(roomId: string, messageId: string, memberId: string) {
    const k = roomKeys(roomId)
    const authorId = (await this.findMessage(roomId, messageId))?.from.id
    if (authorId === undefined) return 'not-found' as const
    return changed(await this.redis.CHANGE_MESSAGE(4, k.history, k.room, k.seq, k.sent(authorId), messageId, memberId, '', 0, k.channel, authorId, '', k.sent('')))
  }
}

function changed(reply: unknown): ChatMessage | MessageChangeRefusal {
  const [status, json] = reply as [string, string?]
  return status === 'ok' ? JSON.parse(json!) as ChatMessage : status as MessageChangeRefusal
}
