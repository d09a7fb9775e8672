import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number, r: number, p: number }) => Promise<Buffer>

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 }

/** 192 random bits: the only proof of being a member. */
export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

/** Tokens are stored hashed, so a leaked store does not hand out identities. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** Short random id for members and messages; not a secret. */
export function newId(): string {
  return randomBytes(9).toString('base64url')
}

/** A slow hash with a fixed salt, so that the same secret shows the same tripcode in every room and on every server. */
const TRIPCODE_SALT = Buffer.from('heartbeat-chat tripcode')

/**
 * The tripcode a `name#secret` join shows after its name: 8 characters
 * (48 bits) of the secret's scrypt. Shown in public, so it must be slow to
 * search: a guess costs a scrypt, and matching 48 bits by chance about 2^47.
 */
export async function tripcodeOf(secret: string): Promise<string> {
  const key = await scryptAsync(secret, TRIPCODE_SALT, SCRYPT.keyLength, SCRYPT)
  return key.toString('base64url').slice(0, 8)
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, SCRYPT)
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64url')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(N), r: Number(r), p: Number(p) })
  return timingSafeEqual(actual, expected)
}
