import { isValidRoomId } from '../../../shared/protocol'
import type { LobbyEntry } from './lobby-entry'

// One string per listed room whose byte order is the lobby's order: online
// (most first), members (most first), then the id. The memory index keeps
// them in a sorted array; Redis keeps them in a sorted set of equal scores,
// read with ZRANGEBYLEX. A page's cursor is the key of its last room, so the
// next page starts right after it in O(log n), whatever moved meanwhile.
const MAX_COUNT = 0xFFFFFFFF
const COUNT_HEX = 8
const KEY_PATTERN = /^[0-9a-f]{16}/

function inverted(count: number): string {
  return (MAX_COUNT - Math.min(Math.max(0, Math.trunc(count)), MAX_COUNT)).toString(16).padStart(COUNT_HEX, '0')
}

export function orderKey(entry: Pick<LobbyEntry, 'id' | 'online' | 'members'>): string {
  return `${inverted(entry.online)}${inverted(entry.members)}${entry.id}`
}

export function idOfOrderKey(key: string): string {
  return key.slice(2 * COUNT_HEX)
}

/** The opaque cursor the listing hands out for the room after which the next page starts. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

/** The order key a cursor stands for; undefined for anything the server did not hand out. */
export function decodeCursor(cursor: string): string | undefined {
  if (cursor.length === 0 || cursor.length > 128 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined
  const key = Buffer.from(cursor, 'base64url').toString('utf8')
  return KEY_PATTERN.test(key) && isValidRoomId(idOfOrderKey(key)) ? key : undefined
}

/** ASCII case folding, the same the Redis script does, so both indexes find the same rooms. */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]/g, c => c.toLowerCase())
}

export function matchesSearch(entry: Pick<LobbyEntry, 'id' | 'title'>, foldedQuery: string): boolean {
  return foldCase(entry.id).includes(foldedQuery) || foldCase(entry.title).includes(foldedQuery)
}
