import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

let hub: RoomHub

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  hub?.stop()
  vi.useRealTimers()
})

function errors(conn: FakeConnection) {
  return conn.of('error')
}

describe('RATE_LIMITED says how long to wait', () => {
  it('a frame dropped by the bucket is answered with retryAfterMs, and a frame sent after that wait is taken', async () => {
    hub = new RoomHub({ log: () => {}, framesPerSecond: 4, frameBurst: 2 })
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'pace', name: 'Ada', create: true }))
    await conn.waitFor('joined')
    // The join took one token of the burst of 2: one chat goes, the next is dropped.
    hub.receive(conn, JSON.stringify({ type: 'chat', text: 'one', clientId: 'c1' }))
    hub.receive(conn, JSON.stringify({ type: 'chat', text: 'two', clientId: 'c2' }))
    await vi.advanceTimersByTimeAsync(0)
    const [limited] = errors(conn)
    expect(limited).toMatchObject({ code: 'RATE_LIMITED' })
    // Four a second: the next token is at most 250 ms away.
    expect(limited!.retryAfterMs).toBeGreaterThan(0)
    expect(limited!.retryAfterMs).toBeLessThanOrEqual(250)

    await vi.advanceTimersByTimeAsync(limited!.retryAfterMs!)
    hub.receive(conn, JSON.stringify({ type: 'chat', text: 'two', clientId: 'c2' }))
    await vi.advanceTimersByTimeAsync(0)
    expect(conn.of('chat').map(message => message.text)).toEqual(['one', 'two'])
    expect(errors(conn)).toHaveLength(1)
  })

  it('every chat the bucket drops is named by its clientId with retryAfterMs, not once a second; other frames are told once a second', async () => {
    hub = new RoomHub({ log: () => {}, framesPerSecond: 4, frameBurst: 2 })
    const conn = new FakeConnection()
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'pace', name: 'Ada', create: true }))
    await conn.waitFor('joined')
    expect(conn.of('joined')[0]).toMatchObject({ frameRate: { perSecond: 4, burst: 2 } })
    hub.receive(conn, JSON.stringify({ type: 'chat', text: 'one', clientId: 'c1' }))
    hub.receive(conn, JSON.stringify({ type: 'typing' }))
    hub.receive(conn, JSON.stringify({ type: 'typing' }))
    for (const clientId of ['c2', 'c3', 'c4']) hub.receive(conn, JSON.stringify({ type: 'chat', text: clientId, clientId }))
    await vi.advanceTimersByTimeAsync(0)
    const refusals = errors(conn)
    expect(refusals.map(refusal => [refusal.code, refusal.clientId])).toEqual([
      ['RATE_LIMITED', undefined],
      ['RATE_LIMITED', 'c2'],
      ['RATE_LIMITED', 'c3'],
      ['RATE_LIMITED', 'c4'],
    ])
    for (const refusal of refusals) expect(refusal.retryAfterMs).toBeGreaterThan(0)
    expect(conn.of('chat').map(message => message.text)).toEqual(['one'])
  })

  it('the wrong-password lockout says when the oldest failure ages out', async () => {
    vi.useRealTimers()
    hub = new RoomHub({ log: () => {}, passwordFailuresPerMinute: 2 })
    const owner = new FakeConnection()
    hub.open(owner)
    hub.receive(owner, JSON.stringify({ type: 'join', roomId: 'vault', name: 'Ada', password: 'right', create: true }))
    await owner.waitFor('joined')
    const eve = new FakeConnection()
    hub.open(eve)
    for (let i = 1; i <= 3; i++) {
      hub.receive(eve, JSON.stringify({ type: 'join', roomId: 'vault', name: 'Eve', password: `wrong-${i}` }))
      await eve.waitFor('error', i)
    }
    const [first, second, locked] = errors(eve)
    expect([first!.code, second!.code]).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD'])
    expect(locked).toMatchObject({ code: 'RATE_LIMITED' })
    expect(locked!.retryAfterMs).toBeGreaterThan(55_000)
    expect(locked!.retryAfterMs).toBeLessThanOrEqual(60_000)
  })
})
