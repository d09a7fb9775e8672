export interface SessionGuardOptions {
  /** Sockets one client address may hold at once. */
  maxConnectionsPerAddress: number
  /** Frames a socket may send per second, sustained. */
  framesPerSecond: number
  /** Frames a socket may send in a burst. */
  frameBurst: number
  /** Frames dropped for the rate limit that a socket may accumulate before it is closed (refilled at a tenth of that per second). */
  droppedFramesBeforeClose: number
}

/**
 * A socket's two token buckets, kept as plain numbers on its session: there
 * is one per connection, so a few doubles beat two objects.
 */
export interface SessionLimits {
  /** Frames the socket may still send now. */
  frameTokens: number
  /** Rate-limited frames it may still pile up before it is closed. */
  strikeTokens: number
  limitsUpdatedAt: number
  lastToldAt: number
}

export type FrameVerdict = 'accept' | 'drop' | 'drop-and-tell' | 'close'

/**
 * Keeps one client from crowding out the others: a cap on sockets per
 * address, and a token bucket per socket. A dropped frame is answered with
 * RATE_LIMITED at most once a second, so a flood is not echoed back; a flood
 * that goes on is closed with 1008.
 */
export class SessionGuard {
  private readonly connectionsByAddress = new Map<string, number>()

  constructor(private readonly options: SessionGuardOptions) {}

  /** Counts the socket in; false when its address already holds the maximum. */
  admit(address: string): boolean {
    const count = this.connectionsByAddress.get(address) ?? 0
    if (count >= this.options.maxConnectionsPerAddress) return false
    this.connectionsByAddress.set(address, count + 1)
    return true
  }

  release(address: string): void {
    const count = (this.connectionsByAddress.get(address) ?? 1) - 1
    if (count > 0) this.connectionsByAddress.set(address, count)
    else this.connectionsByAddress.delete(address)
  }

  newLimits(now: number): SessionLimits {
    return { frameTokens: this.options.frameBurst, strikeTokens: this.options.droppedFramesBeforeClose, limitsUpdatedAt: now, lastToldAt: -Infinity }
  }

  judgeFrame(limits: SessionLimits, now: number): FrameVerdict {
    const { framesPerSecond, frameBurst, droppedFramesBeforeClose } = this.options
    const elapsedSeconds = (now - limits.limitsUpdatedAt) / 1000
    limits.limitsUpdatedAt = now
    limits.frameTokens = Math.min(frameBurst, limits.frameTokens + elapsedSeconds * framesPerSecond)
    limits.strikeTokens = Math.min(droppedFramesBeforeClose, limits.strikeTokens + elapsedSeconds * droppedFramesBeforeClose / 10)
    if (limits.frameTokens >= 1) {
      limits.frameTokens -= 1
      return 'accept'
    }
    if (limits.strikeTokens < 1) return 'close'
    limits.strikeTokens -= 1
    if (now - limits.lastToldAt < 1000) return 'drop'
    limits.lastToldAt = now
    return 'drop-and-tell'
  }

  /** How long until the socket's bucket takes a frame again: 0 when it would now. */
  retryAfterMs(limits: SessionLimits, now: number): number {
    const elapsedSeconds = (now - limits.limitsUpdatedAt) / 1000
    const tokens = Math.min(this.options.frameBurst, limits.frameTokens + elapsedSeconds * this.options.framesPerSecond)
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * 1000 / this.options.framesPerSecond)
  }

  get addressCount(): number {
    return this.connectionsByAddress.size
  }
}
