/** `burst` tokens, refilled at `perSecond`; a take without a token fails. */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(private readonly perSecond: number, private readonly burst: number, now = Date.now()) {
    this.tokens = burst
    this.updatedAt = now
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000)
    this.updatedAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/** Failures per key within a sliding window, e.g. wrong passwords per (address, room). */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly maxFailures: number, private readonly windowMs: number) {}

  isBlocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.maxFailures
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
