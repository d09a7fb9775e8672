import { describe, expect, it } from 'vitest'
import { busiestRooms } from '../../server/metrics/busiest-rooms'
import { StatsHistory } from '../../server/metrics/stats-history'
import { TokenAttempts } from '../../server/metrics/token-attempts'
import type { RoomRecord } from '../../server/rooms/types'

const live = (connections: number) => ({ connections, roomsWithSockets: 1, membersOnline: connections })

describe('StatsHistory', () => {
  it('keeps the last 180 samples, oldest first, whatever the uptime', () => {
    const history = new StatsHistory()
    for (let i = 0; i < 500; i++) history.record(i * 5000, live(i), 0)
    const samples = history.samples()
    expect(samples).toHaveLength(180)
    expect(samples[0]!.connections).toBe(320)
    expect(samples.at(-1)!.connections).toBe(499)
  })

  it('messages a second are the counter\'s change over the time since the last sample', () => {
    const history = new StatsHistory()
    history.record(0, live(1), 100)
    expect(history.record(5000, live(1), 125).messagesPerSecond).toBe(5)
    expect(history.current(7000, live(1), 131).messagesPerSecond).toBe(3)
    expect(history.record(10_000, live(1), 125).messagesPerSecond).toBe(0)
  })
})

describe('TokenAttempts', () => {
  it('lets ten wrong tokens through, then makes that address wait, and only that address', () => {
    const attempts = new TokenAttempts({ burst: 10, perMinute: 6 })
    for (let i = 0; i < 10; i++) {
      expect(attempts.waitMs('10.0.0.1', 0)).toBe(0)
      attempts.failed('10.0.0.1', 0)
    }
    expect(attempts.waitMs('10.0.0.1', 0)).toBe(0)
    attempts.failed('10.0.0.1', 0)
    expect(attempts.waitMs('10.0.0.1', 0)).toBe(10_000)
    expect(attempts.waitMs('10.0.0.1', 9999)).toBe(1)
    expect(attempts.waitMs('10.0.0.1', 10_000)).toBe(0)
    expect(attempts.waitMs('10.0.0.2', 0)).toBe(0)
  })

  it('remembers at most maxAddresses blocked addresses', () => {
    const attempts = new TokenAttempts({ burst: 1, perMinute: 1, maxAddresses: 3 })
    for (let i = 0; i < 10; i++) {
      attempts.failed(`10.0.1.${i}`, 0)
      attempts.failed(`10.0.1.${i}`, 0)
    }
    const blocked = Array.from({ length: 10 }, (_, i) => attempts.waitMs(`10.0.1.${i}`, 1)).filter(ms => ms > 0)
    expect(blocked).toHaveLength(3)
  })
})

describe('busiestRooms', () => {
  const room = (id: string, extra: Partial<RoomRecord>): RoomRecord => ({ id, title: `${id} title`, visibility: 'public', passwordHash: null, createdAt: 0, ownerId: '', ...extra })
  const rooms = new Map<string, RoomRecord>([
    ['open-a', room('open-a', {})],
    ['open-b', room('open-b', {})],
    ['hidden', room('hidden', { visibility: 'unlisted' })],
    ['locked', room('locked', { passwordHash: 'x' })],
    ['pair', room('pair', { private: { originRoomId: 'open-a', seats: [{ memberId: 'a', name: 'A', tokenHashes: [] }, { memberId: 'b', name: 'B', tokenHashes: [] }] } })],
  ])

  it('names the public rooms with the most connections and counts every other room without naming it', async () => {
    const sizes: Array<[string, number]> = [['open-a', 3], ['hidden', 9], ['locked', 7], ['pair', 2], ['open-b', 5]]
    const answer = await busiestRooms(sizes, async id => rooms.get(id))
    expect(answer).toEqual({ rooms: [{ title: 'open-b title', connections: 5 }, { title: 'open-a title', connections: 3 }], others: { rooms: 3, connections: 18 } })
    expect(JSON.stringify(answer)).not.toMatch(/hidden|locked|pair/)
  })

  it('looks at no more rooms than the limit, and counts a public room past it as another room', async () => {
    const looked: string[] = []
    const sizes: Array<[string, number]> = [['open-a', 1], ['open-b', 2], ['hidden', 3]]
    const answer = await busiestRooms(sizes, async (id) => {
      looked.push(id)
      return rooms.get(id)
    }, 2)
    expect(looked.sort()).toEqual(['hidden', 'open-b'])
    expect(answer).toEqual({ rooms: [{ title: 'open-b title', connections: 2 }], others: { rooms: 2, connections: 4 } })
  })
})
