import { FIRST_KEY_GENERATION } from '../../shared/protocol'
import type { RoomRekey } from './room-store'
import type { RoomRecord } from './types'

/** The key generation a room is at: absent is the first (a room made before password changes). */
export function keyGenerationOf(room: Pick<RoomRecord, 'e2eeGeneration'>): number {
  return room.e2eeGeneration ?? FIRST_KEY_GENERATION
}

/**
 * The rule of a password change, for every store: only an end-to-end
 * encrypted room changes its keys (another room's password is its own
 * matter), and only one generation at a time, so that of two changes sent at
 * once one passes and the other is refused. The Redis script ROOM_REKEY
 * restates it.
 */
export function rekeyedRecord(record: RoomRecord, change: RoomRekey): RoomRecord | undefined {
  if (!record.e2eeSalt || change.generation !== keyGenerationOf(record) + 1) return undefined
  return { ...record, passwordHash: change.passwordHash, e2eeSalt: change.e2eeSalt, e2eeGeneration: change.generation }
}
