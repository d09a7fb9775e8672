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
import { resolveLinkTuning } from './useHeartbeatLink.tuning'
import { closeRefusal } from '../utils/refusals'
import { createTransportChoice } from '../utils/transport-choice'
import type { LinkTransport } from '../utils/transport-choice'

export type HeartbeatLinkStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'offline'

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
  const { url, WebSocket: WebSocketImpl, Fallback, maxRetries, backoffBaseMs, backoffMaxMs, slowestRetryMs, random } = tuning
  const choice = createTransportChoice({ failuresBeforeFallback: tuning.failuresBeforeFallback, fallbackAvailable: Fallback !== undefined, storage: tuning.transportStorage })
  const transport = shallowRef<LinkTransport>(choice.current)
  const status = shallowRef<HeartbeatLinkStatus>('idle')
  const attempt = shallowRef(0)
  const uncertain = shallowRef(false)
  const budget = createFrameBudget()

  let current: WebSocket | undefined
  /** Whether the current socket's join has been answered: a close before it counts against WebSocket. */
  let currentJoined = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let openTimer: ReturnType<typeof setTimeout> | undefined
  let probeTimer: ReturnType<typeof setTimeout> | undefined
  let probe: WebSocket | undefined
  /** The fallback a probe socket replaces: kept until the socket's join answers, so the member never looks gone. */
  let handoff: WebSocket | undefined
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
    clearTimeout(openTimer)
    retryTimer = undefined
  }

  function abandonSocket() {
    handoff?.close()
    handoff = undefined
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
    const Impl = transport.value === 'fallback' && Fallback ? Fallback : WebSocketImpl
    const ws = new Impl(url)
    if (Impl === WebSocketImpl && Fallback) {
      openTimer = setTimeout(() => {
        if (ws === current && ws.readyState === WebSocketImpl.CONNECTING) socketFailed()
      }, tuning.socketOpenTimeoutMs)
    }
    attach(ws)
  }

  function attach(ws: WebSocket) {
    current = ws
    currentJoined = false
    ws.onopen = () => {
      if (ws === current) opened()
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
      if (!refusal) return currentJoined || transport.value === 'fallback' ? scheduleReconnect() : socketFailed()
      if (event.code === CLOSE_CODES.policyViolation) {
        options.onRefused(refusal)
        return scheduleReconnect(FLOOD_COOLDOWN_MS)
      }
      close()
      options.onRefused(refusal)
    }
  }

  function opened() {
    clearTimeout(openTimer)
    budget.refill(Date.now())
    options.onOpen()
    heartbeat.awaitReply()
  }

  // A socket that did not open in time, or closed before its join answered:
  // after a few in a row the fallback takes over at once, with no backoff.
  function socketFailed() {
    if (!choice.socketFailed()) return scheduleReconnect()
    transport.value = 'fallback'
    connect()
  }

  // On the fallback, a WebSocket is tried now and then; one that opens
  // becomes the link, and the join on it resumes by lastSeq. The page stays
  // "connected" throughout: the status does not change for the move.
  function scheduleProbe() {
    clearTimeout(probeTimer)
    if (transport.value !== 'fallback' || !WebSocketImpl) return
    probeTimer = setTimeout(() => {
      const ws = new WebSocketImpl(url)
      probe = ws
      const failed = () => {
        if (probe !== ws) return
        probe = undefined
        scheduleProbe()
      }
      ws.onclose = failed
      ws.onopen = () => {
        if (probe !== ws) return ws.close()
        probe = undefined
        choice.socketWorks()
        transport.value = 'websocket'
        clearTimers()
        handoff = current
        attach(ws)
        opened()
      }
    }, tuning.probeIntervalMs)
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
    currentJoined = true
    handoff?.close()
    handoff = undefined
    choice.joined()
    scheduleProbe()
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
    clearTimeout(probeTimer)
    probe?.close()
    probe = undefined
    abandonSocket()
    stopListening?.()
    stopListening = undefined
    status.value = 'disconnected'
  }

  tryOnScopeDispose(close)

  return {
    status,
    transport,
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
