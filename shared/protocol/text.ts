// Sizes of what is sent, counted as the wire counts them: UTF-8 bytes.
import { LIMITS } from './limits'

/**
 * The UTF-8 bytes of a string, counted without encoding it: a frame is
 * measured on every receive. A lone surrogate counts 3, as TextEncoder
 * writes it (U+FFFD).
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) bytes += 1
    else if (code >= 0xD800 && code <= 0xDBFF && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xFC00) === 0xDC00) {
      bytes += 2
      i++
    }
    else bytes += 2
  }
  return bytes
}

/** Whether a frame is within `LIMITS.frameMaxBytes`; most are far below it, and are not counted. */
export function frameFits(raw: string): boolean {
  if (raw.length * 3 <= LIMITS.frameMaxBytes) return true
  return raw.length <= LIMITS.frameMaxBytes && utf8ByteLength(raw) <= LIMITS.frameMaxBytes
}

/** The bytes a text takes on the wire: its JSON string (quotes and escapes included) in UTF-8. */
export function textWireBytes(text: string): number {
  return utf8ByteLength(JSON.stringify(text))
}

/** Whether the server would take this text as a message's (text or caption) size. */
export function textFits(text: string): boolean {
  return text.length <= LIMITS.textMaxLength && textWireBytes(text) <= LIMITS.textMaxBytes
}

/** The start of a message's text for a reply, never cutting a character in two. */
export function replyExcerpt(text: string): string {
  const chars = Array.from(text)
  return chars.length <= LIMITS.replyExcerptMaxLength ? text : `${chars.slice(0, LIMITS.replyExcerptMaxLength - 1).join('')}…`
}
