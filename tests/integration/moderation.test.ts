import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Redis from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

// Each client binds its own loopback address (all of 127/8 is this host), so
// the server sees two people on one network as one address, as behind a NAT.
async function refused(wsUrl: string, localAddress: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const client = await connect(wsUrl, { localAddress })
  client.send({ type: 'join', roomId, name, ...extra })
  const error = await client.next('error')
  expect(client.frames.filter(frame => frame.type === 'joined')).toEqual([])
  return error
}

afterEach(() => closeAllClients())

describe('removals ban the member, and the network only when the owner chooses', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.stop())

  it('after a plain removal, the member\'s browser is refused without its token, and another person on the same address gets in', async () => {
    const ada = await joinRoom(server.wsUrl, 'office', 'Ada', { create: true, browserId: 'browser-ada' }, '127.0.0.1')
    const eve = await joinRoom(server.wsUrl, 'office', 'Eve', { browserId: 'browser-eve' }, '127.0.0.2')
    ada.client.send({ type: 'kick', memberId: eve.joined.you.id })
    await eve.client.next('kicked')
    // Dropping the token is not enough: the browser is banned.
    const eveAgain = await refused(server.wsUrl, '127.0.0.2', 'office', 'Eve', { browserId: 'browser-eve' })
    expect(eveAgain).toMatchObject({ code: 'FORBIDDEN' })
    expect(eveAgain.message).toMatch(/removed you/)
    expect(await refused(server.wsUrl, '127.0.0.2', 'office', 'Eve', { token: eve.joined.token })).toMatchObject({ code: 'FORBIDDEN' })
    // Someone else in a new browser on the same network is not Eve.
    const eve2 = await joinRoom(server.wsUrl, 'office', 'Eve2', { browserId: 'browser-eve2' }, '127.0.0.2')
    expect(eve2.joined.you.name).toBe('Eve2')
  })

  it('a removal that blocks the network refuses others on that address honestly, and nobody on another', async () => {
    const ada = await joinRoom(server.wsUrl, 'school', 'Ada', { create: true, browserId: 'browser-ada' }, '127.0.0.1')
    const mal = await joinRoom(server.wsUrl, 'school', 'Mal', { browserId: 'browser-mal' }, '127.0.0.3')
    ada.client.send({ type: 'kick', memberId: mal.joined.you.id, blockNetwork: true })
    const kicked = await mal.client.next('kicked')
    const neighbour = await refused(server.wsUrl, '127.0.0.3', 'school', 'Nia', { browserId: 'browser-nia' })
    expect(neighbour.code).toBe('NETWORK_BLOCKED')
    expect(neighbour.message).toMatch(/^someone on your network was removed from this room/)
    expect(neighbour.message).not.toMatch(/removed you/)
    expect(Date.now() + neighbour.retryAfterMs!).toBeGreaterThan(kicked.until - 5000)
    // Mal itself is told it was removed, not that its network is blocked.
    expect(await refused(server.wsUrl, '127.0.0.3', 'school', 'Mal', { browserId: 'browser-mal' })).toMatchObject({ code: 'FORBIDDEN' })
    expect((await joinRoom(server.wsUrl, 'school', 'Cy', { browserId: 'browser-cy' }, '127.0.0.4')).joined.you.name).toBe('Cy')
  })
})

describe('the owner deletes messages', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.stop())

  it('the owner deletes anyone\'s message and the room sees it was the owner; a member still deletes only its own', async () => {
    const ada = await joinRoom(server.wsUrl, 'forum', 'Ada', { create: true })
    const bob = await joinRoom(server.wsUrl, 'forum', 'Bob')
    const cy = await joinRoom(server.wsUrl, 'forum', 'Cy')
    bob.client.send({ type: 'chat', text: 'buy cheap pills', clientId: 'bob-1' })
    const spam = await ada.client.next('chat')
    cy.client.send({ type: 'delete', id: spam.id })
    expect(await cy.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'delete', id: spam.id })
    expect(await cy.client.next('deleted')).toEqual({ type: 'deleted', roomId: 'forum', id: spam.id, deletedBy: 'owner' })
    const later = await joinRoom(server.wsUrl, 'forum', 'Dee')
    expect(later.joined.history.find(message => message.id === spam.id)).toMatchObject({ text: '', deleted: true, deletedBy: 'owner' })
  })

  it('"remove and delete their last 10 minutes" tombstones every message of theirs for everyone, and nobody else\'s', async () => {
    const ada = await joinRoom(server.wsUrl, 'market', 'Ada', { create: true })
    const bob = await joinRoom(server.wsUrl, 'market', 'Bob')
    const spammer = await joinRoom(server.wsUrl, 'market', 'Spammer')
    for (let i = 1; i <= 3; i++) spammer.client.send({ type: 'chat', text: `spam ${i}`, clientId: `s-${i}` })
    const seen: ChatMessage[] = []
    for (let i = 0; i < 3; i++) seen.push(await ada.client.next('chat'))
    bob.client.send({ type: 'chat', text: 'a real question', clientId: 'b-1' })
    seen.push(await ada.client.next('chat'))
    ada.client.send({ type: 'kick', memberId: spammer.joined.you.id, deleteRecent: true })
    const deleted = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const frame = await bob.client.next('deleted')
      expect(frame.deletedBy).toBe('owner')
      deleted.add(frame.id)
    }
    expect(deleted).toEqual(new Set(seen.filter(message => message.from.id === spammer.joined.you.id).map(message => message.id)))
    const later = await joinRoom(server.wsUrl, 'market', 'Dee')
    expect(later.joined.history.map(message => message.text)).toEqual(['', '', '', 'a real question'])
  })
})

describe('a delete leaves the text nowhere', () => {
  it('SQLite: after a delete and an edit, neither the rooms file nor its log holds the old words, and a resend gets the tombstone', async () => {
    const server = await startServer()
    try {
      const ada = await joinRoom(server.wsUrl, 'vault', 'Ada', { create: true })
      // Messages of a real length: a short row's old bytes happen to be overwritten by SQLite anyway, a long one's are left in freed space.
      const card = `my card number is 4111-MARKER-DELETED, and more words: ${'x'.repeat(200)}`
      const typoText = `typo MARKER-EDITED here, and more words: ${'y'.repeat(200)}`
      ada.client.send({ type: 'chat', text: card, clientId: 'card-1' })
      const cardMessage = await ada.client.next('chat')
      ada.client.send({ type: 'chat', text: typoText, clientId: 'typo-1' })
      const typo = await ada.client.next('chat')
      ada.client.send({ type: 'delete', id: cardMessage.id })
      await ada.client.next('deleted')
      ada.client.send({ type: 'edit', id: typo.id, text: 'fixed' })
      await ada.client.next('edited')
      // The author's outbox sends the same clientIds again: it gets the tombstone and the new text.
      ada.client.send({ type: 'chat', text: card, clientId: 'card-1' })
      expect(await ada.client.next('chat')).toMatchObject({ id: cardMessage.id, text: '', deleted: true })
      ada.client.send({ type: 'chat', text: typoText, clientId: 'typo-1' })
      expect(await ada.client.next('chat')).toMatchObject({ id: typo.id, text: 'fixed' })
      expect(JSON.stringify(ada.client.frames.slice(-2))).not.toContain('MARKER')
      const file = join(server.dataDir!, 'rooms.db')
      // A second connection copies the log into the file and empties it, as the server's own checkpoints do.
      const reader = new Database(file)
      try {
        reader.pragma('wal_checkpoint(TRUNCATE)')
        expect(reader.prepare('SELECT body FROM sent').pluck().all().join('\n')).not.toContain('MARKER')
      }
      finally {
        reader.close()
      }
      for (const path of [file, `${file}-wal`]) {
        if (existsSync(path)) expect(readFileSync(path).includes('MARKER')).toBe(false)
      }
    }
    finally {
      await server.stop()
    }
  })

  it('Redis: after a delete and an edit, no key holds the old words, and a resend gets the tombstone', async () => {
    let redis: RunningRedis | undefined
    let server: RunningServer | undefined
    try {
      redis = await startRedis()
      server = await startServer({ NUXT_REDIS_URL: redis.url })
      const url = server.url
      await expect.poll(async () => (await (await fetch(`${url}/api/health`, { headers: METRICS_HEADERS })).json() as { status: string }).status, { timeout: 10_000 }).toBe('ok')
      const ada = await joinRoom(server.wsUrl, 'vault', 'Ada', { create: true })
      const bob = await joinRoom(server.wsUrl, 'vault', 'Bob')
      bob.client.send({ type: 'chat', text: 'spam MARKER-DELETED', clientId: 'spam-1' })
      const spam = await ada.client.next('chat')
      ada.client.send({ type: 'chat', text: 'typo MARKER-EDITED', clientId: 'typo-1' })
      const typo = await ada.client.next('chat')
      // The owner deletes Bob's message: Bob's own dedupe window loses the words too.
      ada.client.send({ type: 'delete', id: spam.id })
      await bob.client.next('deleted')
      ada.client.send({ type: 'edit', id: typo.id, text: 'fixed' })
      await ada.client.next('edited')
      // Bob's socket saw both messages go out; the next chat it gets answers the resend.
      for (let i = 0; i < 2; i++) await bob.client.next('chat')
      bob.client.send({ type: 'chat', text: 'spam MARKER-DELETED', clientId: 'spam-1' })
      expect(await bob.client.next('chat')).toMatchObject({ id: spam.id, text: '', deleted: true, deletedBy: 'owner' })
      const held = new Redis(redis.url)
      try {
        const keys = await held.keys('*')
        const values: string[] = []
        for (const key of keys) {
          const type = await held.type(key)
          if (type === 'string') values.push(String(await held.get(key)))
          else if (type === 'hash') values.push(JSON.stringify(await held.hgetall(key)))
          else if (type === 'list') values.push(JSON.stringify(await held.lrange(key, 0, -1)))
          else if (type === 'set') values.push(JSON.stringify(await held.smembers(key)))
          else if (type === 'zset') values.push(JSON.stringify(await held.zrange(key, 0, -1)))
        }
        expect(keys.some(key => key.includes(':sent:'))).toBe(true)
        expect(values.join('\n')).toContain('fixed')
        expect(values.join('\n')).not.toContain('MARKER')
      }
      finally {
        held.disconnect()
      }
    }
    finally {
      await server?.stop()
      await redis?.kill()
    }
  })
})
