import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: '6',
    NUXT_MAX_ROOM_MEMBERS: '2',
    NUXT_MAX_ROOMS: '4',
  })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

describe('limits', () => {
  it('five wrong passwords from one address lock that room for a minute, even to the right one', async () => {
    await joinRoom(server.wsUrl, 'vault', 'Ada', { password: 'right' })
    const eve = await connect(server.wsUrl)
    for (let i = 0; i < 5; i++) {
      eve.send({ type: 'join', roomId: 'vault', name: 'Eve', password: `wrong-${i}` })
      expect(await eve.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
    }
    eve.send({ type: 'join', roomId: 'vault', name: 'Eve', password: 'right' })
    expect(await eve.next('error')).toMatchObject({ code: 'RATE_LIMITED' })
    expect(eve.frames.some(f => f.type === 'joined')).toBe(false)
  })

  it('a flood is cut to the rate limit for the others, answered with RATE_LIMITED, then closed with 1008', async () => {
    const bob = await joinRoom(server.wsUrl, 'flood', 'Bob')
    const mallory = await joinRoom(server.wsUrl, 'flood', 'Mallory')
    for (let i = 0; i < 200; i++) mallory.client.send({ type: 'chat', text: `spam ${i}` })
    expect(await mallory.client.next('error')).toMatchObject({ code: 'RATE_LIMITED' })
    expect(await mallory.client.closed).toBe(1008)
    await new Promise(resolve => setTimeout(resolve, 200))
    const spam = bob.client.frames.filter(f => f.type === 'chat')
    // The join took one token of the burst of 20.
    expect(spam.length).toBeGreaterThanOrEqual(15)
    expect(spam.length).toBeLessThanOrEqual(21)
    bob.client.send({ type: 'ping' })
    expect(await bob.client.next('pong')).toMatchObject({ type: 'pong' })
  })

  it('a full room answers ROOM_FULL; a server at its room cap answers SERVER_FULL', async () => {
    await joinRoom(server.wsUrl, 'pair', 'Ada')
    await joinRoom(server.wsUrl, 'pair', 'Bob')
    const third = await connect(server.wsUrl)
    third.send({ type: 'join', roomId: 'pair', name: 'Cy' })
    expect(await third.next('error')).toMatchObject({ code: 'ROOM_FULL' })
    closeAllClients()
    // vault, flood and pair exist; one more fits, the fifth does not.
    await joinRoom(server.wsUrl, 'fourth', 'Dee')
    const fifth = await connect(server.wsUrl)
    fifth.send({ type: 'join', roomId: 'fifth', name: 'Eli', create: true })
    expect(await fifth.next('error')).toMatchObject({ code: 'SERVER_FULL' })
  })

  it('one address holding the maximum of sockets gets TOO_MANY_CONNECTIONS and close 4029 on the next', async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => connect(server.wsUrl)))
    const extra = await connect(server.wsUrl)
    expect(await extra.next('error')).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' })
    expect(await extra.closed).toBe(4029)
    held[0]!.close()
    await held[0]!.closed
    await new Promise(resolve => setTimeout(resolve, 50))
    const again = await connect(server.wsUrl)
    again.send({ type: 'ping' })
    expect(await again.next('error')).toMatchObject({ code: 'NOT_JOINED' })
  })
})
