import type { ErrorCode, JoinFrame } from '../../shared/protocol'
import { hashPassword, hashToken, newId, newToken, verifyPassword } from './secrets'
import type { MemberRecord, RoomStore } from './types'

export type Admission =
  | { member: MemberRecord, token: string, created: boolean }
  | { code: ErrorCode, message: string }

/**
 * A join without a valid token: creates the room if it is new (the creator's
 * password protects it from then on), checks the password on the server, and
 * adds a member under a name nobody in the room holds.
 */
export async function admitMember(store: RoomStore, frame: JoinFrame, now: number): Promise<Admission> {
  let room = await store.getRoom(frame.roomId)
  let created = false
  if (!room) {
    const passwordHash = frame.password ? await hashPassword(frame.password) : null
    ;({ room, created } = await store.ensureRoom({ id: frame.roomId, passwordHash, createdAt: now }))
  }
  // A room that another join created meanwhile is checked like any existing one.
  if (!created && room.passwordHash !== null) {
    const ok = frame.password !== undefined && await verifyPassword(frame.password, room.passwordHash)
    if (!ok) return { code: 'WRONG_PASSWORD', message: 'that password does not open this room' }
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
  if (await store.addMember(member) === 'name-taken') {
    return { code: 'NAME_TAKEN', message: `someone in this room is already called ${frame.name}` }
  }
  return { member, token, created }
}
