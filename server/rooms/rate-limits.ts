/** Failures per key within a sliding window, e.g. wrong passwords per (address, room). */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly maxFailures: number, private readonly windowMs: number) {}

  isBlocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.maxFailures
  }

  /** How long until the key is no longer blocked: when enough of its failures have aged out. */
  retryAfterMs(key: string, now = Date.now()): number {
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
