export interface HeartbeatOptions {
  /** Delay between a pong (or `start()`) and the next ping. */
  intervalMs: number
  /**
   * The server's activity window: the link is dead once nothing has answered
   * for this long since the last pong (or `start()`), as the other members
   * see it; also how long whatever `awaitReply()` waits for may take.
   */
  timeoutMs: number
  /**
   * A ping unanswered for this long makes the link uncertain until its pong
   * comes; for at most half the time the window leaves it, so that the
   * uncertain state shows before the link is called dead.
   */
  uncertainAfterMs: number
  /** Sends one ping; false when the link cannot take it. */
  sendPing: () => boolean
  /** Nothing answered within `timeoutMs`: the link is dead. */
  onTimeout: () => void
  /** A ping has waited past `uncertainAfterMs` (true), or its pong came (false). */
  onUncertain: (uncertain: boolean) => void
}

export interface Heartbeat {
  /** The link was just heard from: the next ping one interval from now, the link dead `timeoutMs` from now. */
  start: () => void
  /** Pings at once, unless a ping is still waiting for its pong. */
  pingNow: () => void
  /** Starts the reply timeout without a ping, e.g. for the answer to a join. */
  awaitReply: () => void
  /** Takes a pong: the round trip in ms (undefined when no ping was waiting), and schedules the next ping. */
  pong: () => number | undefined
  setTimeoutMs: (ms: number) => void
  /** Clears every timer. */
  stop: () => void
}

/** Ping/pong liveness for one link, as plain timers that `stop()` always clears. */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { intervalMs, uncertainAfterMs, sendPing, onTimeout, onUncertain } = options
  let timeoutMs = options.timeoutMs
  let pingTimer: ReturnType<typeof setTimeout> | undefined
  let replyTimer: ReturnType<typeof setTimeout> | undefined
  let uncertainTimer: ReturnType<typeof setTimeout> | undefined
  let pingSentAt: number | undefined
  let uncertain = false

  function setUncertain(now: boolean) {
    if (uncertain === now) return
    uncertain = now
    onUncertain(now)
  }

  function stop() {
    clearTimeout(pingTimer)
    clearTimeout(replyTimer)
    clearTimeout(uncertainTimer)
    pingTimer = replyTimer = uncertainTimer = pingSentAt = undefined
    setUncertain(false)
  }

  function awaitReply() {
    clearTimeout(replyTimer)
    replyTimer = setTimeout(() => {
      stop()
      onTimeout()
    }, timeoutMs)
  }

  // The deadline is not moved by the ping: it counts from the last pong.
  function pingNow() {
    if (pingSentAt !== undefined) return
    clearTimeout(pingTimer)
    pingTimer = undefined
    const sentAt = Date.now()
    if (!sendPing()) return
    pingSentAt = sentAt
    if (replyTimer === undefined) awaitReply()
    uncertainTimer = setTimeout(() => setUncertain(true), Math.min(uncertainAfterMs, (timeoutMs - pingDelayMs()) / 2))
  }

  // Chrome throttles timers nested 5+ deep in a hidden tab to one run a minute,
  // long enough for the server's activity window to expire. So no setInterval and
  // no setTimeout re-armed from its own callback: the next ping is scheduled from
  // the pong (or joined) handler, a network event at nesting level 0.
  //
  // The server counts a member online while its last ping is within the
  // window, so the page calls its link dead at the same moment: the window
  // after the last pong, not after the next ping. The ping goes early enough
  // for its pong to have time to come back before that.
  function start() {
    clearTimeout(pingTimer)
    clearTimeout(uncertainTimer)
    uncertainTimer = undefined
    setUncertain(false)
    pingTimer = setTimeout(pingNow, pingDelayMs())
    awaitReply()
  }

  function pingDelayMs(): number {
    return Math.max(0, Math.min(intervalMs, timeoutMs - uncertainAfterMs))
  }

  function pong(): number | undefined {
    if (pingSentAt === undefined) return undefined
    const roundTripMs = Date.now() - pingSentAt
    pingSentAt = undefined
    start()
    return roundTripMs
  }

  return { start, pingNow, awaitReply, pong, setTimeoutMs: (ms) => { timeoutMs = ms }, stop }
}
