import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

let hub: RoomHub

beforeEach(() => {
  vi.useFakeTimers()
  // Members and the room outlive the ban: only the ban's own end is under test.
  hub = new RoomHub({ sweepIntervalMs: 250, memberTtlMs: 3_600_000, neverPingedMemberTtlMs: 3_600_000, idleTimeoutMs: 3_600_000, log: () => {} })
  hub.start()
})

afterEach(() => {
  hub.stop()
  vi.useRealTimers()
})

async function attempt(name: string, address: string, extra: object = {}) {
  const conn = new FakeConnection(address)
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'club', name, create: true, ...extra }))
  // Not vi.waitFor: under fake timers it moves the clock, and the clock is what is under test.
  await Promise.race([conn.waitFor('joined'), conn.waitFor('error')])
  return conn
}

it('a removed member is refused until exactly kickBanMs after the kick, then let in', async () => {
  const owner = await attempt('Ada', '203.0.113.1')
  const bob = await attempt('Bob', '198.51.100.7')
  const ownerJoined = owner.of('joined')[0]!
  const bobJoined = bob.of('joined')[0]!
  hub.receive(owner, JSON.stringify({ type: 'kick', memberId: bobJoined.you.id }))
  const kicked = await bob.waitFor('kicked')
  expect(kicked.until).toBe(Date.now() + LIMITS.kickBanMs)
  expect(ownerJoined.owner).toBe(ownerJoined.you.id)

  await vi.advanceTimersByTimeAsync(LIMITS.kickBanMs - 1)
  const early = await attempt('Bobby', '198.51.100.7')
  expect(early.of('error')[0]).toMatchObject({ code: 'FORBIDDEN', retryAfterMs: 1 })
  const earlyToken = await attempt('Bob', '192.0.2.1', { token: bobJoined.token })
  expect(earlyToken.of('error')[0]).toMatchObject({ code: 'FORBIDDEN', retryAfterMs: 1 })

  await vi.advanceTimersByTimeAsync(1)
  expect((await attempt('Bobby', '198.51.100.7')).of('joined')).toHaveLength(1)
  expect((await attempt('Bob', '192.0.2.1', { token: bobJoined.token })).of('joined')).toHaveLength(1)
})
