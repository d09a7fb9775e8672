// End-to-end encrypted rooms on the wire (docs/protocol.md, "Encrypted rooms").
// The server never sees a key: it checks only that an envelope has the shape
// and size a sealed chat text can have, and stores and relays it as it is.
import { custom, literal, number, object, optional, string } from 'valibot'
import type { InferOutput } from 'valibot'
import { LIMITS } from './limits'

const BASE64URL = /^[\w-]*$/
const isBase64url = (value: unknown, maxLength: number, minLength = 0): value is string =>
  typeof value === 'string' && value.length >= minLength && value.length <= maxLength && BASE64URL.test(value)

/** base64url length of `bytes` bytes, without padding. */
const base64urlLength = (bytes: number) => Math.ceil((bytes * 4) / 3)

export const E2EE_LIMITS = {
  /** A room's salt: 16 random bytes, drawn by the creator's browser. */
  saltLength: base64urlLength(16),
  /** A 96-bit GCM nonce. */
  ivLength: base64urlLength(12),
  /** Characters of a file name kept in a sealed message (the server keeps none). */
  fileNameMaxLength: 48,
  /**
   * The largest plain content a message seals: its text as JSON (at most
   * LIMITS.textMaxBytes, as a plain chat) and, for files, each one's name,
   * type and size (the server sees none of them), with room for the framing.
   */
  sealedPlainMaxBytes: LIMITS.textMaxBytes + LIMITS.attachmentsPerMessage * 320 + 64,
  /** The largest sealed text as sent: the plain content above and GCM's 16-byte tag. */
  cipherDataMaxLength: base64urlLength(LIMITS.textMaxBytes + LIMITS.attachmentsPerMessage * 320 + 64 + 16),
  /** What a browser sends as the password of an encrypted room: its 256-bit auth key. */
  authKeyLength: base64urlLength(32),
  /** Key generations a room may go through (each password change is one): a bound on `k`. */
  maxGeneration: 1_000_000,
} as const

/**
 * The key generation an envelope was sealed with (`k`), or a room is at: the
 * first password is generation 1, each change of it by the owner the next.
 * An envelope without `k` (sealed before rooms could change their password)
 * is generation 1.
 */
export const FIRST_KEY_GENERATION = 1
export const generationOf = (holder: { k?: number } | undefined): number => holder?.k ?? FIRST_KEY_GENERATION
const isGeneration = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= FIRST_KEY_GENERATION && (value as number) <= E2EE_LIMITS.maxGeneration

export const CIPHER_MESSAGE = `cipher must be {v: 1, iv: ${E2EE_LIMITS.ivLength} base64url characters, data: at most ${E2EE_LIMITS.cipherDataMaxLength}, k: an optional key generation of 1-${E2EE_LIMITS.maxGeneration}}`
export const E2EE_SALT_MESSAGE = `e2eeSalt must be ${E2EE_LIMITS.saltLength} base64url characters (16 bytes)`

/** A sealed text as a client sends it: the shape and the size, all the server can check. */
export const CipherSendSchema = custom<{ v: 1, iv: string, data: string, k?: number }>((value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const { v, iv, data, k, ...rest } = value as Record<string, unknown>
  return v === 1 && Object.keys(rest).length === 0 && (k === undefined || isGeneration(k))
    && isBase64url(iv, E2EE_LIMITS.ivLength, E2EE_LIMITS.ivLength)
    && isBase64url(data, E2EE_LIMITS.cipherDataMaxLength, base64urlLength(16))
}, CIPHER_MESSAGE)

export const E2eeSaltSchema = custom<string>(value => isBase64url(value, E2EE_LIMITS.saltLength, E2EE_LIMITS.saltLength), E2EE_SALT_MESSAGE)
export const AuthKeySchema = custom<string>(value => isBase64url(value, E2EE_LIMITS.authKeyLength, E2EE_LIMITS.authKeyLength), `password must be the new auth key: ${E2EE_LIMITS.authKeyLength} base64url characters (32 bytes)`)
export const GenerationSchema = custom<number>(isGeneration, `generation must be an integer of 1-${E2EE_LIMITS.maxGeneration}`)

/** The envelope as messages carry it back (the page checks it again when it decrypts). */
export const CipherEnvelopeSchema = object({ v: literal(1), iv: string(), data: string(), k: optional(number()) })
export type CipherEnvelopeFrame = InferOutput<typeof CipherEnvelopeSchema>

/** `text` of an encrypted chat or edit: empty (or left out), the words are in `cipher`. */
export const emptyText = optional(literal('', 'text must be empty when cipher is given'), '')
