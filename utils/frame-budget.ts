/** A socket's frame bucket on the server: frames a second, sustained, and the burst. */
export interface FrameRate {
  perSecond: number
  burst: number
}

/** The server's default bucket (`NUXT_FRAMES_PER_SECOND`, `NUXT_FRAME_BURST`), until a `joined` names the real one. */
export const DEFAULT_SERVER_FRAME_RATE: FrameRate = { perSecond: 10, burst: 20 }

/**
 * The page spends less than the server allows: frames sent at an even pace can
 * still arrive bunched after a network hiccup, and the join takes a token.
 */
const RATE_SHARE = 0.8
const BURST_SHARE = 0.75

/** What the page allows itself of a server's bucket: 10 a second, bursts of 20 become 8 and 15. */
export function pageFrameRate(server: FrameRate): FrameRate {
  return {
    perSecond: Math.max(0.1, server.perSecond * RATE_SHARE),
    burst: Math.max(1, Math.floor(server.burst * BURST_SHARE)),
  }
}

export interface FrameBudget {
  /** Takes a token when one is there: false means the frame must not go now. */
  take: (now: number) => boolean
  /** Takes a token whether or not one is there (a ping must go): later frames wait for the debt. */
  spend: (now: number) => void
  /** Ms until `take` would succeed: 0 when it would now. */
  waitMs: (now: number) => number
  /** Tokens there now, fractions included. */
  tokens: (now: number) => number
  /** A new socket: the server's bucket for it starts full. */
  refill: (now: number) => void
  /** The server named its bucket: follow it (the page's share of it). */
  setServerRate: (server: FrameRate, now: number) => void
  /** The server dropped a frame and says when it takes one again: nothing goes before that. */
  emptyFor: (ms: number, now: number) => void
}

/**
 * The page's mirror of its socket's token bucket on the server, so that no
 * frame it sends (chat, typing, reactions…) is one the server would drop.
 */
export function createFrameBudget(server: FrameRate = DEFAULT_SERVER_FRAME_RATE): FrameBudget {
  let rate = pageFrameRate(server)
  let tokens = rate.burst
  let updatedAt = 0

  function settle(now: number) {
    tokens = Math.min(rate.burst, tokens + Math.max(0, now - updatedAt) * rate.perSecond / 1000)
    updatedAt = now
  }

  function waitMs(now: number): number {
    settle(now)
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * 1000 / rate.perSecond)
  }

  return {
    take(now) {
      settle(now)
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
    spend(now) {
      settle(now)
      tokens -= 1
    },
    waitMs,
    tokens(now) {
      settle(now)
      return tokens
    },
    refill(now) {
      tokens = rate.burst
      updatedAt = now
    },
    setServerRate(next, now) {
      settle(now)
      rate = pageFrameRate(next)
      tokens = Math.min(tokens, rate.burst)
    },
    emptyFor(ms, now) {
      settle(now)
      tokens = Math.min(tokens, 1 - Math.max(0, ms) * rate.perSecond / 1000)
    },
  }
}
