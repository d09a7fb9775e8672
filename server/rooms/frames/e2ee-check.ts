import type { ErrorCode } from '../../../shared/protocol'
import type { SessionMember } from '../session-index'

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
