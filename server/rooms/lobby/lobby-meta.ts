import type { RoomRecord } from '../types'

/**
 * What the lobby shows of a room record: its title, and whether it is
 * listed. Only a public room without a password that is not private is; the
 * protocol's default visibility is unlisted, so a room nobody chose to list
 * never is.
 */
export function lobbyMetaOf(room: RoomRecord | undefined): { title: string, listed: boolean } | undefined {
  if (!room) return undefined
  const shown = room as RoomRecord & { title?: string, visibility?: string }
  return { title: shown.title ?? '', listed: shown.visibility === 'public' && room.passwordHash === null }
}
