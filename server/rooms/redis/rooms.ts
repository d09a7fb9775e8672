import type { PrivateRoom, RoomRecord } from '../types'

/** The settings a room's hash holds, beside other fields (bans, private pairs). */
export const ROOM_FIELDS = ['createdAt', 'passwordHash', 'title', 'visibility', 'ownerId', 'private', 'e2eeSalt', 'e2eeGeneration'] as const

export type RoomFieldValues = Array<string | null>

/** name, value pairs for HSET, in ROOM_FIELDS order; '' stands for none. */
export function encodeRoom(room: RoomRecord): string[] {
  const values: Record<(typeof ROOM_FIELDS)[number], string> = {
    createdAt: String(room.createdAt),
    passwordHash: room.passwordHash ?? '',
    title: room.title,
    visibility: room.visibility,
    ownerId: room.ownerId,
    private: room.private ? JSON.stringify(room.private) : '',
    e2eeSalt: room.e2eeSalt ?? '',
    e2eeGeneration: room.e2eeGeneration ? String(room.e2eeGeneration) : '',
  }
  return ROOM_FIELDS.flatMap(field => [field, values[field]])
}

/** A room from its ROOM_FIELDS values; undefined when it does not exist. A room made before titles and owners shows its id and has no owner. */
export function decodeRoom(roomId: string, values: RoomFieldValues): RoomRecord | undefined {
  const [createdAt, passwordHash, title, visibility, ownerId, privateJson, e2eeSalt, e2eeGeneration] = values
  if (createdAt === null || createdAt === undefined) return undefined
  return {
    id: roomId,
    passwordHash: passwordHash || null,
    createdAt: Number(createdAt),
    title: title || roomId,
    visibility: visibility === 'public' ? 'public' : 'unlisted',
    ownerId: ownerId ?? '',
    ...(privateJson ? { private: JSON.parse(privateJson) as PrivateRoom } : {}),
    ...(e2eeSalt ? { e2eeSalt } : {}),
    ...(e2eeGeneration ? { e2eeGeneration: Number(e2eeGeneration) } : {}),
  }
}
