import { AddressBuckets } from '../transport/address-buckets'

export interface TokenAttemptsOptions {
  /** Wrong tokens an address may send in a row before it must wait. @default 10 */
  burst?: number
  /** Wrong tokens an address may send a minute after that. @default 6 */
  perMinute?: number
  /** Addresses remembered at once; the longest unseen are forgotten first. @default 10000 */
  maxAddresses?: number
}

/**
 * Wrong metrics tokens per client address, as the rooms do with wrong
 * passwords: a guesser gets a few tries, then one every ten seconds. While an
 * address waits, even the right token is refused (429), so the answer never
 * tells a guess apart. Bounded: every map here has a cap.
 */
export class TokenAttempts {
  private readonly buckets: AddressBuckets
  private readonly blockedUntil = new Map<string, number>()
  private readonly maxAddresses: number

  constructor({ burst = 10, perMinute = 6, maxAddresses = 10_000 }: TokenAttemptsOptions = {}) {
    this.buckets = new AddressBuckets({ perSecond: perMinute / 60, burst, maxAddresses })
    this.maxAddresses = maxAddresses
  }

  /** 0, or how many ms this address must still wait before its next try. */
  waitMs(address: string, now = Date.now()): number {
    const until = this.blockedUntil.get(address)
    if (until === undefined) return 0
    if (until > now) return until - now
    this.blockedUntil.delete(address)
    return 0
  }

  /** Counts a wrong token; past the burst the address waits for its next try. */
  failed(address: string, now = Date.now()): void {
    const waitMs = this.buckets.take(address, now)
    if (waitMs === 0) return
    this.blockedUntil.delete(address)
    if (this.blockedUntil.size >= this.maxAddresses) this.blockedUntil.delete(this.blockedUntil.keys().next().value!)
    this.blockedUntil.set(address, now + waitMs)
  }

  prune(now = Date.now()): void {
    this.buckets.prune(now)
    for (const [address, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(address)
  }
}
