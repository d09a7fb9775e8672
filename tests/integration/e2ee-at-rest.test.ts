import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { encryptBytes } from '../../utils/e2ee/envelope'
import { newRoomSalt } from '../../utils/e2ee/key-ring'
import { base64urlToBytes } from '../../utils/e2ee/base64url'
import { deriveRoomKeys } from '../../utils/e2ee/room-keys'
import { sealMessage } from '../../utils/e2ee/sealed-message'
import { upload } from '../support/files'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

// What the server keeps of an end-to-end encrypted room, read byte by byte
// where it keeps it: the SQLite file and its WAL, the files folder, every Redis
// key (its DUMP) and Redis's append-only file, and the server's own log.
const password = 'tangerine-submarine-42'
const wordMarker = 'xylophonequagmire'
const fileNameMarker = 'blueprintzephyr'
const fileContentMarker = 'contentmarkerkumquat'
// The password the owner changes to: it must not reach the server either.
const newPassword = 'marmalade-periscope-77'
const secrets = [password, newPassword, wordMarker, fileNameMarker, fileContentMarker]
// Said in a room that is not encrypted: the same search must find it, or it proves nothing.
const controlMarker = 'controlmarkerplainroom'

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** The secrets found in these bytes, as UTF-8 (and UTF-16, as SQLite could store text). */
function secretsIn(bytes: Buffer, sought = secrets): string[] {
  return sought.filter(secret => bytes.includes(Buffer.from(secret, 'utf8')) || bytes.includes(Buffer.from(secret, 'utf16le')))
}

/** Ada, as her page would: derives the keys, creates the room, says the marker and sends a sealed file named with the other. */
async function chatInAnEncryptedRoom(server: RunningServer, roomId: string) {
  const salt = newRoomSalt()
  const { authKey, contentKey } = await deriveRoomKeys(password, base64urlToBytes(salt)!)
  const { client, joined } = await joinRoom(server.wsUrl, roomId, 'Ada', { password: authKey, e2eeSalt: salt })
  expect(joined).toMatchObject({ created: true, protected: true, e2ee: { salt } })
  const binding = { roomId, authorId: joined.you.id }
  const fileBytes = new TextEncoder().encode(`a report that says ${fileContentMarker} twice: ${fileContentMarker}`)
  const sealedFile = await encryptBytes(contentKey, fileBytes, { ...binding, clientId: 'file-1', purpose: 'file' })
  const uploaded = await upload(server.url, roomId, joined.token, { bytes: sealedFile, name: 'sealed' })
  expect(uploaded.status).toBe(201)
  // Opaque: no type sniffed, no image made, the bytes kept as sent.
  expect(uploaded.body.file).toMatchObject({ type: 'application/octet-stream', size: sealedFile.length })
  expect(uploaded.body.file).not.toHaveProperty('thumbUrl')
  const content = { text: `the word is ${wordMarker}`, files: [{ id: uploaded.body.file!.id, name: `${fileNameMarker}.pdf`, type: 'application/pdf', size: fileBytes.length }] }
  client.send({ type: 'chat', text: '', clientId: 'c-1', cipher: await sealMessage(contentKey, { ...binding, clientId: 'c-1' }, content), attachments: [uploaded.body.file!.id] })
  const posted = await client.next('chat')
  expect(posted).toMatchObject({ text: '', clientId: 'c-1', cipher: { v: 1 }, attachments: [{ id: uploaded.body.file!.id, name: 'sealed' }] })
  // A plain message is refused, so it never reaches the store.
  client.send({ type: 'chat', text: `plain ${wordMarker}`, clientId: 'c-2' })
  expect(await client.next('error')).toMatchObject({ code: 'E2EE_REQUIRED', clientId: 'c-2' })
  const newSalt = newRoomSalt()
  const changed = await deriveRoomKeys(newPassword, base64urlToBytes(newSalt)!)
  client.send({ type: 'rekey', password: changed.authKey, e2eeSalt: newSalt, from: 1 })
  expect(await client.next('rekeyed')).toMatchObject({ salt: newSalt, generation: 2 })
  return { authKey }
}

async function sayInAPlainRoom(server: RunningServer) {
  const { client } = await joinRoom(server.wsUrl, 'plain-control', 'Cy')
  client.send({ type: 'chat', text: `the control word is ${controlMarker}`, clientId: 'p-1' })
  await client.next('chat')
}

async function expectWrongPasswordsRefused(server: RunningServer, roomId: string) {
  for (const wrong of [password, 'an-auth-key-derived-from-something-else-00']) {
    const bob = await connect(server.wsUrl)
    bob.send({ type: 'join', roomId, name: 'Bob', password: wrong })
    expect(await bob.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
  }
}

/** Every value of a key, as text, whatever its type. */
async function valuesOf(client: Redis, key: string): Promise<string> {
  const type = await client.type(key)
  if (type === 'string') return await client.get(key) ?? ''
  if (type === 'hash') return JSON.stringify(await client.hgetall(key))
  if (type === 'list') return JSON.stringify(await client.lrange(key, 0, -1))
  if (type === 'set') return JSON.stringify(await client.smembers(key))
  if (type === 'zset') return JSON.stringify(await client.zrange(key, 0, -1))
  return ''
}

afterEach(() => closeAllClients())

describe('an end-to-end encrypted room at rest', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.stop())

  it('SQLite: neither marker nor the password is in the database, its WAL, the files folder or the log; a wrong password is refused', async () => {
    const roomId = 'sealed-sqlite'
    await chatInAnEncryptedRoom(server, roomId)
    await sayInAPlainRoom(server)
    await expectWrongPasswordsRefused(server, roomId)
    const stored = filesUnder(server.dataDir!)
    expect(stored.some(path => secretsIn(readFileSync(path), [controlMarker]).length > 0)).toBe(true)
    expect(stored.some(path => path.endsWith('rooms.db'))).toBe(true)
    expect(stored.some(path => path.includes(`${join(server.dataDir!, 'files')}`))).toBe(true)
    for (const path of stored) expect({ path, found: secretsIn(readFileSync(path)) }).toEqual({ path, found: [] })
    expect(secretsIn(Buffer.from(server.output()))).toEqual([])
  })
})

describe('an end-to-end encrypted room at rest in Redis', () => {
  let redis: RunningRedis
  let redisDir: string
  let filesDir: string
  let server: RunningServer
  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'hb-e2ee-redis-'))
    filesDir = mkdtempSync(join(tmpdir(), 'hb-e2ee-files-'))
    redis = await startRedis({ dataDir: redisDir })
    server = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_DATA_DIR: filesDir })
  })
  afterAll(async () => {
    await server.stop()
    await redis.kill()
    rmSync(redisDir, { recursive: true, force: true })
    rmSync(filesDir, { recursive: true, force: true })
  })

  it('neither marker nor the password is in any Redis key or value, the append-only file, the files folder or the log', async () => {
    const roomId = 'sealed-redis'
    await chatInAnEncryptedRoom(server, roomId)
    await sayInAPlainRoom(server)
    await expectWrongPasswordsRefused(server, roomId)
    const client = new Redis(redis.url)
    try {
      const keys: string[] = []
      let cursor = '0'
      do {
        const [next, batch] = await client.scan(cursor, 'COUNT', 1000)
        cursor = next
        keys.push(...batch)
      } while (cursor !== '0')
      expect(keys.some(key => key.includes(roomId))).toBe(true)
      // DUMP may compress a long value (LZF), so each value is read as it is too.
      const held = await Promise.all(keys.map(async key => Buffer.concat([Buffer.from(key), await client.dumpBuffer(key) ?? Buffer.alloc(0), Buffer.from(await valuesOf(client, key))])))
      expect(held.some(bytes => secretsIn(bytes, [controlMarker]).length > 0)).toBe(true)
      keys.forEach((key, index) => expect({ key, found: secretsIn(held[index]!) }).toEqual({ key, found: [] }))
      // The room's salt is there (the join form needs it); the password's auth key is not, only its hash.
      expect(await client.hget(keys.find(key => key.includes(roomId) && key.endsWith(':room'))!, 'e2eeSalt')).toMatch(/^[\w-]{22}$/)
    }
    finally {
      client.disconnect()
    }
    const aof = filesUnder(redisDir)
    expect(aof.some(path => secretsIn(readFileSync(path), [controlMarker]).length > 0)).toBe(true)
    for (const path of [...aof, ...filesUnder(filesDir)]) expect({ path, found: secretsIn(readFileSync(path)) }).toEqual({ path, found: [] })
    expect(secretsIn(Buffer.from(server.output()))).toEqual([])
  })
})
