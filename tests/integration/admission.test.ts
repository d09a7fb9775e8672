import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    NUXT_MEMBERS_PER_ADDRESS: '4',
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '3',
    NUXT_PASSWORD_HASHES_PER_MINUTE: '3',
  })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

/**
 * A join from its own loopback address (all of 127.0.0.0/8 is this machine),
 * so each test is a client address of its own: the joined or error frame.
 */
async function joinFrom(address: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const client = await connect(server.wsUrl, { localAddress: address })
  client.send({ type: 'join', roomId, name, create: true, ...extra })
  for (let waited = 0; waited < 5000; waited += 10) {
    const frame = client.frames.find(f => f.type === 'joined' || f.type === 'error')
    if (frame) return { client, frame }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  throw new Error(`no answer to the join of ${name} in ${roomId}`)
}

describe('who may enter, and under what name', () => {
  it('one address can neither fill the server with rooms nor a room with members, and another address still gets in', async () => {
    for (const room of ['quota-1', 'quota-2', 'quota-3']) {
      expect((await joinFrom('127.0.0.2', room, 'Mallory')).frame).toMatchObject({ type: 'joined', created: true })
    }
    const fourth = (await joinFrom('127.0.0.2', 'quota-4', 'Mallory')).frame
    expect(fourth).toMatchObject({ type: 'error', code: 'RATE_LIMITED' })
    expect(fourth.type === 'error' && fourth.retryAfterMs).toBeGreaterThan(15_000)
    expect((await joinFrom('127.0.0.2', 'quota-1', 'Mallory 2')).frame).toMatchObject({ type: 'joined', created: false })
    expect((await joinFrom('127.0.0.2', 'quota-1', 'Mallory 3')).frame).toMatchObject({ type: 'error', code: 'TOO_MANY_MEMBERSHIPS' })
    expect((await joinFrom('127.0.0.6', 'quota-1', 'Alice')).frame).toMatchObject({ type: 'joined', presence: { members: 3 } })
    expect((await joinFrom('127.0.0.6', 'quota-4', 'Alice')).frame).toMatchObject({ type: 'joined', created: true })
  })

  it('password checks from one address are rate-limited with retryAfterMs; another address still gets in', async () => {
    expect((await joinFrom('127.0.0.4', 'hash-vault', 'Owner', { password: 'pw' })).frame).toMatchObject({ type: 'joined', protected: true })
    for (const name of ['Two', 'Three']) {
      expect((await joinFrom('127.0.0.4', 'hash-vault', name, { password: 'pw' })).frame).toMatchObject({ type: 'joined' })
    }
    const limited = (await joinFrom('127.0.0.4', 'hash-vault', 'Four', { password: 'pw' })).frame
    expect(limited).toMatchObject({ type: 'error', code: 'RATE_LIMITED', message: expect.stringContaining('password') })
    expect(limited.type === 'error' && limited.retryAfterMs).toBeGreaterThan(15_000)
    expect((await joinFrom('127.0.0.7', 'hash-vault', 'Guest', { password: 'pw' })).frame).toMatchObject({ type: 'joined', protected: true })
  })

  it('joined tells a protected room from an open one, notes a password typed for an open room, and the token needs no password', async () => {
    const owner = await joinFrom('127.0.0.3', 'lock-room', 'Owner', { password: 'pw' })
    expect(owner.frame).toMatchObject({ type: 'joined', protected: true })
    const token = owner.frame.type === 'joined' ? owner.frame.token : ''
    expect((await joinFrom('127.0.0.3', 'lock-room', 'Owner', { token })).frame).toMatchObject({ type: 'joined', protected: true, you: { name: 'Owner' } })
    await joinFrom('127.0.0.3', 'open-room', 'Host')
    const typed = (await joinFrom('127.0.0.3', 'open-room', 'Guest', { password: 'not needed' })).frame
    expect(typed).toMatchObject({ type: 'joined', protected: false, passwordIgnored: true })
  })

  it('a look-alike of a member\'s name is refused, online or long gone silent; its token brings it back as itself', async () => {
    const watcher = await joinFrom('127.0.0.5', 'names-room', 'Watcher', { create: true })
    const laptop = await joinFrom('127.0.0.5', 'names-room', 'alice')
    const you = laptop.frame.type === 'joined' ? laptop.frame.you : undefined
    const token = laptop.frame.type === 'joined' ? laptop.frame.token : ''
    for (const name of ['al\u0456ce', 'alice\u200b', '\uff41lice', 'ALICE']) {
      expect({ name, frame: (await joinFrom('127.0.0.5', 'names-room', name)).frame }).toMatchObject({ name, frame: { code: 'NAME_TAKEN' } })
    }
    const keepAlive = setInterval(() => watcher.client.send({ type: 'ping' }), 300)
    try {
      laptop.client.send({ type: 'ping' })
      await laptop.client.next('pong')
      laptop.client.close()
      await laptop.client.closed
      // FAST_ENV's heartbeat window is 1.5 s.
      await new Promise(resolve => setTimeout(resolve, 1800))
      expect((await joinFrom('127.0.0.6', 'names-room', 'Alice')).frame).toMatchObject({ code: 'NAME_TAKEN' })
      expect((await joinFrom('127.0.0.6', 'names-room', 'Alice', { token })).frame).toMatchObject({ type: 'joined', you })
    }
    finally {
      clearInterval(keepAlive)
    }
  })
})
