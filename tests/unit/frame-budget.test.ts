import { describe, expect, it } from 'vitest'
import { createFrameBudget, pageFrameRate } from '../../utils/frame-budget'

describe('the page\'s frame budget', () => {
  it('takes the page\'s share of the server\'s bucket: 10 a second and bursts of 20 become 8 and 15', () => {
    expect(pageFrameRate({ perSecond: 10, burst: 20 })).toEqual({ perSecond: 8, burst: 15 })
  })

  it('spends a burst of 15, then one frame every 125 ms: not at 124 ms, at 125 ms', () => {
    const budget = createFrameBudget()
    budget.refill(0)
    expect(Array.from({ length: 16 }, () => budget.take(0))).toEqual([...Array(15).fill(true), false])
    expect(budget.waitMs(0)).toBe(125)
    expect(budget.take(124)).toBe(false)
    expect(budget.take(125)).toBe(true)
    expect(budget.take(249)).toBe(false)
    expect(budget.take(250)).toBe(true)
  })

  it('follows the rate a joined frame names', () => {
    const budget = createFrameBudget()
    budget.refill(0)
    budget.setServerRate({ perSecond: 5, burst: 4 }, 0)
    expect(Array.from({ length: 4 }, () => budget.take(0))).toEqual([true, true, true, false])
    expect(budget.take(249)).toBe(false)
    expect(budget.take(250)).toBe(true)
  })

  it('after a RATE_LIMITED takes nothing until retryAfterMs has passed', () => {
    const budget = createFrameBudget()
    budget.refill(0)
    budget.emptyFor(300, 0)
    expect(budget.waitMs(0)).toBe(300)
    expect(budget.take(299)).toBe(false)
    expect(budget.take(300)).toBe(true)
  })

  it('a ping always goes, and the frames after it wait for the token it took', () => {
    const budget = createFrameBudget()
    budget.refill(0)
    for (let i = 0; i < 15; i++) budget.take(0)
    budget.spend(0)
    expect(budget.take(249)).toBe(false)
    expect(budget.take(250)).toBe(true)
  })
})
