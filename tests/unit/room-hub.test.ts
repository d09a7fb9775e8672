import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomHubOptions } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

const WINDOW = 8000
let hub: RoomHub

function createHub(options: RoomHubOptions = {}) {
  hub = new RoomHub({ heartbeatWindowMs: WINDOW, sweepIntervalMs: 250, log: () => {}, ...options })
  hub.start()
  return hub
}

async function settle() {
  await vi.advanceTimersByTimeAsync(0)
}

async function join(roomId: string, name: string, extra: Record<string, string> = {}) {
  const conn = new FakeConnection()
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
  const joined = await conn.waitFor('joined')
  await settle()
  return { conn, joined }
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  hub?.stop()
  vi.useRealTimers()
})

describe('joining', () => {
  it('creates the room on first join and hands out the full picture once', async () => {
    createHub()
    const { joined } = await join('lobby', 'Ada')
    expect(joined).toMatchObject({ roomId: 'lobby', you: { name: 'Ada' }, created: true, history: [] })
    expect(joined.token.length).toBeGreaterThanOrEqual(22)
    expect(joined.presence).toEqual({ online: 1, members: 1, users: [{ id: joined.you.id, name: 'Ada', active: true }] })
  })

  it('tells the room about a newcomer with only what changed', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    expect(bob.joined.created).toBe(false)
    expect(ada.conn.of('presence')).toEqual([
      { type: 'presence', roomId: 'lobby', online: 2, members: 2, changed: [{ id: bob.joined.you.id, name: 'Bob', active: true }], left: [] },
    ])
  })

  it('lets the token holder back in as the same member, counted once across tabs', async () => {
    createHub()
    const first = await join('lobby', 'Ada')
    const second = await join('lobby', 'Ada', { token: first.joined.token })
    expect(second.joined.you.id).toBe(first.joined.you.id)
    expect(second.joined.presence).toMatchObject({ online: 1, members: 1 })
    hub.close(first.conn)
    await settle()
    expect((await hub.summary('lobby'))?.online).toBe(1)
    hub.close(second.conn)
    await settle()
    expect(await hub.summary('lobby')).toMatchObject({ online: 0, members: 1 })
  })

  it('refuses a name already held in the room, whatever its case', async () => {
    createHub()
    await join('lobby', 'Ada')
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'lobby', name: 'ada' }))
    expect(await conn.waitFor('error')).toMatchObject({ code: 'NAME_TAKEN' })
    expect(conn.of('joined')).toHaveLength(0)
  })

  it('keeps a protected room shut to a wrong or missing password and open to the right one', async () => {
    createHub()
    await join('vault', 'Ada', { password: 's3cret' })
    for (const password of ['wrong', undefined]) {
      const conn = new FakeConnection()
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'vault', name: 'Bob', password }))
      expect(await conn.waitFor('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
      expect(conn.of('joined')).toHaveLength(0)
    }
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'vault', name: 'Bob', password: 's3cret' }))
    expect(await conn.waitFor('joined')).toMatchObject({ presence: { members: 2 } })
    expect(await hub.summary('vault')).toEqual({ roomId: 'vault', online: 2, members: 2, protected: true })
  })

  it('sends a newcomer the last 50 messages in order', async () => {
    createHub({ framesPerSecond: 1000, frameBurst: 1000 })
    const ada = await join('lobby', 'Ada')
    for (let i = 1; i <= 60; i++) hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: `m${i}` }))
    await ada.conn.waitFor('chat', 60)
    const { joined } = await join('lobby', 'Bob')
    expect(joined.history.map(m => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 11}`))
    expect(joined.history.map(m => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11))
  })
})

describe('heartbeat', () => {
  it('answers a ping to its sender only and broadcasts nothing', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    const adaFrames = ada.conn.frames.length
    hub.receive(bob.conn, '{"type":"ping"}')
    await settle()
    expect(bob.conn.last()).toEqual({ type: 'pong', online: 2, members: 2 })
    expect(ada.conn.frames.length).toBe(adaFrames)
  })

  it('a silently dead member leaves the online count within the window plus a sweep', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    const keepAlive = setInterval(() => hub.receive(ada.conn, '{"type":"ping"}'), 2000)
    await vi.advanceTimersByTimeAsync(WINDOW - 1)
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 2 })
    await vi.advanceTimersByTimeAsync(1 + 250)
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 1, members: 2, changed: [{ id: bob.joined.you.id, active: false }] })
    clearInterval(keepAlive)
  })

  it('a member who left stays gone when its socket closes after the leave', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    hub.receive(bob.conn, '{"type":"leave"}')
    await vi.advanceTimersByTimeAsync(200)
    hub.close(bob.conn)
    await vi.advanceTimersByTimeAsync(500)
    const last = ada.conn.of('presence').at(-1)
    expect(last).toMatchObject({ online: 1, members: 1 })
    expect(ada.conn.of('presence').some(frame => frame.left.includes(bob.joined.you.id))).toBe(true)
    expect(ada.conn.of('presence').filter(frame => frame.changed.some(member => member.id === bob.joined.you.id && !member.active))).toEqual([])
  })

  it('a closed socket drops out of online at once, without waiting for the window', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    await vi.advanceTimersByTimeAsync(200)
    hub.close(bob.conn)
    await settle()
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 1, members: 2, changed: [{ id: bob.joined.you.id, active: false }] })
  })

  it('merges presence changes that come within the merge window into one frame', async () => {
    createHub({ presenceMergeMs: 100 })
    const ada = await join('lobby', 'Ada')
    await vi.advanceTimersByTimeAsync(200)
    await join('lobby', 'Bob')
    await join('lobby', 'Cy')
    await join('lobby', 'Dee')
    expect(ada.conn.of('presence')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(100)
    const frames = ada.conn.of('presence')
    expect(frames).toHaveLength(2)
    expect(frames[1]).toMatchObject({ online: 4, members: 4 })
    expect(frames[1]!.changed.map(c => c.name)).toEqual(['Cy', 'Dee'])
  })

  it('a ping from an idle member makes it active again', async () => {
    createHub()
    const ada = await join('lobby', 'Ada')
    const bob = await join('lobby', 'Bob')
    await vi.advanceTimersByTimeAsync(200)
    await hub.away('lobby', bob.joined.token)
    await settle()
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 1 })
    await vi.advanceTimersByTimeAsync(100)
    hub.receive(bob.conn, '{"type":"ping"}')
    await settle()
    expect(ada.conn.of('presence').at(-1)).toMatchObject({ online: 2, changed: [{ id: bob.joined.you.id, active: true }] })
  })

  it('closes a socket that has sent nothing for twice the window (4001), and drops it if it does not answer', async () => {
    createHub()
    const { conn } = await join('lobby', 'Ada')
    await vi.advanceTimersByTimeAsync(2 * WINDOW - 250)
    expect(conn.closedWith).toBeUndefined()
    await vi.advanceTimersByTimeAsync(500)
    expect(conn.closedWith).toEqual({ code: 4001, reason: 'idle timeout' })
    expect(conn.terminated).toBe(false)
    await vi.advanceTimersByTimeAsync(5500)
    expect(conn.terminated).toBe(true)
  })
})
