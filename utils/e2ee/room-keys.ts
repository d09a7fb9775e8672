// Two keys from one password (docs/security.md, "End-to-end encrypted rooms").
// PBKDF2 makes each guess of the password cost 600,000 HMACs; HKDF then splits
// its output so that what the server learns (the auth key, which it hashes as
// a password) says nothing about the content key, which never leaves the page.
import { bytesToBase64url } from './base64url'

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 600_000
/** Bytes of the random salt a room keeps. */
export const ROOM_SALT_BYTES = 16

const AUTH_INFO = 'heartbeat-chat e2ee v1 auth'
const CONTENT_INFO = 'heartbeat-chat e2ee v1 content'

export interface RoomKeys {
  /** Sent as the join's password: 43 base64url characters (256 bits). */
  authKey: string
  /** AES-256-GCM, not extractable: it can be stored in IndexedDB but never read out. */
  contentKey: CryptoKey
}

const encoder = new TextEncoder()

/** The 256 bits both keys come from; slow on purpose (PBKDF2_ITERATIONS). */
async function stretchPassword(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const passwordKey = await crypto.subtle.importKey('raw', encoder.encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, passwordKey, 256)
  return crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveBits', 'deriveKey'])
}

function hkdf(info: string, salt: Uint8Array<ArrayBuffer>): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(info) }
}

/**
 * The room's keys for `password` and the room's `salt`. `iterations` is for
 * tests and the benchmark only; a room always uses PBKDF2_ITERATIONS.
 */
export async function deriveRoomKeys(password: string, salt: Uint8Array<ArrayBuffer>, iterations = PBKDF2_ITERATIONS): Promise<RoomKeys> {
  if (salt.length !== ROOM_SALT_BYTES) throw new TypeError(`a room salt is ${ROOM_SALT_BYTES} bytes`)
  const master = await stretchPassword(password, salt, iterations)
  const authBits = await crypto.subtle.deriveBits(hkdf(AUTH_INFO, salt), master, 256)
  const contentKey = await crypto.subtle.deriveKey(hkdf(CONTENT_INFO, salt), master, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  return { authKey: bytesToBase64url(new Uint8Array(authBits)), contentKey }
}
