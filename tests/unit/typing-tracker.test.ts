import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TypingTracker } from '../../server/rooms/typing-tracker'

describe('TypingTracker', () => {
  let flushed: Array<[string, string[]]>
  let tracker: TypingTracker

  beforeEach(() => {
    vi.useFakeTimers()
    flushed = []
    tracker = new TypingTracker({ expiryMs: 5000, mergeMs: 250, maxPerRoom: 3, flush: (roomId, ids) => flushed.push([roomId, ids]) })
  })
  afterEach(() => {
    tracker.dispose()
    vi.useRealTimers()
  })

  it('an entry expires 5 s after its last typing frame: still there at 4999 ms, gone at 5000 ms', () => {
    tracker.apply('r', 'ann', true, 0)
    vi.advanceTimersByTime(1000)
    tracker.apply('r', 'ann', true, 1000)
    tracker.sweep(5999)
    expect(flushed).toEqual([['r', ['ann']]])
    tracker.sweep(6000)
    expect(flushed).toEqual([['r', ['ann']], ['r', []]])
  })

  it('the first change goes out at once, the ones within 250 ms together when the time is up', () => {
    tracker.apply('r', 'ann', true, 0)
    expect(flushed).toEqual([['r', ['ann']]])
    tracker.apply('r', 'ben', true, 10)
    tracker.apply('r', 'cy', true, 20)
    vi.advanceTimersByTime(249)
    expect(flushed).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(flushed).toEqual([['r', ['ann']], ['r', ['ann', 'ben', 'cy']]])
    // A refresh changes nothing: no frame.
    tracker.apply('r', 'ann', true, 300)
    vi.advanceTimersByTime(1000)
    expect(flushed).toHaveLength(2)
  })

  it('tracks at most maxPerRoom typists per room, and forgets a room with its last socket', () => {
    for (const id of ['a', 'b', 'c', 'd']) tracker.apply('r', id, true, 0)
    vi.advanceTimersByTime(250)
    expect(flushed.at(-1)).toEqual(['r', ['a', 'b', 'c']])
    tracker.apply('r', 'a', false, 300)
    tracker.apply('r', 'd', true, 300)
    vi.advanceTimersByTime(250)
    expect(flushed.at(-1)).toEqual(['r', ['b', 'c', 'd']])
    tracker.forget('r')
    expect(vi.getTimerCount()).toBe(0)
    expect(tracker.worthPublishing('r', 'b', false, 400)).toBe(false)
  })

  it('a start is worth telling the other processes once a second at most, a stop only when known', () => {
    expect(tracker.worthPublishing('r', 'ann', true, 0)).toBe(true)
    expect(tracker.worthPublishing('r', 'ann', false, 0)).toBe(false)
    tracker.apply('r', 'ann', true, 0)
    expect(tracker.worthPublishing('r', 'ann', true, 999)).toBe(false)
    expect(tracker.worthPublishing('r', 'ann', true, 1001)).toBe(true)
    expect(tracker.worthPublishing('r', 'ann', false, 1001)).toBe(true)
  })
})
