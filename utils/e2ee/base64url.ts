// base64url without padding (RFC 4648 section 5): the envelope travels in JSON
// frames and URLs, where '+', '/' and '=' would need escaping.

export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = ''
  // String.fromCharCode takes its arguments on the stack: chunk so a file-sized
  // buffer does not overflow it.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  }
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

const BASE64URL = /^[\w-]*$/

/** The bytes of `text`, or null when it is not base64url (a forged envelope is refused, not thrown on). */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) return null
  const padded = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}
