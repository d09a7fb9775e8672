export interface SessionGuardOptions {
  /** Frames a socket may send per second, sustained. */
  framesPerSecond: number
  /** Frames a socket may send in a burst. */
  frameBurst: number
  /** Frames dropped for the rate limit that a socket may accumulate before it is closed (refilled at a tenth of that per second). */
  droppedFramesBeforeClose: number
  /** Pings a socket may have answered per second, sustained (a heartbeat needs one every few seconds). */
  pingsPerSecond: number
}

/** Pings answered in a burst, and unanswered pings a socket may pile up before it is closed. */
const PING_BURST = 8
const IGNORED_PINGS_BEFORE_CLOSE = 100

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
  /** Pings the socket may still have answered now, and pings it may still send unanswered. */
  pingTokens: number
  pingStrikes: number
  pingsUpdatedAt: number
}

export type FrameVerdict = 'accept' | 'drop' | 'drop-and-tell' | 'close'
export type PingVerdict = 'answer' | 'ignore' | 'close'

/**
 * Keeps one socket from crowding out the others with a token bucket for its
 * frames and one for its pings. A dropped frame is answered with
 * RATE_LIMITED at most once a second, so a flood is not echoed back; a flood
 * that goes on is closed with 1008. (Sockets per address are capped at the
 * upgrade, in server/transport/.)
 */
export class SessionGuard {
  constructor(private readonly options: SessionGuardOptions) {}

  newLimits(now: number): SessionLimits {
    return {
      frameTokens: this.options.frameBurst,
      strikeTokens: this.options.droppedFramesBeforeClose,
      limitsUpdatedAt: now,
      lastToldAt: -Infinity,
      pingTokens: PING_BURST,
      pingStrikes: IGNORED_PINGS_BEFORE_CLOSE,
      pingsUpdatedAt: now,
    }
  }

  /**
   * Pings skip the frame bucket (a dropped ping would make a healthy client
   * call its link dead) but not every bound: past a few a second they go
   * unanswered, and a socket that keeps flooding is closed.
   */
  judgePing(limits: SessionLimits, now: number): PingVerdict {
    const elapsedSeconds = (now - limits.pingsUpdatedAt) / 1000
    limits.pingsUpdatedAt = now
    limits.pingTokens = Math.min(PING_BURST, limits.pingTokens + elapsedSeconds * this.options.pingsPerSecond)
    limits.pingStrikes = Math.min(IGNORED_PINGS_BEFORE_CLOSE, limits.pingStrikes + elapsedSeconds * IGNORED_PINGS_BEFORE_CLOSE / 10)
    if (limits.pingTokens >= 1) {
      limits.pingTokens -= 1
      return 'answer'
    }
    if (limits.pingStrikes < 1) return 'close'
    limits.pingStrikes -= 1
    return 'ignore'
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
}
