import { shallowRef } from 'vue'
import { CLOSE_CODES, parseServerFrame } from '../shared/protocol'
import type { ClientFrame } from '../shared/protocol'
import { backoffDelay } from '../utils/backoff'
import { createFrameBudget } from '../utils/frame-budget'
import type { FrameRate } from '../utils/frame-budget'
import { createHeartbeat } from '../utils/heartbeat'
import { listenToPageEvents } from '../utils/page-events'
import { tryOnScopeDispose } from '../utils/scope'
import type { UseHeartbeatLinkOptions, UseHeartbeatLinkReturn } from './useHeartbeatLink.types'
import { closeRefusal } from '../utils/refusals'
import { defaultSocketUrl } from '../utils/socket-url'

export type HeartbeatLinkStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'offline'

/**
 * How a page's socket connects, pings and reconnects: the options that
 * useHeartbeatSocket (a room) and useLobby (the lobby) share.
 */
export interface HeartbeatLinkTuning {
  /** Socket URL. @default `ws(s)://<location.host>/ws`, wss on an https page */
  url?: string
  /** Delay between a pong (or the join) and the next ping. @default 6000 */
  heartbeatIntervalMs?: number
  /**
   * The server's activity window: no answer within it means the link is dead,
   * so the socket is dropped and a reconnect scheduled. A room's `joined`
   * frame may replace it with the server's `heartbeatWindowMs`.
   * @default 8000
   */
  pongTimeoutMs?: number
  /**
   * A ping unanswered for this long marks the link uncertain ("Checking
   * connection…") until its pong comes or the link is called dead, the
   * window after the last pong; never more than half the time the window
   * leaves a ping (1 s with the defaults), so the mark shows before that.
   * @default 1500
   */
  uncertainAfterMs?: number
  /**
   * Reconnect attempts shown as "reconnecting" after a drop; past them the
   * status is 'disconnected' and the attempts go on, slower, until one works.
   * @default 10
   */
  maxRetries?: number
  /** Ceiling of the first reconnect delay; it doubles with every failed attempt. @default 500 */
  backoffBaseMs?: number
  /**
   * Longest reconnect delay early in an outage. A longer outage stretches it
   * to a sixth of the time the link has been down (so after 30 s it is still
   * 5 s), up to `slowestRetryMs`.
   * @default 5000
   */
  backoffMaxMs?: number
  /** Longest delay between two attempts, however long the outage. @default 60000 */
  slowestRetryMs?: number
  /** Connect as soon as the composable runs (on the client). @default true */
  immediate?: boolean
  /** WebSocket constructor, replaceable in tests. @default globalThis.WebSocket */
  WebSocket?: typeof WebSocket
  /** Source of the reconnect jitter, in [0, 1). @default Math.random */
  random?: () => number
}

export type ResolvedLinkTuning = Required<Omit<HeartbeatLinkTuning, 'WebSocket'>> & { WebSocket: typeof WebSocket | undefined }

/** Every default of the tuning filled in; `WebSocket` is undefined without a window (SSR), so nothing connects there. */
export function resolveLinkTuning(options: HeartbeatLinkTuning): ResolvedLinkTuning {
  return {
    url: options.url ?? defaultSocketUrl(),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 6000,
    pongTimeoutMs: options.pongTimeoutMs ?? 8000,
    uncertainAfterMs: options.uncertainAfterMs ?? 1500,
    maxRetries: options.maxRetries ?? 10,
    backoffBaseMs: options.backoffBaseMs ?? 500,
    backoffMaxMs: options.backoffMaxMs ?? 5000,
    slowestRetryMs: options.slowestRetryMs ?? 60_000,
    immediate: options.immediate ?? true,
    random: options.random ?? Math.random,
    WebSocket: typeof window === 'undefined' ? undefined : options.WebSocket ?? window.WebSocket,
  }
}

// A long outage stretches the backoff ceiling to this fraction of the time the
// link has been down: a 30 s outage still retries every 5 s at most, an hour-long
// one once a minute per page.
const OUTAGE_SHARE_OF_CEILING = 1 / 6

/**
 * After the server cut the socket for flooding, the page waits this long and
 * reconnects by itself: a new socket has a fresh bucket, and the outbox goes
 * on, paced, where it stopped.
 */
export const FLOOD_COOLDOWN_MS = 5000

/**
 * One WebSocket kept alive: a ping after each pong, a dead link noticed when no
 * answer comes within the window, reconnects with jittered backoff that never
 * stops for good, and at once when the browser comes back online or the user
 * looks at the tab. The browser's `offline` event is believed at once.
 */
export function useHeartbeatLink(options: UseHeartbeatLinkOptions): UseHeartbeatLinkReturn {
  const tuning = resolveLinkTuning(options)
  const { url, WebSocket: WebSocketImpl, maxRetries, backoffBaseMs, backoffMaxMs, slowestRetryMs, random } = tuning
  const status = shallowRef<HeartbeatLinkStatus>('idle')
  const attempt = shallowRef(0)
  const uncertain = shallowRef(false)
  const budget = createFrameBudget()

  let current: WebSocket | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let stopListening: (() => void) | undefined
  /** Set by the browser's `offline` event, cleared by `online` or by a join that works anyway (a LAN server). */
  let browserOffline = false
  /** When the link was lost; the backoff ceiling grows with the outage. */
  let downSince: number | undefined
  /** Failed attempts since the link was lost, offline ones included: the backoff exponent. */
  let failures = 0

  const heartbeat = createHeartbeat({
    intervalMs: tuning.heartbeatIntervalMs,
    timeoutMs: tuning.pongTimeoutMs,
    uncertainAfterMs: tuning.uncertainAfterMs,
    sendPing: () => send({ type: 'ping' }),
    onTimeout: () => scheduleReconnect(),
    onUncertain: (now) => { uncertain.value = now },
  })

  // A member's pings skip the server's frame bucket, but a lobby watcher's do
  // not: a ping is counted, and always goes, or the link would look dead.
  function send(frame: ClientFrame): boolean {
    if (!WebSocketImpl || current?.readyState !== WebSocketImpl.OPEN) return false
    const now = Date.now()
    if (frame.type === 'ping') budget.spend(now)
    else if (!budget.take(now)) return false
    current.send(JSON.stringify(frame))
    return true
  }

  function clearTimers() {
    heartbeat.stop()
    clearTimeout(retryTimer)
    retryTimer = undefined
  }

  function abandonSocket() {
    const ws = current
    current = undefined
    if (!ws || !WebSocketImpl) return
    // Closing a socket that is still CONNECTING makes browsers log an error;
    // let it open first. Its other events are ignored as it is no longer current.
    if (ws.readyState === WebSocketImpl.CONNECTING) ws.onopen = () => ws.close()
    else ws.close()
  }

  function connect() {
    if (!WebSocketImpl) return
    clearTimers()
    abandonSocket()
    stopListening ??= listenToPageEvents({ onOnline: backOnline, onOffline: goOffline, onVisible: checkLinkNow, onPageHide: options.onPageHide })
    status.value = statusWhileTrying()
    const ws = new WebSocketImpl(url)
    current = ws
    ws.onopen = () => {
      if (ws !== current) return
      budget.refill(Date.now())
      options.onOpen()
      heartbeat.awaitReply()
    }
    ws.onmessage = (event: MessageEvent) => {
      if (ws !== current) return
      const frame = parseServerFrame(event.data)
      if (frame) options.onFrame(frame)
    }
    ws.onclose = (event: CloseEvent) => {
      if (ws !== current) return
      current = undefined
      const refusal = closeRefusal(event.code)
      if (!refusal) return scheduleReconnect()
      if (event.code === CLOSE_CODES.policyViolation) {
        options.onRefused(refusal)
        return scheduleReconnect(FLOOD_COOLDOWN_MS)
      }
      close()
      options.onRefused(refusal)
    }
  }

  // Past maxRetries the page says so and offers the button, but a background
  // attempt does not flip it back to "reconnecting" only to fail again.
  function statusWhileTrying(): HeartbeatLinkStatus {
    if (browserOffline) return 'offline'
    if (attempt.value === 0) return 'connecting'
    return attempt.value > maxRetries ? 'disconnected' : 'reconnecting'
  }

  // An attempt made while the browser says it is offline does not use up the
  // attempts the page shows; it still stretches the delay.
  function scheduleReconnect(leastDelayMs = 0) {
    clearTimers()
    abandonSocket()
    downSince ??= Date.now()
    failures++
    if (!browserOffline) attempt.value++
    status.value = statusWhileTrying()
    const ceilingMs = Math.min(slowestRetryMs, Math.max(backoffMaxMs, (Date.now() - downSince) * OUTAGE_SHARE_OF_CEILING))
    retryTimer = setTimeout(connect, Math.max(leastDelayMs, backoffDelay(failures, { baseMs: backoffBaseMs, maxMs: ceilingMs }, random)))
  }

  function joined(heartbeatWindowMs?: number, frameRate?: FrameRate) {
    clearTimers()
    if (typeof heartbeatWindowMs === 'number') heartbeat.setTimeoutMs(heartbeatWindowMs)
    if (frameRate) budget.setServerRate(frameRate, Date.now())
    status.value = 'connected'
    attempt.value = 0
    failures = 0
    downSince = undefined
    browserOffline = false
    heartbeat.start()
  }

  // Without a network no pong can come: say so now rather than after the
  // pong timeout, and keep what is written in the outbox meanwhile.
  function goOffline() {
    browserOffline = true
    scheduleReconnect()
  }

  function backOnline() {
    browserOffline = false
    if (status.value === 'connected') return heartbeat.pingNow()
    attempt.value++
    connect()
  }

  // The link may have died unnoticed while offline or hidden: check it now
  // instead of waiting out a ping interval or a backoff delay.
  function checkLinkNow() {
    if (status.value === 'connected') heartbeat.pingNow()
    else if (retryTimer !== undefined) connect()
  }

  function reconnect() {
    attempt.value = 0
    connect()
  }

  function close() {
    clearTimers()
    abandonSocket()
    stopListening?.()
    stopListening = undefined
    status.value = 'disconnected'
  }

  tryOnScopeDispose(close)

  return {
    status,
    attempt,
    uncertain,
    send,
    sendDelayMs: () => budget.waitMs(Date.now()),
    throttled: retryAfterMs => budget.emptyFor(retryAfterMs, Date.now()),
    joined,
    pong: heartbeat.pong,
    retryLater: () => scheduleReconnect(),
    reconnect,
    close,
  }
}
