// AES-256-GCM with a random 96-bit IV per item. The associated data names
// where a ciphertext belongs (room, author, the message's clientId, and what
// it is), so that a server cannot move one message's text onto another
// message, another author or another room: decryption then fails.
import { base64urlToBytes, bytesToBase64url } from './base64url'

export const ENVELOPE_VERSION = 1
const IV_BYTES = 12
/** GCM's tag: what a ciphertext adds to its plain text, besides the IV. */
export const TAG_BYTES = 16

/** An encrypted text as chat frames carry it in `cipher`. */
export interface CipherEnvelope {
  v: 1
  /** base64url of the 12-byte IV. */
  iv: string
  /** base64url of the ciphertext and its 16-byte tag. */
  data: string
  /** The room's key generation that sealed it; absent: the first (FIRST_KEY_GENERATION). */
  k?: number
}

/** What an encrypted item is, so that a file name cannot pass for a message text. */
export type CipherPurpose = 'text' | 'file' | 'file-name' | 'thumb'

export interface CipherBinding {
  roomId: string
  /** The member id of the author (the uploader, for a file). */
  authorId: string
  /** The message's clientId; a file's own random id. */
  clientId: string
  purpose: CipherPurpose
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function associatedData(binding: CipherBinding): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['heartbeat-chat e2ee v1', binding.purpose, binding.roomId, binding.authorId, binding.clientId]))
}

export function randomIv(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(IV_BYTES))
}

async function seal(key: CryptoKey, plain: Uint8Array<ArrayBuffer>, binding: CipherBinding, iv: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(binding) }, key, plain)
  return new Uint8Array(sealed)
}

/** The plain bytes, or null for anything that does not authenticate: tampered, another key, another binding. */
async function open(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, binding: CipherBinding, iv: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | null> {
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return null
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: associatedData(binding) }, key, sealed))
  }
  catch {
    return null
  }
}

/** `iv` only for tests with fixed vectors: reusing an IV under one key breaks GCM. */
export async function encryptText(key: CryptoKey, text: string, binding: CipherBinding, iv = randomIv()): Promise<CipherEnvelope> {
  const sealed = await seal(key, encoder.encode(text), binding, iv)
  return { v: ENVELOPE_VERSION, iv: bytesToBase64url(iv), data: bytesToBase64url(sealed) }
}

export function isCipherEnvelope(value: unknown): value is CipherEnvelope {
  if (typeof value !== 'object' || value === null) return false
  const envelope = value as Record<string, unknown>
  return envelope.v === ENVELOPE_VERSION && typeof envelope.iv === 'string' && typeof envelope.data === 'string' && (envelope.k === undefined || Number.isInteger(envelope.k))
}

/** The text, or null when the envelope is malformed or does not decrypt (never garbage). */
export async function decryptText(key: CryptoKey, envelope: unknown, binding: CipherBinding): Promise<string | null> {
  if (!isCipherEnvelope(envelope)) return null
  const iv = base64urlToBytes(envelope.iv)
  const sealed = base64urlToBytes(envelope.data)
  if (!iv || !sealed) return null
  const plain = await open(key, sealed, binding, iv)
  if (!plain) return null
  try {
    return decoder.decode(plain)
  }
  catch {
    return null
  }
}

/** Bytes as one opaque blob: version byte, IV, ciphertext and tag. What an encrypted file uploads. */
export async function encryptBytes(key: CryptoKey, plain: Uint8Array<ArrayBuffer>, binding: CipherBinding, iv = randomIv()): Promise<Uint8Array<ArrayBuffer>> {
  const sealed = await seal(key, plain, binding, iv)
  const blob = new Uint8Array(1 + IV_BYTES + sealed.length)
  blob[0] = ENVELOPE_VERSION
  blob.set(iv, 1)
  blob.set(sealed, 1 + IV_BYTES)
  return blob
}

/** The plain bytes of an encryptBytes blob, or null. */
export async function decryptBytes(key: CryptoKey, blob: Uint8Array<ArrayBuffer>, binding: CipherBinding): Promise<Uint8Array<ArrayBuffer> | null> {
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== ENVELOPE_VERSION) return null
  return open(key, blob.subarray(1 + IV_BYTES), binding, blob.subarray(1, 1 + IV_BYTES))
}
