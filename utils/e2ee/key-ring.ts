// The content keys this page holds, one per encrypted room. In memory only
// (a reload asks for the password again) unless the person chose to have the
// key remembered on this device (key-store.ts).
import { base64urlToBytes, bytesToBase64url } from './base64url'
import { forgetStoredRoomKey, loadRoomKey, storeRoomKey } from './key-store'
import { deriveRoomKeys, ROOM_SALT_BYTES } from './room-keys'

const keys = new Map<string, CryptoKey>()

/** A new room's salt, drawn by its creator's browser (docs/security.md says why not by the server). */
export function newRoomSalt(): string {
  return bytesToBase64url(crypto.getRandomValues(new Uint8Array(ROOM_SALT_BYTES)))
}

/**
 * Derives the room's keys from the password, keeps the content key (and, with
 * `remember`, stores it on this device), and gives the auth key: what the
 * join sends as the password.
 */
export async function unlockRoom(roomId: string, password: string, salt: string, remember: boolean): Promise<string> {
  const saltBytes = base64urlToBytes(salt)
  if (!saltBytes || saltBytes.length !== ROOM_SALT_BYTES) throw new TypeError('the room\'s salt is not 16 bytes')
  const { authKey, contentKey } = await deriveRoomKeys(password, saltBytes)
  keys.set(roomId, contentKey)
  if (remember) await storeRoomKey(roomId, contentKey).catch(() => {})
  else await forgetStoredRoomKey(roomId)
  return authKey
}

/** The key held in memory, or the one remembered on this device; undefined: the password is needed. */
export async function roomKeyOf(roomId: string): Promise<CryptoKey | undefined> {
  const held = keys.get(roomId)
  if (held) return held
  const stored = await loadRoomKey(roomId)
  if (stored) keys.set(roomId, stored)
  return stored
}

/** Leaving the room forgets its key, here and on this device. */
export async function forgetRoomKey(roomId: string): Promise<void> {
  keys.delete(roomId)
  await forgetStoredRoomKey(roomId)
}
