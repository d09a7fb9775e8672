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
  const bob = await attempt('Bob', '198.51.100.7', { browserId: 'bobs-browser' })
  const ownerJoined = owner.of('joined')[0]!
  const bobJoined = bob.of('joined')[0]!
  hub.receive(owner, JSON.stringify({ type: 'kick', memberId: bobJoined.you.id }))
  const kicked = await bob.waitFor('kicked')
  expect(kicked.until).toBe(Date.now() + LIMITS.kickBanMs)
  expect(ownerJoined.owner).toBe(ownerJoined.you.id)

  await vi.advanceTimersByTimeAsync(LIMITS.kickBanMs - 1)
  const early = await attempt('Bobby', '192.0.2.9', { browserId: 'bobs-browser' })
  expect(early.of('error')[0]).toMatchObject({ code: 'FORBIDDEN', retryAfterMs: 1 })
  const earlyToken = await attempt('Bob', '192.0.2.1', { token: bobJoined.token })
  expect(earlyToken.of('error')[0]).toMatchObject({ code: 'FORBIDDEN', retryAfterMs: 1 })

  await vi.advanceTimersByTimeAsync(1)
  expect((await attempt('Bobby', '192.0.2.9', { browserId: 'bobs-browser' })).of('joined')).toHaveLength(1)
  expect((await attempt('Bob', '192.0.2.1', { token: bobJoined.token })).of('joined')).toHaveLength(1)
})

it('a network block refuses everyone on that network (an IPv6 /64) with NETWORK_BLOCKED until it ends; a plain removal refuses nobody else', async () => {
  const owner = await attempt('Ada', '203.0.113.1')
  const eve = await attempt('Eve', '2001:db8:1:2::7', { browserId: 'eves-browser' })
  const mallory = await attempt('Mallory', '2001:db8:1:2::8', { browserId: 'mallorys-browser' })
  // A plain removal: another browser on the same network comes in.
  hub.receive(owner, JSON.stringify({ type: 'kick', memberId: eve.of('joined')[0]!.you.id }))
  await eve.waitFor('kicked')
  expect((await attempt('Eve2', '2001:db8:1:2::7', { browserId: 'new-browser' })).of('joined')).toHaveLength(1)
  // A removal that blocks the network: everyone on its /64 is refused, honestly, and nobody outside it.
  hub.receive(owner, JSON.stringify({ type: 'kick', memberId: mallory.of('joined')[0]!.you.id, blockNetwork: true }))
  await mallory.waitFor('kicked')
  await vi.advanceTimersByTimeAsync(LIMITS.kickBanMs - 1)
  const neighbour = await attempt('Nia', '2001:db8:1:2:abcd::1', { browserId: 'nias-browser' })
  expect(neighbour.of('error')[0]).toMatchObject({ code: 'NETWORK_BLOCKED', retryAfterMs: 1 })
  expect(neighbour.of('error')[0]!.message).toMatch(/someone on your network was removed/)
  expect((await attempt('Mallory', '2001:db8:1:2::8', { browserId: 'mallorys-browser' })).of('error')[0]).toMatchObject({ code: 'FORBIDDEN' })
  expect((await attempt('Far', '2001:db8:1:3::1', { browserId: 'fars-browser' })).of('joined')).toHaveLength(1)
  await vi.advanceTimersByTimeAsync(1)
  expect((await attempt('Nia', '2001:db8:1:2:abcd::1', { browserId: 'nias-browser' })).of('joined')).toHaveLength(1)
})
