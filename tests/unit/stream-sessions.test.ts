import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AddressSlots } from '../../server/transport/address-slots'
import { SendBudget } from '../../server/transport/send-budget'
import { ReplayTotal, StreamReplay } from '../../server/transport/stream-replay'
import type { StreamSession } from '../../server/transport/stream-session'
import { StreamSessions } from '../../server/transport/stream-sessions'

/** An SSE response that records what is written; `writableLength` is what the test says waits. */
class FakeResponse extends EventEmitter {
  written = ''
  ended = false
  destroyed = false
  writableLength = 0
  write(text: string): boolean {
    this.written += text
    return true
  }

  end(text = ''): void {
    this.written += text
    this.ended = true
    this.emit('close')
  }

  destroy(): void {
    this.destroyed = true
    this.emit('close')
  }
}

type Hub = ReturnType<ConstructorParameters<typeof StreamSessions>[0]>

function setup(options: ConstructorParameters<typeof StreamSessions>[3] = {}) {
  const hub = { opened: [] as StreamSession[], closed: [] as StreamSession[] }
  const fakeHub = {
    open: (conn: StreamSession) => void hub.opened.push(conn),
    close: (conn: StreamSession) => void hub.closed.push(conn),
    receive: () => {},
  } as unknown as Hub
  const slots = new AddressSlots(2)
  const budget = new SendBudget({ softMarkBytes: 100, hardMarkBytes: 1000 })
  const sessions = new StreamSessions(() => fakeHub, slots, budget, { resumeWindowMs: 10_000, keepAliveMs: 15_000, sweepIntervalMs: 1_000_000, ...options })
  const open = (address = '10.0.0.1') => {
    const response = new FakeResponse()
    const session = sessions.open(response as unknown as ServerResponse, address, refused => (refused as unknown as FakeResponse).end('refused'))
    return { response, session }
  }
  return { hub, slots, budget, sessions, open }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('StreamSessions', () => {
  it('names each session with an unguessable id in its first event, and hands the hub one connection', () => {
    const { hub, open } = setup()
    const first = open()
    const second = open()
    expect(first.response.written).toMatch(/^event: session\ndata: \{"session":"[\w-]{32}","resumeWindowMs":10000\}\n\n$/)
    expect(first.session!.id).not.toBe(second.session!.id)
    expect(hub.opened).toEqual([first.session, second.session])
  })

  it('writes each frame as one event with its position as id', () => {
    const { open } = setup()
    const { response, session } = open()
    response.written = ''
    session!.send('{"type":"pong","online":1,"members":1}', { droppable: true })
    session!.send('{"type":"chat"}')
    expect(response.written).toBe('id: 1\ndata: {"type":"pong","online":1,"members":1}\n\nid: 2\ndata: {"type":"chat"}\n\n')
  })

  it('takes a slot of the address, refuses past its cap, and gives the slot back when the session ends', () => {
    const { open, slots } = setup()
    const a = open()
    open()
    const refused = open()
    expect(refused.session).toBeUndefined()
    expect(refused.response.written).toBe('refused')
    a.session!.close(1000, 'bye')
    expect(a.response.written).toContain('event: close\ndata: {"code":1000,"reason":"bye"}\n\n')
    expect(slots.take('10.0.0.1')).toBe(true)
  })

  it('a comment goes to a stream quiet for the keep-alive time: not at 14,999 ms, at 15,000 ms', () => {
    const { sessions, open } = setup()
    const { response } = open()
    const start = Date.now()
    response.written = ''
    sessions.sweep(start + 14_999)
    expect(response.written).toBe('')
    sessions.sweep(start + 15_000)
    expect(response.written).toBe(':\n\n')
  })

  it('a stream that drops may resume within the window, with exactly the frames after its last id', () => {
    const { sessions, open, hub } = setup()
    const { response, session } = open()
    session!.send('{"n":1}')
    response.destroy()
    session!.send('{"n":2}')
    session!.send('{"n":3}')
    const back = new FakeResponse()
    expect(sessions.resume(session!, back as unknown as ServerResponse, 1)).toBe('attached')
    expect(back.written).toBe('id: 2\ndata: {"n":2}\n\nid: 3\ndata: {"n":3}\n\n')
    expect(hub.closed).toEqual([])
  })

  it('a session without a stream is ended past the window (not at 10,000 ms, at 10,001 ms), and the hub hears it', () => {
    const { sessions, open, hub } = setup()
    const { response, session } = open()
    const droppedAt = Date.now()
    response.destroy()
    sessions.sweep(droppedAt + 10_000)
    expect(hub.closed).toEqual([])
    sessions.sweep(droppedAt + 10_001)
    expect(hub.closed).toEqual([session])
    expect(sessions.find(session!.id)).toBeUndefined()
    expect(sessions.resume(session!, new FakeResponse() as unknown as ServerResponse, 0)).toBe('gone')
  })

  it('a stream past the hard mark is cut and its session ends, as a socket that does not read', () => {
    const { open, hub } = setup()
    const { response, session } = open()
    response.writableLength = 1001
    session!.send('{"type":"chat"}')
    expect(response.destroyed).toBe(true)
    expect(hub.closed).toEqual([session])
  })
})

describe('StreamReplay', () => {
  it('keeps what the client has not acknowledged, within its bound and the total, and says when a resume cannot be served', () => {
    const total = new ReplayTotal(25)
    const replay = new StreamReplay(total, 20, 15_000)
    const other = new StreamReplay(total, 20, 15_000)
    expect(replay.keep(1, 'a'.repeat(8), 0)).toBe(true)
    expect(replay.keep(2, 'b'.repeat(8), 0)).toBe(true)
    expect(replay.after(0)!.map(entry => entry.position)).toEqual([1, 2])
    expect(other.keep(1, 'c'.repeat(10), 0)).toBe(false)
    expect(total.bytes).toBe(16)
    replay.acknowledge(1)
    expect(replay.after(1)!.map(entry => entry.position)).toEqual([2])
    expect(replay.after(0)).toBeUndefined()
    expect(total.bytes).toBe(8)
    expect(replay.keep(3, 'd'.repeat(13), 0)).toBe(false)
    expect(replay.after(2)).toBeUndefined()
    expect(replay.after(3)).toEqual([])
    expect(total.bytes).toBe(0)
  })

  it('forgets frames older than its keep time, so a resume from before them is refused', () => {
    const replay = new StreamReplay(new ReplayTotal(1000), 1000, 15_000)
    replay.keep(1, 'x', 0)
    replay.keep(2, 'y', 10_000)
    replay.expire(15_000)
    expect(replay.after(0)!.length).toBe(2)
    replay.expire(15_001)
    expect(replay.after(0)).toBeUndefined()
    expect(replay.after(1)!.map(entry => entry.data)).toEqual(['y'])
  })
})
