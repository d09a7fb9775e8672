import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLOSE_CODES } from '../../shared/protocol'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

afterEach(() => vi.useRealTimers())

describe('a shutdown spreads its closes', () => {
  it('closes every socket with 1001 over the spread, a share at a time, and takes no new one meanwhile', () => {
    vi.useFakeTimers()
    const hub = new RoomHub({ log: () => {} })
    const conns = Array.from({ length: 300 }, () => new FakeConnection())
    for (const conn of conns) hub.open(conn)
    const closed = () => conns.filter(conn => conn.closedWith).length

    hub.shutdown(1500)
    const first = closed()
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(30)
    vi.advanceTimersByTime(700)
    expect(closed()).toBeGreaterThan(100)
    expect(closed()).toBeLessThan(200)
    const late = new FakeConnection()
    hub.open(late)
    expect(late.closedWith?.code).toBe(CLOSE_CODES.goingAway)
    vi.advanceTimersByTime(799)
    expect(closed()).toBe(300)
    expect(new Set(conns.map(conn => conn.closedWith?.code))).toEqual(new Set([CLOSE_CODES.goingAway]))
    hub.stop()
  })

  it('with no spread, closes them all at once, as before', () => {
    const hub = new RoomHub({ log: () => {} })
    const conns = Array.from({ length: 10 }, () => new FakeConnection())
    for (const conn of conns) hub.open(conn)
    hub.shutdown()
    expect(conns.every(conn => conn.closedWith?.code === CLOSE_CODES.goingAway)).toBe(true)
    hub.stop()
  })
})
