import { isValidRoomId } from '../shared/protocol'
import { ignoreStorageErrors } from './client-storage'
import type { ClientStorage } from './client-storage'

/** What this browser remembers of a room it holds a member token for, to list it under "Your rooms". */
export interface RoomVisit {
  /** The highest message seq the room page showed, for "messages since your last visit". */
  seenSeq?: number
  /** When the room page last had it open (or the invite came), ms since the epoch. */
  at: number
  title?: string
  /** A private room: the other member's name. */
  peer?: string
}

export interface HeldRoom extends RoomVisit { roomId: string, token: string }

const TOKEN_PREFIX = 'heartbeat:token:'
const VISIT_PREFIX = 'heartbeat:visit:'

/** Rooms listed under "Your rooms" at most, the most recently visited first: a bound on what old storage can make the lobby ask for. */
export const HELD_ROOMS_MAX = 50

export function readVisit(storage: ClientStorage | undefined, roomId: string): RoomVisit | undefined {
  const raw = ignoreStorageErrors(() => storage?.getItem(VISIT_PREFIX + roomId))
  if (!raw) return undefined
  try {
    const value = JSON.parse(raw) as Partial<RoomVisit>
    if (typeof value !== 'object' || value === null) return undefined
    return {
      at: typeof value.at === 'number' ? value.at : 0,
      ...(typeof value.seenSeq === 'number' ? { seenSeq: value.seenSeq } : {}),
      ...(typeof value.title === 'string' ? { title: value.title } : {}),
      ...(typeof value.peer === 'string' ? { peer: value.peer } : {}),
    }
  }
  catch {
    return undefined
  }
}

/** Merges `change` into the room's visit; a seen seq never goes back. */
export function rememberVisit(storage: ClientStorage | undefined, roomId: string, change: Partial<RoomVisit>): void {
  const before = readVisit(storage, roomId)
  const next: RoomVisit = { ...before, ...change, at: change.at ?? Date.now() }
  if (before?.seenSeq !== undefined && (next.seenSeq === undefined || next.seenSeq < before.seenSeq)) next.seenSeq = before.seenSeq
  ignoreStorageErrors(() => storage?.setItem(VISIT_PREFIX + roomId, JSON.stringify(next)))
}

export function forgetVisit(storage: ClientStorage | undefined, roomId: string): void {
  ignoreStorageErrors(() => storage?.removeItem(VISIT_PREFIX + roomId))
}

/** The rooms this browser holds a member token for, the most recently visited first, at most HELD_ROOMS_MAX. */
export function heldRooms(storage: Storage | undefined): HeldRoom[] {
  const rooms: HeldRoom[] = []
  ignoreStorageErrors(() => {
    if (!storage) return
    for (let index = 0; index < storage.length; index++) {
      const key = storage.key(index)
      if (!key?.startsWith(TOKEN_PREFIX)) continue
      const roomId = key.slice(TOKEN_PREFIX.length)
      const token = storage.getItem(key)
      if (!token || !isValidRoomId(roomId)) continue
      rooms.push({ roomId, token, ...(readVisit(storage, roomId) ?? { at: 0 }) })
    }
  })
  return rooms.sort((a, b) => b.at - a.at || a.roomId.localeCompare(b.roomId)).slice(0, HELD_ROOMS_MAX)
}
