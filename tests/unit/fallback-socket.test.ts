import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FallbackSocket } from '../../utils/fallback-socket'

/** An EventSource the test drives: it dispatches named events and errors when told to. */
class FakeEventSource {
  static instances: FakeEventSource[] = []
  readyState = 0
  closed = false
  onerror: ((event: Event) => void) | null = null
  private readonly listeners = new Map<string, Array<(event: Event) => void>>()

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this)
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  close(): void {
    this.closed = true
  }

  emit(type: string, data: string, lastEventId = ''): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data, lastEventId } as unknown as Event)
  }

  fail(): void {
    this.onerror?.({} as Event)
  }
}

interface Posted { url: URL, body: string, keepalive?: boolean }

let posted: Posted[]
let answer: () => Promise<Response>

beforeEach(() => {
  vi.useFakeTimers()
  FakeEventSource.instances = []
  posted = []
  answer = () => Promise.resolve(new Response(null, { status: 204 }))
  FallbackSocket.deps = {
    EventSource: FakeEventSource as unknown as new (url: string) => EventSource,
    fetch: ((url: string, init: RequestInit) => {
      posted.push({ url: new URL(url), body: String(init.body), keepalive: init.keepalive })
      return answer()
    }) as typeof fetch,
  }
})
afterEach(() => {
  FallbackSocket.deps = undefined
  vi.useRealTimers()
})

function openFallback() {
  const socket = new FallbackSocket('wss://chat.test/ws')
  const seen = { opened: 0, messages: [] as string[], closes: [] as number[] }
  socket.onopen = () => void seen.opened++
  socket.onmessage = event => void seen.messages.push(event.data)
  socket.onclose = event => void seen.closes.push(event.code)
  const stream = FakeEventSource.instances.at(-1)!
  stream.emit('session', JSON.stringify({ session: 's-1', resumeWindowMs: 10_000 }))
  return { socket, seen, stream }
}

describe('FallbackSocket', () => {
  it('opens on the session event, hands each frame over as sent, and posts the frames of one task as one batch, in order', async () => {
    const { socket, seen, stream } = openFallback()
    expect(stream.url).toBe('https://chat.test/ws/stream')
    expect(seen.opened).toBe(1)
    stream.emit('message', '{"type":"pong","online":1,"members":1}', '1')
    expect(seen.messages).toEqual(['{"type":"pong","online":1,"members":1}'])
    socket.send('{"type":"ping"}')
    socket.send('{"type":"typing"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(posted).toHaveLength(1)
    expect(posted[0]!.url.pathname).toBe('/ws/send')
    expect(Object.fromEntries(posted[0]!.url.searchParams)).toEqual({ session: 's-1', ack: '1' })
    expect(JSON.parse(posted[0]!.body)).toEqual(['{"type":"ping"}', '{"type":"typing"}'])
  })

  it('one POST at a time: frames sent while one is in flight go in the next', async () => {
    let release: () => void = () => {}
    answer = () => new Promise(resolve => (release = () => resolve(new Response(null, { status: 204 }))))
    const { socket } = openFallback()
    socket.send('{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(0)
    socket.send('{"type":"typing"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(posted).toHaveLength(1)
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(posted.map(post => JSON.parse(post.body))).toEqual([['{"type":"ping"}'], ['{"type":"typing"}']])
  })

  it('a stream that drops is asked for again from its last event id, and the link sees no close', async () => {
    const { seen, stream } = openFallback()
    stream.emit('message', '{"type":"pong","online":1,"members":1}', '7')
    stream.fail()
    expect(stream.closed).toBe(true)
    vi.advanceTimersByTime(999)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    const again = FakeEventSource.instances.at(-1)!
    expect(Object.fromEntries(new URL(again.url).searchParams)).toEqual({ session: 's-1', lastEventId: '7' })
    again.emit('message', '{"type":"pong","online":2,"members":2}', '8')
    expect(seen.messages).toHaveLength(2)
    expect(seen.closes).toEqual([])
  })

  it('a session that cannot be resumed closes like a dropped socket (1006); the server\'s close carries its code', () => {
    const first = openFallback()
    first.stream.fail()
    vi.advanceTimersByTime(1000)
    FakeEventSource.instances.at(-1)!.emit('gone', '{"code":"SESSION_GONE"}')
    expect(first.seen.closes).toEqual([1006])
    const second = openFallback()
    second.stream.emit('close', '{"code":4029,"reason":"too many connections"}')
    expect(second.seen.closes).toEqual([4029])
    expect(second.stream.closed).toBe(true)
  })

  it('a stream that fails before it ever named a session closes at once', () => {
    const socket = new FallbackSocket('ws://chat.test/ws')
    const closes: number[] = []
    socket.onclose = event => void closes.push(event.code)
    FakeEventSource.instances.at(-1)!.fail()
    expect(closes).toEqual([1006])
    vi.advanceTimersByTime(5000)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('a POST answered 410 (the session is gone, or on another instance) closes with 1006', async () => {
    answer = () => Promise.resolve(Response.json({ code: 'SESSION_GONE' }, { status: 410 }))
    const { socket, seen } = openFallback()
    socket.send('{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.closes).toEqual([1006])
  })

  it('a POST answered 502 by a proxy that lost the server closes with 1006, so the link joins again and the outbox resends', async () => {
    answer = () => Promise.resolve(new Response('<html>Bad Gateway</html>', { status: 502 }))
    const { socket, seen } = openFallback()
    socket.send('{"type":"chat","text":"hi","clientId":"c-1"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.closes).toEqual([1006])
    expect(socket.readyState).toBe(FallbackSocket.CLOSED)
  })

  it('a POST answered 429 is sent again after Retry-After, frames and order kept', async () => {
    let calls = 0
    answer = () => Promise.resolve(++calls === 1 ? new Response(null, { status: 429, headers: { 'retry-after': '2' } }) : new Response(null, { status: 204 }))
    const { socket, seen } = openFallback()
    socket.send('{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(1999)
    expect(posted).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(posted.map(post => post.body)).toEqual(['["{\\"type\\":\\"ping\\"}"]', '["{\\"type\\":\\"ping\\"}"]'])
    expect(seen.closes).toEqual([])
  })

  it('close() ends the session on the server at once, with a request that outlives the page', () => {
    const { socket, stream } = openFallback()
    socket.close()
    expect(stream.closed).toBe(true)
    expect(posted).toHaveLength(1)
    expect(posted[0]!.url.searchParams.get('close')).toBe('1')
    expect(posted[0]!.keepalive).toBe(true)
  })
})
