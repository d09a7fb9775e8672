import type { LobbyFrame, LobbyMyRoom, LobbyRoom } from '../shared/protocol'

/** Rooms the lobby keeps at most: the server's top list, and the diffs that bring rooms into it. */
export const LOBBY_ROOMS_KEPT = 500

/** Busiest first: the most people online, then the most members, then by id so equal rooms keep their place. */
export function byBusiest(a: LobbyRoom, b: LobbyRoom): number {
  return b.online - a.online || b.members - a.members || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The lobby after one frame: a snapshot (`rooms`) replaces it, a diff changes and removes rooms. */
export function applyLobbyFrame(rooms: readonly LobbyRoom[], frame: LobbyFrame): LobbyRoom[] {
  const byId = new Map(frame.rooms ? [] : rooms.map(room => [room.id, room]))
  for (const room of frame.rooms ?? []) byId.set(room.id, room)
  for (const room of frame.changed ?? []) byId.set(room.id, room)
  for (const id of frame.removed ?? []) byId.delete(id)
  return [...byId.values()].sort(byBusiest).slice(0, LOBBY_ROOMS_KEPT)
}

/** The rooms whose id or title holds `query`, ignoring case; all of them for a blank query. */
export function searchRooms(rooms: readonly LobbyRoom[], query: string): readonly LobbyRoom[] {
  const needle = query.trim().toLocaleLowerCase()
  if (!needle) return rooms
  return rooms.filter(room => room.id.toLocaleLowerCase().includes(needle) || room.title.toLocaleLowerCase().includes(needle))
}

/** "Your rooms" after one frame: the first answer to a `watch` (it has `rooms`) replaces them, a diff changes and removes. */
export function applyMineFrame(mine: ReadonlyMap<string, LobbyMyRoom>, frame: LobbyFrame): ReadonlyMap<string, LobbyMyRoom> {
  if (!frame.rooms && !frame.mine && !frame.mineRemoved) return mine
  const next = new Map(frame.rooms ? [] : mine)
  for (const room of frame.mine ?? []) next.set(room.id, room)
  for (const id of frame.mineRemoved ?? []) next.delete(id)
  return next
}
