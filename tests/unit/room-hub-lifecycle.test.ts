import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

let hub: RoomHub

async function join(roomId: string, name: string) {
  const conn = new FakeConnection()
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true }))
  const joined = await conn.waitFor('joined')
  await vi.advanceTimersByTimeAsync(0)
  return { conn, joined }
}

beforeEach(() => {
  vi.useFakeTimers()
  hub = new RoomHub({ heartbeatWindowMs: 1000, memberTtlMs: 5000, emptyRoomGraceMs: 2000, idleTimeoutMs: 60_000, log: () => {} })
  hub.start()
})

afterEach(() => {
  hub.stop()
  vi.useRealTimers()
})

describe('leaving and forgetting', () => {
  it('a leave frame removes the member for the room and answers the leaver', async () => {
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    await vi.advanceTimersByTimeAsync(200)
    hub.receive(bob.conn, '{"type":"leave"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(bob.conn.last()).toEqual({ type: 'left', roomId: 'lobby' })
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 1, members: 1, left: [bob.joined.you.id] })
    hub.receive(bob.conn, '{"type":"chat","text":"still here?"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(bob.conn.last()).toMatchObject({ type: 'error', code: 'NOT_JOINED' })
  })

  it('leaving by token through HTTP removes the member and refuses an unknown token', async () => {
    const bob = await join('lobby', 'Bob')
    expect(await hub.leaveByToken('lobby', 'not-a-token')).toBe(false)
    expect(await hub.leaveByToken('lobby', bob.joined.token)).toBe(true)
    expect(await hub.summary('lobby')).toMatchObject({ members: 0 })
    expect(bob.conn.last()).toEqual({ type: 'left', roomId: 'lobby' })
  })

  it('an offline member is removed once the member TTL has passed', async () => {
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 300)
    await vi.advanceTimersByTimeAsync(100)
    hub.receive(bob.conn, '{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(0)
    hub.close(bob.conn)
    await vi.advanceTimersByTimeAsync(4900)
    expect(await hub.summary('lobby')).toMatchObject({ members: 2 })
    await vi.advanceTimersByTimeAsync(400)
    expect(await hub.summary('lobby')).toMatchObject({ members: 1 })
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ left: [bob.joined.you.id] })
    clearInterval(keepAlive)
  })

  it('a member that never pinged after joining is removed after twice the window, not the member TTL', async () => {
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 300)
    hub.close(bob.conn)
    await vi.advanceTimersByTimeAsync(2000 - 100)
    expect(await hub.summary('lobby')).toMatchObject({ members: 2 })
    await vi.advanceTimersByTimeAsync(400)
    expect(await hub.summary('lobby')).toMatchObject({ members: 1 })
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ left: [bob.joined.you.id] })
    clearInterval(keepAlive)
  })

  it('a room with no members is forgotten after the grace period, password and all', async () => {
    const ada = await join('lobby', 'Ada')
    hub.receive(ada.conn, '{"type":"leave"}')
    await vi.advanceTimersByTimeAsync(1500)
    expect(await hub.summary('lobby')).toBeDefined()
    await vi.advanceTimersByTimeAsync(1000)
    expect(await hub.summary('lobby')).toBeUndefined()
  })
})

describe('isolation and bad input', () => {
  it('chat reaches every member of its room, the sender included, and no other room', async () => {
    const ada = await join('red', 'Ada')
    const bob = await join('red', 'Bob')
    const cy = await join('blue', 'Cy')
    hub.receive(ada.conn, '{"type":"chat","text":"hello","clientId":"c1"}')
    hub.receive(bob.conn, '{"type":"chat","text":"hi"}')
    await ada.conn.waitFor('chat', 2)
    expect(ada.conn.of('chat').map(m => [m.seq, m.text, m.from.name])).toEqual([[1, 'hello', 'Ada'], [2, 'hi', 'Bob']])
    expect(ada.conn.of('chat')[0]!.clientId).toBe('c1')
    expect(bob.conn.of('chat')).toHaveLength(2)
    expect(cy.conn.of('chat')).toHaveLength(0)
    expect(cy.conn.of('presence')).toHaveLength(0)
  })

  it.each([
    ['not JSON', '{nope', 'BAD_REQUEST'],
    ['an unknown type', '{"type":"dance"}', 'BAD_REQUEST'],
    ['a join without a name', '{"type":"join","roomId":"lobby"}', 'BAD_REQUEST'],
    ['chat before join', '{"type":"chat","text":"hi"}', 'NOT_JOINED'],
    ['ping before join', '{"type":"ping"}', 'NOT_JOINED'],
    ['leave before join', '{"type":"leave"}', 'NOT_JOINED'],
    ['a frame over the size limit', JSON.stringify({ type: 'chat', text: 'x'.repeat(20_000) }), 'TOO_LARGE'],
  ])('%s gets an error frame and the socket can still join', async (_case, raw, code) => {
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, raw)
    expect(await conn.waitFor('error')).toMatchObject({ code })
    hub.receive(conn, '{"type":"join","roomId":"lobby","name":"Ada","create":true}')
    expect(await conn.waitFor('joined')).toMatchObject({ roomId: 'lobby' })
  })

  it('a binary frame gets BAD_REQUEST', async () => {
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, undefined, 4)
    expect(await conn.waitFor('error')).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('a second join on a joined socket gets ALREADY_JOINED and changes nothing', async () => {
    const ada = await join('lobby', 'Ada')
    hub.receive(ada.conn, '{"type":"join","roomId":"other","name":"Ada","create":true}')
    expect(await ada.conn.waitFor('error')).toMatchObject({ code: 'ALREADY_JOINED' })
    expect(await hub.summary('other')).toBeUndefined()
  })
})
