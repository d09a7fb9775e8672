import { describe, expect, it } from 'vitest'
import { AddressBuckets } from '../../server/transport/address-buckets'

describe('AddressBuckets', () => {
  it('lets a burst through, then one request per refill, and says how long to wait', () => {
    const buckets = new AddressBuckets({ perSecond: 2, burst: 3 })
    expect([0, 1, 2].map(() => buckets.take('a', 0))).toEqual([0, 0, 0])
    expect(buckets.take('a', 0)).toBe(500)
    expect(buckets.take('a', 499)).toBe(2)
    expect(buckets.take('a', 500)).toBe(0)
    expect(buckets.take('b', 500)).toBe(0)
  })

  it('holds at most maxAddresses, forgetting the longest unseen', () => {
    const buckets = new AddressBuckets({ perSecond: 1, burst: 1, maxAddresses: 2 })
    buckets.take('a', 0)
    buckets.take('b', 0)
    buckets.take('a', 0)
    buckets.take('c', 0)
    expect(buckets.size).toBe(2)
    // b was forgotten and starts again with a full bucket; a was kept and is empty.
    expect(buckets.take('b', 0)).toBe(0)
  })

  it('prunes addresses whose bucket is full again', () => {
    const buckets = new AddressBuckets({ perSecond: 10, burst: 5 })
    buckets.take('a', 0)
    buckets.prune(499)
    expect(buckets.size).toBe(1)
    buckets.prune(500)
    expect(buckets.size).toBe(0)
  })
})
