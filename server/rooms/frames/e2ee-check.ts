import { generationOf } from '../../../shared/protocol'
import type { ErrorCode } from '../../../shared/protocol'
import { keyGenerationOf } from '../room-rekey'
import type { SessionMember } from '../session-index'
import type { RoomStore } from '../types'

/**
 * Whether a chat or edit fits its room: sealed (`cipher`) in an end-to-end
 * encrypted room, plain in any other. The server cannot read a sealed text,
 * so this and the envelope's size (CipherSendSchema) are all it checks.
 */
export function e2eeMismatch(member: SessionMember, sealed: boolean): { code: ErrorCode, message: string } | undefined {
  if (member.e2ee && !sealed) return { code: 'E2EE_REQUIRED', message: 'this room is end-to-end encrypted: a chat or edit must carry its text sealed in cipher, with text empty' }
  if (!member.e2ee && sealed) return { code: 'BAD_REQUEST', message: 'cipher is only for end-to-end encrypted rooms; send text' }
  return undefined
}

/**
 * A sealed chat or edit of an end-to-end encrypted room whose key generation
 * (`cipher.k`) is not the room's: its owner changed the password since, and
 * what this member seals would not open for a member who joined with the new
 * one. Refused, not stored; the page asks for the new password and seals it
 * again. The room's record is read from the store, so a change made through
 * another instance counts at once.
 */
export async function staleKey(store: Pick<RoomStore, 'getRoom'>, member: SessionMember, cipher: { k?: number } | undefined): Promise<{ code: ErrorCode, message: string } | undefined> {
  if (!member.e2ee || !cipher) return undefined
  const room = await store.getRoom(member.roomId)
  if (!room || keyGenerationOf(room) === generationOf(cipher)) return undefined
  return { code: 'E2EE_KEY_CHANGED', message: `the room's password changed: seal with key generation ${keyGenerationOf(room)} (enter the new password)` }
}
