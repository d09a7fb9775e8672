export interface HeartbeatOptions {
  /** Delay between a pong (or `start()`) and the next ping. */
  intervalMs: number
  /** How long a ping, or whatever `awaitReply()` waits for, may go unanswered. */
  timeoutMs: number
  /** Sends one ping; false when the link cannot take it. */
  sendPing: () => boolean
  /** Nothing answered within `timeoutMs`: the link is dead. */
  onTimeout: () => void
}

export interface Heartbeat {
  /** Schedules the next ping one interval from now. */
  start: () => void
  /** Pings at once, unless a ping is still waiting for its pong. */
  pingNow: () => void
  /** Starts the reply timeout without a ping, e.g. for the answer to a join. */
  awaitReply: () => void
  /** Takes a pong: the round trip in ms (undefined when no ping was waiting), and schedules the next ping. */
  pong: () => number | undefined
  setTimeoutMs: (ms: number) => void
  /** Clears both timers. */
  stop: () => void
}

/** Ping/pong liveness for one link, as plain timers that `stop()` always clears. */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { intervalMs, sendPing, onTimeout } = options
  let timeoutMs = options.timeoutMs
  let pingTimer: ReturnType<typeof setTimeout> | undefined
  let replyTimer: ReturnType<typeof setTimeout> | undefined
  let pingSentAt: number | undefined

  function stop() {
    clearTimeout(pingTimer)
    clearTimeout(replyTimer)
    pingTimer = replyTimer = pingSentAt = undefined
  }

  function awaitReply() {
    clearTimeout(replyTimer)
    replyTimer = setTimeout(() => {
      stop()
      onTimeout()
    }, timeoutMs)
  }

  function pingNow() {
    if (pingSentAt !== undefined) return
    clearTimeout(pingTimer)
    pingTimer = undefined
    const sentAt = Date.now()
    if (!sendPing()) return
    pingSentAt = sentAt
    awaitReply()
  }

  // Chrome throttles timers nested 5+ deep in a hidden tab to one run a minute,
  // long enough for the server's activity window to expire. So no setInterval and
  // no setTimeout re-armed from its own callback: the next ping is scheduled from
  // the pong (or joined) handler, a network event at nesting level 0.
  function start() {
    clearTimeout(pingTimer)
    pingTimer = setTimeout(pingNow, intervalMs)
  }

  function pong(): number | undefined {
    if (pingSentAt === undefined) return undefined
    const roundTripMs = Date.now() - pingSentAt
    pingSentAt = undefined
    clearTimeout(replyTimer)
    replyTimer = undefined
    start()
    return roundTripMs
  }

  return { start, pingNow, awaitReply, pong, setTimeoutMs: (ms) => { timeoutMs = ms }, stop }
}
