// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, mountHeartbeatSocket, pendingEntries, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

/** Times (fake ms since the test began) at which each socket was created. */
function recordSocketTimes(): number[] {
  const start = Date.now()
  const times: number[] = []
  const original = FakeWebSocket.instances
  FakeWebSocket.instances = new Proxy(original, {
    set(target, key, value, receiver) {
      if (typeof value === 'object' && value instanceof FakeWebSocket) times.push(Date.now() - start)
      return Reflect.set(target, key, value, receiver)
    },
  })
  return times
}

describe('offline', () => {
  it('the offline event leaves connected at once and shows offline until the link is back', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    window.dispatchEvent(new Event('offline'))
    expect(chat.status.value).toBe('offline')
    expect(socket.closedByClient).toBe(true)

    expect(chat.send('typed offline')).toBe(true)
    expect(pendingEntries(chat).map(entry => entry.text)).toEqual(['typed offline'])
    // Attempts go on quietly (a LAN server may answer without the internet), the state stays offline.
    vi.advanceTimersByTime(60_000)
    expect(chat.status.value).toBe('offline')

    window.dispatchEvent(new Event('online'))
    expect(chat.status.value).toBe('reconnecting')
    const back = acceptJoin()
    expect(chat.status.value).toBe('connected')
    expect(back.framesOfType('chat').map(frame => frame.text)).toEqual(['typed offline'])
  })

  it('a link that comes back while the browser still says offline is connected', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    window.dispatchEvent(new Event('offline'))
    vi.advanceTimersByTime(500)
    acceptJoin()
    expect(chat.status.value).toBe('connected')
  })
})

describe('never giving up', () => {
  it('after maxRetries it shows disconnected but keeps trying, never more than a minute apart', () => {
    const { chat } = mountHeartbeatSocket({ maxRetries: 3 })
    const times = recordSocketTimes()
    acceptJoin()
    FakeWebSocket.latest().drop()
    // The server stays down for half an hour: every attempt fails at once.
    for (let elapsed = 0; elapsed < 30 * 60_000; elapsed += 100) {
      vi.advanceTimersByTime(100)
      if (FakeWebSocket.latest().readyState === FakeWebSocket.CONNECTING) FakeWebSocket.latest().drop()
    }
    expect(chat.status.value).toBe('disconnected')
    const gaps = times.slice(1).map((time, index) => time - times[index]!)
    expect(times.length).toBeGreaterThan(30)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000 + 100)
    expect(Math.max(...gaps.slice(-5))).toBeGreaterThanOrEqual(30_000)

    vi.advanceTimersByTime(60_000)
    acceptJoin()
    expect([chat.status.value, chat.attempt.value]).toEqual(['connected', 0])
  })

  it('stays "disconnected" while a background attempt is under way, instead of flickering', () => {
    const { chat } = mountHeartbeatSocket({ maxRetries: 1 })
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().drop()
    expect(chat.status.value).toBe('disconnected')
    const count = FakeWebSocket.instances.length
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances.length).toBeGreaterThan(count)
    expect(chat.status.value).toBe('disconnected')
  })

  it.each([
    [20_000, 1], [24_000, 1], [28_000, 1], [30_000, 1], [32_000, 1],
    [20_000, 0], [26_000, 0], [30_000, 0], [30_000, 0.5],
  ])('after a %i ms outage the page is back within 5 s of the server answering again (jitter %d)', (outageMs, jitter) => {
    const { chat } = mountHeartbeatSocket({ random: () => jitter })
    acceptJoin()
    FakeWebSocket.latest().drop()
    // An attempt made while the server is down fails at once; the first one after it succeeds.
    let elapsed = 0
    while (chat.status.value !== 'connected' && elapsed < 180_000) {
      vi.advanceTimersByTime(100)
      elapsed += 100
      const socket = FakeWebSocket.latest()
      if (socket.readyState !== FakeWebSocket.CONNECTING) continue
      if (elapsed < outageMs) socket.drop()
      else acceptJoin()
    }
    expect(chat.status.value).toBe('connected')
    expect(elapsed - outageMs).toBeLessThanOrEqual(5000)
  })

  it.each([
    ['window focus', () => window.dispatchEvent(new Event('focus'))],
    ['the online event', () => window.dispatchEvent(new Event('online'))],
    ['becoming visible', () => document.dispatchEvent(new Event('visibilitychange'))],
  ])('%s tries at once after the attempts ran out', (_, fire) => {
    const { chat } = mountHeartbeatSocket({ maxRetries: 1 })
    FakeWebSocket.latest().drop()
    vi.advanceTimersByTime(500)
    FakeWebSocket.latest().drop()
    expect(chat.status.value).toBe('disconnected')
    const count = FakeWebSocket.instances.length
    fire()
    expect(FakeWebSocket.instances).toHaveLength(count + 1)
  })

  it('reconnect() while reconnecting connects at once ("Retry now")', () => {
    const { chat } = mountHeartbeatSocket({ backoffBaseMs: 4000 })
    acceptJoin()
    FakeWebSocket.latest().drop()
    expect(chat.status.value).toBe('reconnecting')
    chat.reconnect()
    expect(FakeWebSocket.instances).toHaveLength(2)
    acceptJoin()
    expect(chat.status.value).toBe('connected')
  })
})
