import { describe, expect, it } from 'vitest'
import { SessionGuard } from '../../server/rooms/session-guard'

const guard = new SessionGuard({ framesPerSecond: 10, frameBurst: 20, droppedFramesBeforeClose: 50, pingsPerSecond: 4 })

describe('SessionGuard.judgePing', () => {
  it('answers a heartbeat\'s pings, a burst of 8 and then 4 a second', () => {
    const limits = guard.newLimits(0)
    expect(Array.from({ length: 8 }, () => guard.judgePing(limits, 0))).toEqual(Array(8).fill('answer'))
    expect(guard.judgePing(limits, 0)).toBe('ignore')
    expect(guard.judgePing(limits, 249)).toBe('ignore')
    expect(guard.judgePing(limits, 250)).toBe('answer')
  })

  it('closes a socket that keeps flooding pings', () => {
    const limits = guard.newLimits(0)
    const verdicts = Array.from({ length: 200 }, () => guard.judgePing(limits, 0))
    expect(verdicts.indexOf('close')).toBe(108)
  })

  it('never troubles a client pinging every 6 s, even after a burst on reconnect', () => {
    const limits = guard.newLimits(0)
    for (let i = 0; i < 3; i++) guard.judgePing(limits, 0)
    const verdicts = Array.from({ length: 100 }, (_, i) => guard.judgePing(limits, (i + 1) * 6000))
    expect(new Set(verdicts)).toEqual(new Set(['answer']))
  })
})
