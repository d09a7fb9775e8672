import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../utils/backoff'

const limits = { baseMs: 500, maxMs: 30_000 }

describe('backoffDelay', () => {
  it('doubles the ceiling with every attempt, starting from baseMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map(attempt => backoffDelay(attempt, limits, () => 1))
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16_000])
  })

  it('never waits longer than maxMs, however many attempts failed', () => {
    expect(backoffDelay(7, limits, () => 1)).toBe(30_000)
    expect(backoffDelay(1000, limits, () => 1)).toBe(30_000)
  })

  it('jitter keeps every delay within [d/2, d]', () => {
    expect(backoffDelay(3, limits, () => 0)).toBe(1000)
    expect(backoffDelay(3, limits, () => 0.5)).toBe(1500)
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(limits.maxMs, limits.baseMs * 2 ** (attempt - 1))
      for (let sample = 0; sample < 50; sample++) {
        const delay = backoffDelay(attempt, limits)
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThanOrEqual(ceiling)
      }
    }
  })
})
