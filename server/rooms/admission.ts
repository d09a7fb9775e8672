import type { ErrorCode, JoinFrame } from '../../shared/protocol'
import type { FailureWindow } from './rate-limits'
import { hashPassword, hashToken, newId, newToken, verifyPassword } from './secrets'
import type { MemberRecord, RoomStore } from './types'

export type Admission =
  | { member: MemberRecord, token: string, created: boolean }
  | { code: ErrorCode, message: string, retryAfterMs?: number }

export interface AdmissionRules {
  maxRooms: number
  maxRoomMembers: number
  /** Wrong passwords per (client address, room); past the limit even the right one waits. */
  passwordFailures: FailureWindow
  clientAddress: string
}

/**
 * A join without a valid token: creates the room if it is new (the creator's
 * password protects it from then on), checks the password on the server, and
 * adds a member under a name nobody in the room holds.
 */
export async function admitMember(store: RoomStore, frame: JoinFrame, now: number, rules: AdmissionRules): Promise<Admission> {
  let room = await store.getRoom(frame.roomId)
  let created = false
  if (!room) {
    const passwordHash = frame.password ? await hashPassword(frame.password) : null
    const ensured = await store.ensureRoom({ id: frame.roomId, passwordHash, createdAt: now }, rules.maxRooms)
    if (ensured === 'server-full') return { code: 'SERVER_FULL', message: 'this server holds as many rooms as it may; try an existing room' }
    ;({ room, created } = ensured)
  }
  // A room that another join created meanwhile is checked like any existing one.
  if (!created && room.passwordHash !== null) {
    const attemptKey = `${rules.clientAddress}\u0000${room.id}`
    if (rules.passwordFailures.isBlocked(attemptKey, now)) {
      const retryAfterMs = rules.passwordFailures.retryAfterMs(attemptKey, now)
      return { code: 'RATE_LIMITED', message: `too many wrong passwords for this room; try again in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs }
    }
    const ok = frame.password !== undefined && await verifyPassword(frame.password, room.passwordHash)
    if (!ok) {
      rules.passwordFailures.recordFailure(attemptKey, now)
      return { code: 'WRONG_PASSWORD', message: 'that password does not open this room' }
    }
  }
  const token = newToken()
  const member: MemberRecord = {
    id: newId(),
    roomId: room.id,
    name: frame.name,
    tokenHash: hashToken(token),
    joinedAt: now,
    lastSeenAt: now,
    offline: false,
  }
  const added = await store.addMember(member, rules.maxRoomMembers)
  if (added === 'name-taken') return { code: 'NAME_TAKEN', message: `someone in this room is already called ${frame.name}` }
  if (added === 'room-full') return { code: 'ROOM_FULL', message: `this room holds its maximum of ${rules.maxRoomMembers} members` }
  return { member, token, created }
}
