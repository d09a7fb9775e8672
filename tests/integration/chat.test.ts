import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeEveryClient, joinOver, ROOMY_HTTP_ENV, TRANSPORTS } from '../support/transports'

let server: RunningServer
let roomCounter = 0
const freshRoom = () => `room-${Date.now().toString(36)}-${roomCounter++}`

beforeAll(async () => {
  server = await startServer(ROOMY_HTTP_ENV)
})
afterEach(() => closeEveryClient())
afterAll(() => server.stop())

describe.each(TRANSPORTS)('rooms over $name', (transport) => {
  it('two members of one room each see online 2, and chat crosses with ascending seq', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    expect(ada.joined).toMatchObject({ created: true, presence: { online: 1, members: 1 } })
    const bob = await joinOver(transport, server, room, 'Bob')
    expect(bob.joined.presence).toMatchObject({ online: 2, members: 2 })
    expect(await ada.client.next('presence')).toMatchObject({ online: 2, members: 2 })

    // Bob answers once he has Ada's message: two sockets sending at the same
    // moment reach the server in either order, so the order is only fixed by this.
    ada.client.send({ type: 'chat', text: 'hello Bob', clientId: 'a-1' })
    const b1 = await bob.client.next('chat')
    bob.client.send({ type: 'chat', text: 'hi Ada' })
    const b2 = await bob.client.next('chat')
    const [a1, a2] = [await ada.client.next('chat'), await ada.client.next('chat')]
    expect([a1.text, a2.text]).toEqual(['hello Bob', 'hi Ada'])
    expect([b1.seq, b2.seq]).toEqual([a1.seq, a2.seq])
    expect(a2.seq).toBe(a1.seq + 1)
    expect(a1).toMatchObject({ from: { id: ada.joined.you.id, name: 'Ada' }, clientId: 'a-1', roomId: room })
  })

  it('messages and presence of one room never reach another room\'s sockets', async () => {
    const red = freshRoom()
    const blue = freshRoom()
    const ada = await joinOver(transport, server, red, 'Ada')
    const cy = await joinOver(transport, server, blue, 'Cy')
    await joinOver(transport, server, red, 'Bob')
    ada.client.send({ type: 'chat', text: 'red only' })
    await ada.client.next('chat')
    cy.client.send({ type: 'ping' })
    await cy.client.next('pong')
    expect(cy.client.frames.map(f => f.type)).toEqual(['joined', 'pong'])
  })

  it('a ping gets a pong with the counts and nobody else hears it', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const bob = await joinOver(transport, server, room, 'Bob')
    await ada.client.next('presence')
    const before = ada.client.frames.length
    for (let i = 0; i < 5; i++) bob.client.send({ type: 'ping' })
    for (let i = 0; i < 5; i++) expect(await bob.client.next('pong')).toEqual({ type: 'pong', online: 2, members: 2 })
    expect(ada.client.frames.length).toBe(before)
  })

  it('a member whose socket closes drops out of online well under a second', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const bob = await joinOver(transport, server, room, 'Bob')
    await ada.client.next('presence')
    const closedAt = Date.now()
    bob.client.close()
    const presence = await ada.client.next('presence', 1000)
    expect(presence).toMatchObject({ online: 1, members: 2, changed: [{ id: bob.joined.you.id, active: false }] })
    expect(Date.now() - closedAt).toBeLessThan(1000)
  })

  it('a silently dead member (no close, no pings) leaves online within the window plus a second', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const bob = await joinOver(transport, server, room, 'Bob')
    await ada.client.next('presence')
    const keepAdaAlive = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    const frozenAt = Date.now()
    try {
      const presence = await ada.client.next('presence', 1500 + 1000 + 500)
      const elapsed = Date.now() - frozenAt
      expect(presence).toMatchObject({ online: 1, changed: [{ id: bob.joined.you.id, active: false }] })
      expect(elapsed).toBeGreaterThanOrEqual(1500 - 100)
      expect(elapsed).toBeLessThan(1500 + 1000)
    }
    finally {
      clearInterval(keepAdaAlive)
    }
  })

  it('the same token from a second tab is one member, counted once', async () => {
    const room = freshRoom()
    const first = await joinOver(transport, server, room, 'Ada')
    const second = await joinOver(transport, server, room, 'Ada', { token: first.joined.token })
    expect(second.joined.you).toEqual(first.joined.you)
    expect(second.joined.presence).toMatchObject({ online: 1, members: 1 })
    expect(second.joined.presence.users).toHaveLength(1)
  })

  it('a wrong password gets WRONG_PASSWORD and no join; the right one joins', async () => {
    const room = freshRoom()
    await joinOver(transport, server, room, 'Ada', { password: 'open sesame' })
    const intruder = await transport.connect(server)
    intruder.send({ type: 'join', roomId: room, name: 'Eve', password: 'guess' })
    expect(await intruder.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
    intruder.send({ type: 'join', roomId: room, name: 'Eve', password: 'open sesame' })
    expect(await intruder.next('joined')).toMatchObject({ presence: { members: 2 } })
  })

  it('a newcomer gets the room\'s recent history', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    for (const text of ['one', 'two', 'three']) ada.client.send({ type: 'chat', text })
    for (let i = 0; i < 3; i++) await ada.client.next('chat')
    const bob = await joinOver(transport, server, room, 'Bob')
    expect(bob.joined.history.map(m => m.text)).toEqual(['one', 'two', 'three'])
  })
})
