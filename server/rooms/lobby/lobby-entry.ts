import type { LobbyMyRoom, LobbyRoom } from '../../../shared/protocol'

/** What the lobby index holds of one room: any visibility; only `listed` ones are in the public order. */
export interface LobbyEntry {
  id: string
  title: string
  /** Public, without a password, not private: the only rooms the listing and the top list show. */
  listed: boolean
  online: number
  members: number
  /** The room's newest chat seq, 0 before the first message. */
  lastSeq: number
  /** When the counts were observed (ms): an older observation never overwrites a newer one. */
  countsAt: number
}

/** What one process learned about a room; the index merges it into the room's entry. */
export interface LobbyUpdate {
  id: string
  counts?: { online: number, members: number, at: number }
  /** Only ever raises the entry's lastSeq. */
  lastSeq?: number
  meta?: { title: string, listed: boolean }
  /** The room is gone from the store: its entry goes. */
  gone?: true
}

export function emptyEntry(id: string): LobbyEntry {
  return { id, title: '', listed: false, online: 0, members: 0, lastSeq: 0, countsAt: 0 }
}

/** Merges an update into an entry; true when what a client sees changed. */
export function mergeUpdate(entry: LobbyEntry, update: LobbyUpdate): boolean {
  const before = `${entry.title}\u0000${entry.listed}\u0000${entry.online}\u0000${entry.members}\u0000${entry.lastSeq}`
  if (update.counts && update.counts.at >= entry.countsAt) {
    entry.online = update.counts.online
    entry.members = update.counts.members
    entry.countsAt = update.counts.at
  }
  if (update.lastSeq !== undefined && update.lastSeq > entry.lastSeq) entry.lastSeq = update.lastSeq
  if (update.meta) {
    entry.title = update.meta.title
    entry.listed = update.meta.listed
  }
  return before !== `${entry.title}\u0000${entry.listed}\u0000${entry.online}\u0000${entry.members}\u0000${entry.lastSeq}`
}

/** In the public order: listed and with at least one member. */
export function isShown(entry: LobbyEntry): boolean {
  return entry.listed && entry.members > 0
}

/** The four fields the public may see; nothing else of the entry leaves the server. */
export function lobbyRoom(entry: LobbyEntry): LobbyRoom {
  return { id: entry.id, title: entry.title, online: entry.online, members: entry.members }
}

export function lobbyMyRoom(entry: LobbyEntry): LobbyMyRoom {
  return { id: entry.id, title: entry.title, online: entry.online, members: entry.members, lastSeq: entry.lastSeq }
}
