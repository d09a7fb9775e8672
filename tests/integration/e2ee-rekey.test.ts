import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { base64urlToBytes } from '../../utils/e2ee/base64url'
import { newRoomSalt } from '../../utils/e2ee/key-ring'
import { deriveRoomKeys } from '../../utils/e2ee/room-keys'
import { openMessage, sealMessage } from '../../utils/e2ee/sealed-message'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

// The owner of an end-to-end encrypted room changes its password, over real
// sockets on the built server. PBKDF2 runs with few iterations here: the
// server sees only the auth key, whatever its cost.
const keysOf = (password: string, salt: string) => deriveRoomKeys(password, base64urlToBytes(salt)!, 1000)

async function changeThePassword(server: RunningServer, roomId: string) {
  const salt1 = newRoomSalt()
  const first = await keysOf('first-password', salt1)
  const { client: ada, joined } = await joinRoom(server.wsUrl, roomId, 'Ada', { password: first.authKey, e2eeSalt: salt1 })
  expect(joined.e2ee).toEqual({ salt: salt1, generation: 1 })
  const { client: bob, joined: bobJoined } = await joinRoom(server.wsUrl, roomId, 'Bob', { password: first.authKey })
  const bobId = bobJoined.you.id
  const sealAs = (key: CryptoKey, clientId: string, text: string, generation?: number) => sealMessage(key, { roomId, authorId: bobId, clientId }, { text }, generation)

  bob.send({ type: 'chat', text: '', clientId: 'b-1', cipher: await sealAs(first.contentKey, 'b-1', 'before the change') })
  const before = await bob.next('chat')
  await ada.next('chat')

  const salt2 = newRoomSalt()
  const second = await keysOf('second-password', salt2)
  // Only the owner: Bob knows the password, but the room is not his.
  bob.send({ type: 'rekey', password: second.authKey, e2eeSalt: salt2, from: 1 })
  expect(await bob.next('error')).toMatchObject({ code: 'FORBIDDEN' })

  ada.send({ type: 'rekey', password: second.authKey, e2eeSalt: salt2, from: 1 })
  for (const member of [ada, bob]) expect(await member.next('rekeyed')).toEqual({ type: 'rekeyed', roomId, salt: salt2, generation: 2 })
  // A second change from the same generation came too late: refused, the room stays at 2.
  ada.send({ type: 'rekey', password: (await keysOf('third-password', salt2)).authKey, e2eeSalt: salt2, from: 1 })
  expect(await ada.next('error')).toMatchObject({ code: 'E2EE_KEY_CHANGED' })

  // Bob still holds the old key only: what he seals with it is refused by its generation, named by its clientId, not stored.
  bob.send({ type: 'chat', text: '', clientId: 'b-2', cipher: await sealAs(first.contentKey, 'b-2', 'with the old key') })
  expect(await bob.next('error')).toMatchObject({ code: 'E2EE_KEY_CHANGED', clientId: 'b-2' })
  bob.send({ type: 'edit', id: before.id, text: '', cipher: await sealAs(first.contentKey, 'b-1', 'edited with the old key') })
  expect(await bob.next('error')).toMatchObject({ code: 'E2EE_KEY_CHANGED' })
  // With the new password the same message goes, under the same clientId.
  bob.send({ type: 'chat', text: '', clientId: 'b-2', cipher: await sealAs(second.contentKey, 'b-2', 'with the new key', 2) })
  const after = await bob.next('chat')
  expect(after).toMatchObject({ clientId: 'b-2', cipher: { k: 2 } })

  // A newcomer: the old password is refused, the new one is taken and gets the new salt and generation.
  const late = await connect(server.wsUrl)
  late.send({ type: 'join', roomId, name: 'Cy', password: first.authKey })
  expect(await late.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
  const summary = await (await fetch(`${server.url}/api/rooms/${roomId}`)).json() as Record<string, unknown>
  expect(summary).toMatchObject({ e2ee: true, salt: salt2, generation: 2 })
  const { joined: cyJoined } = await joinRoom(server.wsUrl, roomId, 'Cy', { password: second.authKey })
  expect(cyJoined.e2ee).toEqual({ salt: salt2, generation: 2 })
  const [old, fresh] = [cyJoined.history.find(m => m.clientId === 'b-1')!, cyJoined.history.find(m => m.clientId === 'b-2')!]
  // Cy reads what the new key sealed; the old message is of generation 1, which her key does not open.
  expect(fresh.cipher?.k).toBe(2)
  expect(await openMessage(second.contentKey, fresh)).toEqual({ text: 'with the new key' })
  expect(old.cipher?.k).toBeUndefined()
  expect(await openMessage(second.contentKey, old)).toBeNull()
  // Bob, who kept the old key, still reads the old message.
  expect(await openMessage(first.contentKey, old)).toEqual({ text: 'before the change' })
  expect(after.seq).toBeGreaterThan(before.seq)
}

afterEach(() => closeAllClients())

describe('changing the password of an end-to-end encrypted room (SQLite)', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.stop())

  it('only the owner changes it; the old password and sends sealed with the old key are refused; a newcomer with the new one gets the new salt', async () => {
    await changeThePassword(server, 'rekey-sqlite')
    // A password room without encryption has no keys to change.
    const { client } = await joinRoom(server.wsUrl, 'rekey-plain', 'Ada', { password: 'plain-password' })
    client.send({ type: 'rekey', password: 'a'.repeat(43), e2eeSalt: newRoomSalt(), from: 1 })
    expect(await client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
    // A malformed change is refused by its shape, and the socket lives on.
    client.send({ type: 'rekey', password: 'the-password-itself', e2eeSalt: newRoomSalt(), from: 1 })
    expect(await client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
    client.send({ type: 'ping' })
    await client.next('pong')
  })

  it('the change outlives a restart on the same database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hb-rekey-'))
    try {
      const first = await startServer({ NUXT_DATA_DIR: dataDir })
      const salt = newRoomSalt()
      const keys = await keysOf('one', salt)
      const { client } = await joinRoom(first.wsUrl, 'rekey-restart', 'Ada', { password: keys.authKey, e2eeSalt: salt })
      const salt2 = newRoomSalt()
      const keys2 = await keysOf('two', salt2)
      client.send({ type: 'rekey', password: keys2.authKey, e2eeSalt: salt2, from: 1 })
      await client.next('rekeyed')
      await first.stop()
      const second = await startServer({ NUXT_DATA_DIR: dataDir })
      try {
        const { joined } = await joinRoom(second.wsUrl, 'rekey-restart', 'Bob', { password: keys2.authKey })
        expect(joined.e2ee).toEqual({ salt: salt2, generation: 2 })
      }
      finally {
        await second.stop()
      }
    }
    finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('changing the password of an end-to-end encrypted room (Redis)', () => {
  let redis: RunningRedis
  let server: RunningServer
  beforeAll(async () => {
    redis = await startRedis()
    server = await startServer({ NUXT_REDIS_URL: redis.url })
  })
  afterAll(async () => {
    await server.stop()
    await redis.kill()
  })

  it('only the owner changes it; the old password and sends sealed with the old key are refused; a newcomer with the new one gets the new salt', async () => {
    await changeThePassword(server, 'rekey-redis')
  })
})
