import { PRIVATE_ROOM_PREFIX } from '../../shared/protocol'
import type { ErrorCode, JoinFrame } from '../../shared/protocol'
import { memberBanKeys, networkBanKey, networkOf } from './bans'
import { TRIPCODE_SUFFIX } from './name-keys'
import { seatOf } from './private-rooms'
import type { MembershipLedger } from './membership-ledger'
import { isRefusal } from './password-hashing'
import type { PasswordHashing } from './password-hashing'
import type { FailureWindow, TokenBuckets } from './rate-limits'
import { hashToken, newId, newToken } from './secrets'
import { reclaimMember, shownName } from './tripcode'
import type { MemberRecord, RoomRecord, RoomStore } from './types'

export type Admission
  /** `reclaimed`: an existing member, proved by its tripcode, given a new token. */
  = | { member: MemberRecord, token: string, created: boolean, room: RoomRecord, reclaimed?: boolean }
    | { code: ErrorCode, message: string, retryAfterMs?: number }

export interface AdmissionRules {
  maxRooms: number
  maxRoomMembers: number
  /** Wrong passwords per (client address, room); past the limit even the right one waits. */
  passwordFailures: FailureWindow
  clientAddress: string
  /** Live members per client address. */
  memberships: MembershipLedger
  /** Rooms created per client address. */
  roomCreations: TokenBuckets
  /** Every scrypt, rate-limited per address and queued server-wide. */
  hashing: PasswordHashing
}

/**
 * A join without a valid token: creates the room if it is new and the join
 * says `create: true` (the creator's password protects it from then on),
 * checks the password on the server, and adds a member under a name nobody
 * online in the room holds.
 */
export async function admitMember(store: RoomStore, frame: JoinFrame, now: number, rules: AdmissionRules): Promise<Admission> {
  const address = rules.clientAddress
  // Keyed as member records keep the address (its network: an IPv6 /64 is
  // one client), so that a restart can count the memberships the store holds.
  const addressHash = hashToken(networkOf(address))
  const reservation = rules.memberships.reserve(addressHash)
  if (reservation === 'address-full') {
    return { code: 'TOO_MANY_MEMBERSHIPS', message: 'this address is a member of as many rooms as it may be; leave one first' }
  }
  if (reservation === 'server-full') return { code: 'SERVER_FULL', message: 'this server holds as many members as it may; try again later' }
  let admission: Admission | undefined
  try {
    admission = await admit(store, frame, now, rules)
    return admission
  }
  finally {
    const made = admission && 'member' in admission && !admission.reclaimed ? admission.member : undefined
    rules.memberships.settle(addressHash, made && { roomId: made.roomId, memberId: made.id, tokenHash: made.tokenHash })
  }
}

async function admit(store: RoomStore, frame: JoinFrame, now: number, rules: AdmissionRules): Promise<Admission> {
  const address = rules.clientAddress
  // The ban checks go out with the room's read, so they add no round trip to
  // a join. A ban of the member and a block of its network are told apart:
  // someone else on a blocked network was not removed, and is told so.
  const browserHash = frame.browserId ? hashToken(frame.browserId) : undefined
  const networkHash = hashToken(networkOf(address))
  const memberKeys = memberBanKeys(frame.token && hashToken(frame.token), browserHash)
  let [room, bannedUntil, blockedUntil] = await Promise.all([
    store.getRoom(frame.roomId),
    store.bannedUntil(frame.roomId, memberKeys, now),
    store.bannedUntil(frame.roomId, [networkBanKey(networkHash)], now),
  ])
  let created = false
  // The creator's id is known before the room exists: it is the room's owner.
  const memberId = newId()
  if (!room) {
    if (frame.roomId.startsWith(PRIVATE_ROOM_PREFIX)) return { code: 'FORBIDDEN', message: 'this private room has ended (or never was); ask for a new one' }
    // Only a join that says so creates: a mistyped id is told, not given an empty room of its own.
    if (!frame.create) return { code: 'NO_SUCH_ROOM', message: `no room has the id ${frame.roomId}; check the id, or create the room` }
    if (frame.e2eeSalt && !frame.password) return { code: 'BAD_REQUEST', message: 'an end-to-end encrypted room needs a password: its keys are derived from it' }
    const waitMs = rules.roomCreations.take(address, now)
    if (waitMs > 0) return { code: 'RATE_LIMITED', message: 'this address has created rooms as fast as it may; join an existing room or wait', retryAfterMs: waitMs }
    const passwordHash = frame.password ? await rules.hashing.hash(address, frame.password, now) : null
    if (isRefusal(passwordHash)) return passwordHash
    const ensured = await store.ensureRoom(newRoomRecord(frame, passwordHash, memberId, now), rules.maxRooms)
    if (ensured === 'server-full') return { code: 'SERVER_FULL', message: 'this server holds as many rooms as it may; try an existing room' }
    ;({ room, created } = ensured)
  }
  // Whatever else the join carries, only a seat's token opens a private room.
  const seat = room.private && frame.token !== undefined ? seatOf(room.private, hashToken(frame.token)) : undefined
  if (room.private && !seat) return { code: 'FORBIDDEN', message: 'this is a private room of two members; only they may join it, each with the token the server gave them' }
  // A seat's member id stays with it across tokens: a removed seat stays banned.
  if (seat) bannedUntil = Math.max(bannedUntil, await store.bannedUntil(room.id, memberBanKeys(undefined, undefined, seat.memberId), now))
  // Bans stop admissions only: a member that holds a valid token came in before.
  if (created) bannedUntil = blockedUntil = 0
  if (bannedUntil > now) {
    const minutes = Math.ceil((bannedUntil - now) / 60_000)
    return { code: 'FORBIDDEN', message: `the owner removed you from this room; you may join again in ${minutes} min`, retryAfterMs: bannedUntil - now }
  }
  if (blockedUntil > now) {
    const minutes = Math.ceil((blockedUntil - now) / 60_000)
    return { code: 'NETWORK_BLOCKED', message: `someone on your network was removed from this room, and its owner blocked the network for a while; you may join in ${minutes} min`, retryAfterMs: blockedUntil - now }
  }
  // A room that another join created meanwhile is checked like any existing one.
  if (!created && room.passwordHash !== null) {
    const attemptKey = `${address}\u0000${room.id}`
    const blockedMs = rules.passwordFailures.blockedForMs(attemptKey, now)
    if (blockedMs > 0) return { code: 'RATE_LIMITED', message: `too many wrong passwords for this room; try again in ${Math.ceil(blockedMs / 1000)} s`, retryAfterMs: blockedMs }
    const ok = frame.password !== undefined && await rules.hashing.verify(address, frame.password, room.passwordHash, now)
    if (isRefusal(ok)) return ok
    if (!ok) {
      rules.passwordFailures.recordFailure(attemptKey, now)
      return { code: 'WRONG_PASSWORD', message: 'that password does not open this room' }
    }
  }
  const shown = await shownName(frame.name, address, now, rules.hashing)
  if ('code' in shown) return shown
  // A seat's member comes in under its id there, with the token it was given.
  const token = seat ? frame.token! : newToken()
  const member: MemberRecord = {
    id: seat ? seat.memberId : memberId,
    roomId: room.id,
    name: shown.name,
    tokenHash: hashToken(token),
    joinedAt: now,
    lastSeenAt: now,
    addressHash: networkHash,
    ...(browserHash ? { browserHash } : {}),
  }
  const added = await store.addMember(member, rules.maxRoomMembers)
  if (added === 'name-taken') {
    const reclaimed = shown.tripcoded && !seat ? await reclaimMember(store, room.id, shown.name, member.tokenHash) : undefined
    if (reclaimed) return { member: reclaimed, token, created, room, reclaimed: true }
    return { code: 'NAME_TAKEN', message: `a member of this room is already called ${shown.name.replace(TRIPCODE_SUFFIX, '')}, or a name that looks the same; a tripcode (name#secret) proves a name is yours` }
  }
  if (added === 'room-full') return { code: 'ROOM_FULL', message: `this room holds its maximum of ${rules.maxRoomMembers} members` }
  return { member, token, created, room }
}

/**
 * The room a join creates. An empty title shows the room's id; a password
 * makes the room unlisted whatever the join asked, so a locked room is never
 * advertised; without a choice a room is unlisted, so that none is listed
 * unless someone chose it.
 */
function newRoomRecord(frame: JoinFrame, passwordHash: string | null, ownerId: string, now: number): RoomRecord {
  return {
    id: frame.roomId,
    passwordHash,
    createdAt: now,
    title: frame.title || frame.roomId,
    visibility: passwordHash === null && frame.visibility === 'public' ? 'public' : 'unlisted',
    ownerId,
    ...(passwordHash !== null && frame.e2eeSalt ? { e2eeSalt: frame.e2eeSalt } : {}),
  }
}
