import { lobbyMetaOf } from '../rooms/lobby/lobby-meta'
import type { RoomRecord } from '../rooms/types'

export interface BusyRoom {
  title: string
  connections: number
}

export interface BusiestRooms {
  /** Public rooms only, most connections first. */
  rooms: BusyRoom[]
  /** Every other room with sockets here (unlisted, password, private, or past the top): counted, never named. */
  others: { rooms: number, connections: number }
}

/** How many of the busiest rooms the admin page names. */
export const BUSIEST_ROOMS = 10

/**
 * The rooms with the most sockets on this instance, for the admin page. Only
 * a room the lobby would list gives its title; an unlisted room's id is its
 * only key, so neither its id nor its title leaves here. Reads at most
 * `limit` rooms from the store, whatever the number of rooms.
 */
export async function busiestRooms(
  sizes: Iterable<readonly [roomId: string, connections: number]>,
  getRoom: (roomId: string) => Promise<RoomRecord | undefined>,
  limit = BUSIEST_ROOMS,
): Promise<BusiestRooms> {
  const top: Array<readonly [string, number]> = []
  let totalRooms = 0
  let totalConnections = 0
  for (const entry of sizes) {
    totalRooms++
    totalConnections += entry[1]
    if (top.length < limit) top.push(entry)
    else if (entry[1] > top[limit - 1]![1]) top[limit - 1] = entry
    else continue
    top.sort((a, b) => b[1] - a[1])
  }
  const rooms: BusyRoom[] = []
  for (const [roomId, connections] of top) {
    const meta = lobbyMetaOf(await getRoom(roomId).catch(() => undefined))
    if (meta?.listed) rooms.push({ title: meta.title, connections })
  }
  const named = rooms.reduce((sum, room) => sum + room.connections, 0)
  return { rooms, others: { rooms: totalRooms - rooms.length, connections: totalConnections - named } }
}
