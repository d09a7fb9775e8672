import { describe, expect, it } from 'vitest'
import { MembershipLedger } from '../../server/rooms/membership-ledger'
import { TokenBuckets } from '../../server/rooms/rate-limits'

describe('what the per-address limits keep in memory stays bounded', () => {
  it('token buckets keep only addresses short of a full bucket, at most maxKeys of them', () => {
    const buckets = new TokenBuckets(6, 3)
    for (const address of ['a', 'b', 'c', 'd']) expect(buckets.take(address, 0)).toBe(0)
    expect(buckets.size).toBe(3)
    // "a" was the least recently used: forgotten, it starts again with a full bucket.
    for (let i = 0; i < 6; i++) expect(buckets.take('a', 0)).toBe(0)
    expect(buckets.take('a', 0)).toBe(10_000)
    buckets.prune(10_000)
    expect(buckets.size).toBe(1)
    buckets.prune(60_000)
    expect(buckets.size).toBe(0)
  })

  it('the membership ledger refuses past its cap per address and in total, and gives places back', () => {
    const ledger = new MembershipLedger(2, 3, 15_000)
    const made = (memberId: string) => ({ roomId: 'r', memberId, tokenHash: `h-${memberId}` })
    expect(ledger.reserve('a')).toBe('ok')
    expect(ledger.reserve('a')).toBe('ok')
    // Joins under way count: a third concurrent join from "a" finds no place.
    expect(ledger.reserve('a')).toBe('address-full')
    ledger.settle('a', made('a1'))
    ledger.settle('a')
    expect(ledger.heldBy('a')).toBe(1)
    expect(ledger.reserve('b')).toBe('ok')
    ledger.settle('b', made('b1'))
    expect(ledger.reserve('c')).toBe('ok')
    ledger.settle('c', made('c1'))
    expect(ledger.reserve('d')).toBe('server-full')
    ledger.forget('r', 'b1')
    expect(ledger.size).toBe(2)
    expect(ledger.reserve('d')).toBe('ok')
  })

  it('a re-check forgets the members the store no longer has, only for addresses at their cap', async () => {
    const ledger = new MembershipLedger(1, 10, 15_000)
    for (const address of ['full', 'other']) {
      ledger.reserve(address)
      ledger.settle(address, { roomId: 'r', memberId: address, tokenHash: address })
    }
    ledger.reserve('partial-owner')
    ledger.settle('partial-owner')
    const asked: string[] = []
    await ledger.recheck(0, async (held) => {
      asked.push(held.memberId)
      return held.memberId !== 'full'
    })
    expect(asked.sort()).toEqual(['full', 'other'])
    expect(ledger.heldBy('full')).toBe(0)
    expect(ledger.heldBy('other')).toBe(1)
    await ledger.recheck(10_000, async () => false)
    expect(ledger.heldBy('other')).toBe(1)
  })
})
