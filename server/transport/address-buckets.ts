export interface AddressBucketsOptions {
  /** Requests per second each address may make, sustained. */
  perSecond: number
  burst: number
  /** Addresses tracked at once; past it the longest unseen is forgotten (it starts again with a full bucket). @default 100000 */
  maxAddresses?: number
}

interface Bucket { tokens: number, updatedAt: number }

/**
 * A token bucket per client address, for HTTP requests. The map is bounded:
 * it keeps addresses in the order they were last seen, so the oldest go
 * first, and drops every address whose bucket has refilled anyway.
 */
export class AddressBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private readonly maxAddresses: number

  constructor(private readonly options: AddressBucketsOptions) {
    this.maxAddresses = options.maxAddresses ?? 100_000
  }

  /** Takes a token; returns 0, or how many ms until the next one. */
  take(address: string, now = Date.now()): number {
    const { perSecond, burst } = this.options
    const bucket = this.buckets.get(address)
    const tokens = bucket ? Math.min(burst, bucket.tokens + (now - bucket.updatedAt) * perSecond / 1000) : burst
    this.buckets.delete(address)
    if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!)
    if (tokens < 1) {
      this.buckets.set(address, { tokens, updatedAt: now })
      return Math.ceil((1 - tokens) * 1000 / perSecond)
    }
    this.buckets.set(address, { tokens: tokens - 1, updatedAt: now })
    return 0
  }

  /** Forgets addresses whose buckets are full again: they would start the same. */
  prune(now = Date.now()): void {
    const refillMs = this.options.burst * 1000 / this.options.perSecond
    for (const [address, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= refillMs) this.buckets.delete(address)
    }
  }

  get size(): number {
    return this.buckets.size
  }
}
