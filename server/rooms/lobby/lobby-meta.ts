import type { RoomRecord } from '../types'

/**
 * What the lobby shows of a room record: its title, and whether it is
 * listed. Only a public room without a password that is not private is; the
 * protocol's default visibility is unlisted, so a room nobody chose to list
 * never is. The stores already keep such rooms unlisted: this says it again
 * where the listing is made.
 */
export function lobbyMetaOf(room: RoomRecord | undefined): { title: string, listed: boolean } | undefined {
  if (!room) return undefined
  return { title: room.title, listed: room.visibility === 'public' && room.passwordHash === null && !room.private }
}
