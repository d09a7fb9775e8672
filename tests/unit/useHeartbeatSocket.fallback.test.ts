// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { TRANSPORT_STORAGE_KEY } from '../../utils/transport-choice'
import { acceptJoin, joinedFrame, memoryStorage, mountHeartbeatSocket, setupHeartbeatSocketTests } from './heartbeat-socket-harness'
import { FakeWebSocket } from './fake-websocket'

/** The fallback transport as the link sees it: a socket of another class. */
class FakeFallback extends FakeWebSocket {}

setupHeartbeatSocketTests()

function mountWithFallback(transportStorage = memoryStorage()) {
  const mounted = mountHeartbeatSocket({ Fallback: FakeFallback as unknown as typeof WebSocket, transportStorage, probeIntervalMs: 3000 })
  return { ...mounted, transportStorage }
}

const latestIsFallback = () => FakeWebSocket.latest() instanceof FakeFallback

/** Fails the socket attempt in flight by closing it before any join, then lets the backoff pass. */
function failSocket(): void {
  FakeWebSocket.latest().drop()
  vi.advanceTimersByTime(2000)
}

describe('the choice between WebSocket and the fallback', () => {
  it('three sockets closed before their join answered switch to the fallback at once, and the choice is remembered', () => {
    const { chat, transportStorage } = mountWithFallback()
    expect(latestIsFallback()).toBe(false)
    failSocket()
    failSocket()
    expect(latestIsFallback()).toBe(false)
    const socketsBefore = FakeWebSocket.instances.length
    FakeWebSocket.latest().drop()
    expect(FakeWebSocket.instances.length).toBe(socketsBefore + 1)
    expect(latestIsFallback()).toBe(true)
    expect(transportStorage.items.get(TRANSPORT_STORAGE_KEY)).toBe('fallback')
    acceptJoin()
    expect(chat.status.value).toBe('connected')
    expect(chat.transport.value).toBe('fallback')
  })

  it('a socket that does not open within 2.5 s counts as failed: not at 2,499 ms, at 2,500 ms', () => {
    mountWithFallback()
    // Backoff without jitter: the next socket comes 500 ms, then 1,000 ms after a failure.
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(1000)
    const third = FakeWebSocket.latest()
    vi.advanceTimersByTime(2499)
    expect(FakeWebSocket.latest()).toBe(third)
    vi.advanceTimersByTime(1)
    expect(latestIsFallback()).toBe(true)
  })

  it('a socket that joins resets the count: failures must come in a row', () => {
    const { chat } = mountWithFallback()
    failSocket()
    failSocket()
    acceptJoin()
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    failSocket()
    expect(latestIsFallback()).toBe(false)
    expect(chat.transport.value).toBe('websocket')
  })

  it('a reload in the same browser session goes straight to the fallback', () => {
    const { transportStorage } = mountWithFallback(memoryStorage({ [TRANSPORT_STORAGE_KEY]: 'fallback' }))
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(latestIsFallback()).toBe(true)
    expect(transportStorage.items.get(TRANSPORT_STORAGE_KEY)).toBe('fallback')
  })

  it('on the fallback, a background socket that opens takes over without the status leaving "connected", and the fallback closes once it has joined', () => {
    const { chat, transportStorage } = mountWithFallback(memoryStorage({ [TRANSPORT_STORAGE_KEY]: 'fallback' }))
    const fallback = acceptJoin({ token: 'token-ada' })
    // Within the pong window after the join (8 s): no pong is due yet.
    vi.advanceTimersByTime(2999)
    expect(FakeWebSocket.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    const probe = FakeWebSocket.latest()
    expect(probe).not.toBeInstanceOf(FakeFallback)
    const statuses: string[] = []
    probe.open()
    statuses.push(chat.status.value)
    expect(probe.framesOfType('join')).toEqual([expect.objectContaining({ token: 'token-ada' })])
    expect(fallback.closedByClient).toBe(false)
    probe.receive(joinedFrame())
    statuses.push(chat.status.value)
    expect(statuses).toEqual(['connected', 'connected'])
    expect(fallback.closedByClient).toBe(true)
    expect(chat.transport.value).toBe('websocket')
    expect(transportStorage.items.has(TRANSPORT_STORAGE_KEY)).toBe(false)
  })

  it('a background socket that fails leaves the fallback alone and is tried again later', () => {
    const { chat } = mountWithFallback(memoryStorage({ [TRANSPORT_STORAGE_KEY]: 'fallback' }))
    const fallback = acceptJoin()
    vi.advanceTimersByTime(3000)
    FakeWebSocket.latest().drop()
    expect(chat.status.value).toBe('connected')
    expect(fallback.closedByClient).toBe(false)
    vi.advanceTimersByTime(3000)
    expect(FakeWebSocket.instances).toHaveLength(3)
    expect(latestIsFallback()).toBe(false)
  })

  it('without a fallback (a test that drives one socket), failures only back off', () => {
    const { chat } = mountHeartbeatSocket()
    for (let i = 0; i < 5; i++) failSocket()
    expect(FakeWebSocket.instances.every(socket => !(socket instanceof FakeFallback))).toBe(true)
    expect(chat.transport.value).toBe('websocket')
  })
})
