// The content keys this page holds, per encrypted room and per key
// generation (each password change by the room's owner is the next one). In
// memory only (a reload asks for the password again) unless the person chose
// to have the key remembered on this device (key-store.ts).
import { FIRST_KEY_GENERATION } from '../../shared/protocol'
import { base64urlToBytes, bytesToBase64url } from './base64url'
import { forgetStoredRoomKeys, loadRoomKey, storeRoomKey } from './key-store'
import { deriveRoomKeys, ROOM_SALT_BYTES } from './room-keys'

const keys = new Map<string, Map<number, CryptoKey>>()
/** The generation each room is at, as its server last said (`joined`, `rekeyed`): what new messages are sealed with. */
const current = new Map<string, number>()

export function setRoomGeneration(roomId: string, generation: number): void {
  current.set(roomId, generation)
}

export function roomGenerationOf(roomId: string): number {
  return current.get(roomId) ?? FIRST_KEY_GENERATION
}
/** A new password's key, made by the owner's page, kept until the room says the change was made (`rekeyed`). */
const pending = new Map<string, { salt: string, generation: number, key: CryptoKey, remember: boolean }>()

/** A new room's salt, drawn by its creator's browser (docs/security.md says why not by the server). */
export function newRoomSalt(): string {
  return bytesToBase64url(crypto.getRandomValues(new Uint8Array(ROOM_SALT_BYTES)))
}

function hold(roomId: string, generation: number, key: CryptoKey) {
  const held = keys.get(roomId) ?? new Map<number, CryptoKey>()
  held.set(generation, key)
  keys.set(roomId, held)
}

async function keysOf(password: string, salt: string) {
  const saltBytes = base64urlToBytes(salt)
  if (!saltBytes || saltBytes.length !== ROOM_SALT_BYTES) throw new TypeError('the room\'s salt is not 16 bytes')
  return deriveRoomKeys(password, saltBytes)
}

/**
 * Derives the room's keys from the password, keeps the content key of this
 * `generation` (and, with `remember`, stores it on this device), and gives the
 * auth key: what the join sends as the password.
 */
export async function unlockRoom(roomId: string, password: string, salt: string, remember: boolean, generation = roomGenerationOf(roomId)): Promise<string> {
  const { authKey, contentKey } = await keysOf(password, salt)
  hold(roomId, generation, contentKey)
  if (remember) await storeRoomKey(roomId, contentKey, generation).catch(() => {})
  else await forgetStoredRoomKeys(roomId, generation)
  return authKey
}

/**
 * The owner's page changes the password: a new salt, the keys of the new
 * password with it, the content key kept aside until the room confirms
 * (adoptPendingKey). The auth key and salt are what the `rekey` frame sends.
 */
export async function newRoomPassword(roomId: string, password: string, generation: number, remember: boolean): Promise<{ authKey: string, salt: string }> {
  const salt = newRoomSalt()
  const { authKey, contentKey } = await keysOf(password, salt)
  pending.set(roomId, { salt, generation, key: contentKey, remember })
  return { authKey, salt }
}

/** The room changed its password to `salt` at `generation`: the owner's page that asked for it takes the new key. */
export async function adoptPendingKey(roomId: string, salt: string, generation: number): Promise<void> {
  const waiting = pending.get(roomId)
  if (waiting?.salt !== salt || waiting.generation !== generation) return
  pending.delete(roomId)
  hold(roomId, generation, waiting.key)
  if (waiting.remember) await storeRoomKey(roomId, waiting.key, generation).catch(() => {})
}

/** The key of `generation` (the room's current one by default) held in memory, or remembered on this device; undefined: its password is needed. */
export async function roomKeyOf(roomId: string, generation = roomGenerationOf(roomId)): Promise<CryptoKey | undefined> {
  const held = keys.get(roomId)?.get(generation)
  if (held) return held
  const stored = await loadRoomKey(roomId, generation)
  if (stored) hold(roomId, generation, stored)
  return stored
}

/** Forgets the room's key of `generation` (a wrong password), or every key of the room (leaving it), here and on this device. */
export async function forgetRoomKey(roomId: string, generation?: number): Promise<void> {
  if (generation === undefined) keys.delete(roomId)
  else keys.get(roomId)?.delete(generation)
  pending.delete(roomId)
  await forgetStoredRoomKeys(roomId, generation)
}
