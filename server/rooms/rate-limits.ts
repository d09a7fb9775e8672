/** Failures per key within a sliding window, e.g. wrong passwords per (address, room). */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly maxFailures: number, private readonly windowMs: number) {}

  isBlocked(key: string, now = Date.now()): boolean {
    return this.blockedForMs(key, now) > 0
  }

  /** How long until the key may try again; 0 when it may now. */
  blockedForMs(key: string, now = Date.now()): number {
    const recent = this.recent(key, now)
    if (recent.length < this.maxFailures) return 0
    return recent[recent.length - this.maxFailures]! + this.windowMs - now
  }

  recordFailure(key: string, now = Date.now()): void {
    const recent = this.recent(key, now)
    recent.push(now)
    this.failures.set(key, recent)
  }

  /** Forgets keys whose failures have all aged out, so the map does not grow forever. */
  prune(now = Date.now()): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key, now).length === 0) this.failures.delete(key)
    }
  }

  get size(): number {
    return this.failures.size
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter(at => now - at < this.windowMs)
    if (kept.length > 0) this.failures.set(key, kept)
    else this.failures.delete(key)
    return kept
  }
}

/**
 * A token bucket per key (a client address): `perMinute` tokens a minute, at
 * most that many saved up. Only keys short of a full bucket are kept, and at
 * most `maxKeys` of them: past that the least recently used is forgotten
 * (a full bucket again), so many addresses cannot grow the map.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number, at: number }>()

  constructor(private readonly perMinute: number, private readonly maxKeys = 100_000) {}

  /** Takes a token: 0 when there was one, else the ms until there is. */
  take(key: string, now = Date.now()): number {
    const tokens = this.tokensAt(key, now)
    if (tokens < 1) return Math.ceil((1 - tokens) * 60_000 / this.perMinute)
    this.buckets.delete(key)
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
    this.buckets.set(key, { tokens: tokens - 1, at: now })
    return 0
  }

  /** Forgets buckets that have filled up again. */
  prune(now = Date.now()): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.tokensAt(key, now) >= this.perMinute) this.buckets.delete(key)
    }
  }

  get size(): number {
    return this.buckets.size
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key)
    if (!bucket) return this.perMinute
    return Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMinute / 60_000)
  }
}
