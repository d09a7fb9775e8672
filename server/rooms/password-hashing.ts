import { TokenBuckets } from './rate-limits'
import { hashPassword, tripcodeOf, verifyPassword } from './secrets'

export interface PasswordHashingOptions {
  /** scrypt runs one client address may start per minute (also its burst). */
  hashesPerMinute: number
  /** scrypt runs in flight at once, server-wide. */
  concurrency: number
  /** Runs that may wait for a free place; past that they are refused. */
  queueLimit: number
}

export interface HashRefusal { code: 'RATE_LIMITED', message: string, retryAfterMs: number }

/** What a refused run is told to wait when the queue is full: about a queue's worth of hashes. */
const BUSY_RETRY_MS = 1000

/**
 * Every scrypt of the server goes through here. scrypt runs on libuv's
 * thread pool (4 threads), which file reads share: 80 hashes a second from
 * one address slowed static files from 22 ms to 1.7 s. So at most
 * `concurrency` run at once (leaving the other threads to file I/O), a
 * bounded queue waits behind them, and each address has a token bucket.
 */
export class PasswordHashing {
  private running = 0
  private readonly waiting: Array<() => void> = []
  private readonly perAddress: TokenBuckets

  constructor(private readonly options: PasswordHashingOptions) {
    this.perAddress = new TokenBuckets(options.hashesPerMinute)
  }

  hash(address: string, password: string, now = Date.now()): Promise<string | HashRefusal> {
    return this.schedule(address, () => hashPassword(password), now)
  }

  verify(address: string, password: string, stored: string, now = Date.now()): Promise<boolean | HashRefusal> {
    return this.schedule(address, () => verifyPassword(password, stored), now)
  }

  /** A tripcode is a scrypt too, counted like a password check (tripcode.ts). */
  tripcode(address: string, secret: string, now = Date.now()): Promise<string | HashRefusal> {
    return this.schedule(address, () => tripcodeOf(secret), now)
  }

  /** Runs `work` in its turn, or refuses it at once: the address is over its rate, or the queue is full. */
  async schedule<T>(address: string, work: () => Promise<T>, now = Date.now()): Promise<T | HashRefusal> {
    const full = this.running >= this.options.concurrency
    if (full && this.waiting.length >= this.options.queueLimit) {
      return { code: 'RATE_LIMITED', message: 'the server is busy checking passwords; try again in a moment', retryAfterMs: BUSY_RETRY_MS }
    }
    const waitMs = this.perAddress.take(address, now)
    if (waitMs > 0) {
      return { code: 'RATE_LIMITED', message: `at most ${this.options.hashesPerMinute} password checks a minute from one address`, retryAfterMs: waitMs }
    }
    // A finished run hands its place straight to the next in line.
    if (full) await new Promise<void>(resolve => this.waiting.push(resolve))
    else this.running++
    try {
      return await work()
    }
    finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }

  prune(now = Date.now()): void {
    this.perAddress.prune(now)
  }

  get inFlight(): number {
    return this.running
  }

  get queued(): number {
    return this.waiting.length
  }
}

export function isRefusal(value: unknown): value is HashRefusal {
  return typeof value === 'object' && value !== null && 'code' in value
}
