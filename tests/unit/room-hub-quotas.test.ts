import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import type { RoomHubOptions } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

const WINDOW = 1000
let hub: RoomHub

function createHub(options: RoomHubOptions = {}) {
  hub = new RoomHub({ heartbeatWindowMs: WINDOW, idleTimeoutMs: 600_000, log: () => {}, ...options })
  hub.start()
  return hub
}

/** A join from one client address: its socket and the joined or error frame it got. */
async function attempt(address: string, roomId: string, name: string, extra: Record<string, string> = {}) {
  const conn = new FakeConnection(address)
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId, name, create: true, ...extra }))
  const answer = await Promise.race([conn.waitFor('joined'), conn.waitFor('error')])
  await vi.advanceTimersByTimeAsync(0)
  return { conn, answer }
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  hub?.stop()
  vi.useRealTimers()
})

describe('per-address quotas', () => {
  it('one address holds at most its memberships, across rooms, so it cannot fill a room; others still join, and a leave frees a place', async () => {
    createHub({ membersPerAddress: 3, maxRoomMembers: 5 })
    const held = []
    for (const name of ['a1', 'a2', 'a3']) held.push(await attempt('6.6.6.6', 'big', name))
    expect(held.map(h => h.answer.type)).toEqual(['joined', 'joined', 'joined'])
    expect((await attempt('6.6.6.6', 'big', 'a4')).answer).toMatchObject({ type: 'error', code: 'TOO_MANY_MEMBERSHIPS' })
    expect((await attempt('6.6.6.6', 'elsewhere', 'a4')).answer).toMatchObject({ type: 'error', code: 'TOO_MANY_MEMBERSHIPS' })
    expect((await attempt('7.7.7.7', 'big', 'bob')).answer).toMatchObject({ type: 'joined' })
    expect((await attempt('8.8.8.8', 'big', 'cy')).answer).toMatchObject({ type: 'joined' })
    expect(await hub.summary('big')).toMatchObject({ members: 5 })

    hub.receive(held[0]!.conn, '{"type":"leave"}')
    await held[0]!.conn.waitFor('left')
    expect((await attempt('6.6.6.6', 'elsewhere', 'a4')).answer).toMatchObject({ type: 'joined' })
  })

  it('a join that never pinged gives its place back after twice the window (at the next idle-room sweep), not the member TTL', async () => {
    createHub({ membersPerAddress: 1, idleRoomSweepIntervalMs: 500 })
    const first = await attempt('6.6.6.6', 'drive-by', 'a1')
    hub.close(first.conn)
    expect((await attempt('6.6.6.6', 'drive-by', 'a2')).answer).toMatchObject({ code: 'TOO_MANY_MEMBERSHIPS' })
    await vi.advanceTimersByTimeAsync(2 * WINDOW + 600)
    expect(await hub.summary('drive-by')).toMatchObject({ members: 0 })
    expect((await attempt('6.6.6.6', 'drive-by', 'a2')).answer).toMatchObject({ type: 'joined' })
  })

  it('lasting members count against their address across a restart: a new process counts those the store holds', async () => {
    const first = createHub({ membersPerAddress: 2 })
    for (const name of ['a1', 'a2']) {
      const { conn } = await attempt('6.6.6.6', 'kept', name)
      await vi.advanceTimersByTimeAsync(10)
      hub.receive(conn, '{"type":"ping"}')
      await vi.advanceTimersByTimeAsync(10)
      hub.close(conn)
    }
    // Offline well past the old member TTL: still members, still counted.
    await vi.advanceTimersByTimeAsync(15 * 60_000)
    expect(await hub.summary('kept')).toMatchObject({ online: 0, members: 2 })
    expect((await attempt('6.6.6.6', 'kept', 'a3')).answer).toMatchObject({ code: 'TOO_MANY_MEMBERSHIPS' })
    first.stop()
    // The next process, on the same (lasting) store.
    createHub({ membersPerAddress: 2, store: first.store })
    await vi.advanceTimersByTimeAsync(10)
    expect((await attempt('6.6.6.6', 'kept', 'a3')).answer).toMatchObject({ code: 'TOO_MANY_MEMBERSHIPS' })
    expect((await attempt('7.7.7.7', 'kept', 'b1')).answer).toMatchObject({ type: 'joined' })
  })

  it('a member removed behind this process\'s back is found when its address is at the cap', async () => {
    createHub({ membersPerAddress: 1 })
    const { answer } = await attempt('6.6.6.6', 'shared', 'a1')
    // What another instance's leave looks like from here: gone from the store, no event heard.
    await hub.store.removeMember('shared', answer.type === 'joined' ? answer.you.id : '')
    expect((await attempt('6.6.6.6', 'shared', 'a2')).answer).toMatchObject({ code: 'TOO_MANY_MEMBERSHIPS' })
    await vi.advanceTimersByTimeAsync(15_000 + 500)
    expect((await attempt('6.6.6.6', 'shared', 'a2')).answer).toMatchObject({ type: 'joined' })
  })

  it('one address creates at most its rooms a minute (RATE_LIMITED with retryAfterMs); joining existing rooms and other addresses go on', async () => {
    createHub({ roomsPerAddressPerMinute: 2 })
    expect((await attempt('6.6.6.6', 'r1', 'a')).answer).toMatchObject({ type: 'joined', created: true })
    expect((await attempt('6.6.6.6', 'r2', 'a')).answer).toMatchObject({ type: 'joined', created: true })
    expect((await attempt('6.6.6.6', 'r3', 'a')).answer).toMatchObject({ type: 'error', code: 'RATE_LIMITED', retryAfterMs: 30_000 })
    expect(await hub.summary('r3')).toBeUndefined()
    expect((await attempt('6.6.6.6', 'r1', 'b')).answer).toMatchObject({ type: 'joined', created: false })
    expect((await attempt('7.7.7.7', 'r3', 'c')).answer).toMatchObject({ type: 'joined', created: true })
    await vi.advanceTimersByTimeAsync(30_000)
    expect((await attempt('6.6.6.6', 'r4', 'a')).answer).toMatchObject({ type: 'joined', created: true })
  })

  it('one address asking for password hashes past its rate gets RATE_LIMITED with retryAfterMs; another address does not', async () => {
    createHub({ passwordHashesPerMinute: 2 })
    expect((await attempt('6.6.6.6', 'p1', 'a', { password: 'x' })).answer).toMatchObject({ type: 'joined', protected: true })
    expect((await attempt('6.6.6.6', 'p2', 'a', { password: 'x' })).answer).toMatchObject({ type: 'joined', protected: true })
    expect((await attempt('6.6.6.6', 'p3', 'a', { password: 'x' })).answer).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 })
    // Checking a password costs a hash too, and is not counted as a wrong one.
    expect((await attempt('6.6.6.6', 'p1', 'b', { password: 'x' })).answer).toMatchObject({ code: 'RATE_LIMITED' })
    expect((await attempt('7.7.7.7', 'p1', 'c', { password: 'x' })).answer).toMatchObject({ type: 'joined' })
    expect((await attempt('7.7.7.7', 'p3', 'c', { password: 'x' })).answer).toMatchObject({ type: 'joined', created: true })
  })

  it('the lockout after wrong passwords says how long to wait', async () => {
    createHub({ passwordFailuresPerMinute: 2, passwordHashesPerMinute: 100 })
    await attempt('7.7.7.7', 'vault', 'owner', { password: 'right' })
    await vi.advanceTimersByTimeAsync(10_000)
    for (const guess of ['w1', 'w2']) expect((await attempt('6.6.6.6', 'vault', 'eve', { password: guess })).answer).toMatchObject({ code: 'WRONG_PASSWORD' })
    await vi.advanceTimersByTimeAsync(20_000)
    expect((await attempt('6.6.6.6', 'vault', 'eve', { password: 'right' })).answer).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 40_000 })
  })
})
