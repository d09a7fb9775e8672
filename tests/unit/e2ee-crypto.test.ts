import { createCipheriv, hkdfSync, pbkdf2Sync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { base64urlToBytes, bytesToBase64url } from '~/utils/e2ee/base64url'
import { decryptBytes, decryptText, encryptBytes, encryptText } from '~/utils/e2ee/envelope'
import type { CipherBinding } from '~/utils/e2ee/envelope'
import { deriveRoomKeys, PBKDF2_ITERATIONS } from '~/utils/e2ee/room-keys'

const password = 'correct horse battery staple'
const salt = new Uint8Array(16).map((_, index) => index)
const fixedIv = new Uint8Array(12).fill(7)
const binding: CipherBinding = { roomId: 'r1', authorId: 'm1', clientId: 'c1', purpose: 'text' }

// The same derivation written with node:crypto, an implementation independent of WebCrypto's.
function nodeDerivation(secret: string, roomSalt: Uint8Array) {
  const master = pbkdf2Sync(secret, roomSalt, PBKDF2_ITERATIONS, 32, 'sha256')
  return {
    auth: Buffer.from(hkdfSync('sha256', master, roomSalt, 'heartbeat-chat e2ee v1 auth', 32)),
    content: Buffer.from(hkdfSync('sha256', master, roomSalt, 'heartbeat-chat e2ee v1 content', 32)),
  }
}

function nodeSeal(key: Buffer, iv: Uint8Array, plain: string, aad: CipherBinding) {
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(JSON.stringify(['heartbeat-chat e2ee v1', aad.purpose, aad.roomId, aad.authorId, aad.clientId])))
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
}

describe('room keys', () => {
  it('a fixed password and salt give a fixed auth key, and a fixed ciphertext under a fixed IV', async () => {
    const keys = await deriveRoomKeys(password, salt)
    expect(keys.authKey).toBe('bbrqaJ17x9Hm1Ky0Bz0WuWgchABcEPQgjMLq-M7TaB0')
    const envelope = await encryptText(keys.contentKey, 'hello, Bob', binding, fixedIv)
    expect(envelope).toEqual({ v: 1, iv: 'BwcHBwcHBwcHBwcH', data: 'SeqQCHtrbUhOseke2saFlVjEQXECpxz_g-s' })
  })

  it('matches PBKDF2 600,000 + HKDF-SHA-256 + AES-256-GCM as node:crypto computes them', async () => {
    const keys = await deriveRoomKeys('pässwörd 🔑', salt.map(byte => 255 - byte))
    const expected = nodeDerivation('pässwörd 🔑', salt.map(byte => 255 - byte))
    expect(keys.authKey).toBe(bytesToBase64url(expected.auth))
    const envelope = await encryptText(keys.contentKey, 'ünïcödé ✓', binding, fixedIv)
    expect(envelope.data).toBe(bytesToBase64url(nodeSeal(expected.content, fixedIv, 'ünïcödé ✓', binding)))
  })

  it('the auth key says nothing of the content key: they differ, and the content key cannot be exported', async () => {
    const keys = await deriveRoomKeys(password, salt, 1000)
    expect(keys.contentKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', keys.contentKey)).rejects.toThrow()
    const other = await deriveRoomKeys(password, salt.map(byte => byte ^ 1), 1000)
    expect(other.authKey).not.toBe(keys.authKey)
  })

  it('refuses a salt that is not 16 bytes', async () => {
    await expect(deriveRoomKeys(password, new Uint8Array(8), 1000)).rejects.toThrow(/16 bytes/)
  })
})

describe('envelopes', () => {
  const keysPromise = deriveRoomKeys(password, salt, 1000)

  it('text round-trips, with a fresh IV each time', async () => {
    const { contentKey } = await keysPromise
    const first = await encryptText(contentKey, 'the same words', binding)
    const second = await encryptText(contentKey, 'the same words', binding)
    expect(first.iv).not.toBe(second.iv)
    expect(first.data).not.toBe(second.data)
    expect(await decryptText(contentKey, first, binding)).toBe('the same words')
    expect(await decryptText(contentKey, second, binding)).toBe('the same words')
  })

  it('bytes round-trip, including an empty file and one past 64 KiB', async () => {
    const { contentKey } = await keysPromise
    const fileBinding: CipherBinding = { ...binding, purpose: 'file' }
    const big = new Uint8Array(100_000).map((_, index) => (index * 31) & 0xff)
    for (const plain of [new Uint8Array(0), big]) {
      const blob = await encryptBytes(contentKey, plain, fileBinding)
      expect(blob.length).toBe(plain.length + 1 + 12 + 16)
      expect(await decryptBytes(contentKey, blob, fileBinding)).toEqual(plain)
    }
  })

  it('a tampered byte anywhere is refused', async () => {
    const { contentKey } = await keysPromise
    const envelope = await encryptText(contentKey, 'pay Bob 10', binding)
    const sealed = base64urlToBytes(envelope.data)!
    for (let index = 0; index < sealed.length; index++) {
      const tampered = sealed.slice()
      tampered[index]! ^= 0x01
      expect(await decryptText(contentKey, { ...envelope, data: bytesToBase64url(tampered) }, binding)).toBeNull()
    }
    const iv = base64urlToBytes(envelope.iv)!
    iv[0]! ^= 0x80
    expect(await decryptText(contentKey, { ...envelope, iv: bytesToBase64url(iv) }, binding)).toBeNull()
    const blob = await encryptBytes(contentKey, new Uint8Array([1, 2, 3]), binding)
    blob[blob.length - 1]! ^= 1
    expect(await decryptBytes(contentKey, blob, binding)).toBeNull()
  })

  it('another password, or another room salt, cannot decrypt', async () => {
    const { contentKey } = await keysPromise
    const envelope = await encryptText(contentKey, 'secret', binding)
    const wrongPassword = await deriveRoomKeys('correct horse battery stapler', salt, 1000)
    const otherSalt = await deriveRoomKeys(password, salt.map(byte => byte + 1), 1000)
    expect(await decryptText(wrongPassword.contentKey, envelope, binding)).toBeNull()
    expect(await decryptText(otherSalt.contentKey, envelope, binding)).toBeNull()
  })

  it('the associated data binds: moved to another clientId, author, room or purpose, it does not decrypt', async () => {
    const { contentKey } = await keysPromise
    const envelope = await encryptText(contentKey, 'mine', binding)
    expect(await decryptText(contentKey, envelope, binding)).toBe('mine')
    for (const moved of [
      { ...binding, clientId: 'c2' },
      { ...binding, authorId: 'm2' },
      { ...binding, roomId: 'r2' },
      { ...binding, purpose: 'file-name' as const },
    ]) expect(await decryptText(contentKey, envelope, moved)).toBeNull()
  })

  it('a malformed envelope is refused, not thrown on', async () => {
    const { contentKey } = await keysPromise
    for (const forged of [null, 'text', { v: 2, iv: 'AAAA', data: 'AAAA' }, { v: 1, iv: '!!', data: 'AAAA' }, { v: 1, iv: 'BwcHBwcHBwcHBwcH', data: 'AA' }]) {
      expect(await decryptText(contentKey, forged, binding)).toBeNull()
    }
    expect(await decryptBytes(contentKey, new Uint8Array(10), binding)).toBeNull()
  })
})
