// What a frame may name: members and messages by their short ids, files by theirs.
import { LIMITS } from './limits'

/**
 * Member and message ids are short random strings the server made; this only
 * bounds what a frame may name, so one rule serves both.
 */
export function isShortId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.messageIdMaxLength
}

/** A file id as the upload answered it: 128 random bits in base64url. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

/** What a chat may carry: 1 to `LIMITS.attachmentsPerMessage` distinct file ids. */
export function isFileIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.length <= LIMITS.attachmentsPerMessage
    && value.every(id => typeof id === 'string' && FILE_ID_PATTERN.test(id)) && new Set(value).size === value.length
}
