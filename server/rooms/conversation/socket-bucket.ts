/**
 * A token bucket per socket: `burst` at once, then one every `refillMs`.
 * Held in a WeakMap by the socket's session, so it goes with the socket and
 * needs no sweep: one bucket per socket is its whole bound.
 */
export class SocketBuckets {
  private readonly buckets = new WeakMap<object, { tokens: number, at: number }>()

  constructor(private readonly burst: number, private readonly refillMs: number) {}

  /** Takes a token: 0 when there was one, else the ms until there is. */
  take(socket: object, now = Date.now()): number {
    const bucket = this.buckets.get(socket)
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs) : this.burst
    if (tokens < 1) return Math.ceil((1 - tokens) * this.refillMs)
    this.buckets.set(socket, { tokens: tokens - 1, at: now })
    return 0
  }
}
