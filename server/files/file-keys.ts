import { randomBytes } from 'node:crypto'
import type { RoomRecord } from '../rooms/types'

/** 128 random bits, base64url: the only key to a file (docs/security.md). */
export function newFileId(): string {
  return randomBytes(16).toString('base64url')
}

const FILE_ID = /^[A-Za-z0-9_-]{22}$/
// A room id, a dot, the room's creation time in base 36: one life of a room.
// A room removed and made again under the same id is another life, and its
// files start from nothing.
const ROOM_KEY = /^([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,12})$/

export function isFileId(value: unknown): value is string {
  return typeof value === 'string' && FILE_ID.test(value)
}

export function roomKeyOf(room: Pick<RoomRecord, 'id' | 'createdAt'>): string {
  return `${room.id}.${room.createdAt.toString(36)}`
}

export function parseRoomKey(roomKey: string): { roomId: string, createdAt: number } | undefined {
  const match = ROOM_KEY.exec(roomKey)
  return match ? { roomId: match[1]!, createdAt: Number.parseInt(match[2]!, 36) } : undefined
}

/** The blob keys of one upload: the file as served, its thumbnail, and the marker that says it was sent. */
export function blobKeys(roomKey: string, fileId: string) {
  return {
    file: `${roomKey}/${fileId}`,
    thumb: `${roomKey}/${fileId}.thumb`,
    sent: `${roomKey}/${fileId}.sent`,
  }
}

/** The file id a blob key belongs to (a thumbnail's or marker's too). */
export function fileIdOfKey(key: string): { roomKey: string, fileId: string } | undefined {
  const [roomKey, name] = key.split('/')
  const fileId = name?.split('.')[0]
  return roomKey && isFileId(fileId) ? { roomKey, fileId } : undefined
}

/** `/files/<roomKey>/<fileId>` and its thumbnail; what the serving route parses back. */
export function fileUrl(roomKey: string, fileId: string, thumb = false): string {
  return `/files/${roomKey}/${fileId}${thumb ? '.thumb' : ''}`
}

/** A file URL's path back to a blob key, or undefined for anything else. */
export function blobKeyOfPath(path: string): string | undefined {
  const [roomKey, name, ...rest] = path.split('/')
  if (!roomKey || !name || rest.length > 0 || !parseRoomKey(roomKey)) return undefined
  const [fileId, suffix, ...more] = name.split('.')
  if (!isFileId(fileId) || more.length > 0 || (suffix !== undefined && suffix !== 'thumb')) return undefined
  return `${roomKey}/${name}`
}

// Zl and Zp (U+2028, U+2029) are the line and paragraph separators: they break a name shown on one line.
const UNSAFE_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}/\\]/gu
const NAME_MAX = 200

/** The sender's file name as shown and offered for saving: no path, no control or bidi characters, bounded. */
export function cleanFileName(name: string | undefined): string {
  const cleaned = Array.from((name ?? '').normalize('NFC').replace(UNSAFE_NAME, '').trim()).slice(0, NAME_MAX).join('')
  return cleaned.replace(/^\.+/, '') || 'file'
}

/** A Content-Disposition header for any name: an ASCII fallback and the UTF-8 name (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]|["\\%]/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}
