import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ClientFrame, ServerFrame } from '../shared/protocol'
import { backoffDelay } from '../utils/backoff'
import { createHeartbeat } from '../utils/heartbeat'
import { listenToPageEvents } from '../utils/page-events'
import { closeRefusal } from '../utils/refusals'
import type { Refusal } from '../utils/refusals'
import { parseServerFrame } from '../utils/timeline'

export type HeartbeatLinkStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

export interface UseHeartbeatLinkOptions {
  url: string
  /** Undefined without a window (SSR): then nothing ever connects. */
  WebSocket: typeof WebSocket | undefined
  heartbeatIntervalMs: number
  pongTimeoutMs: number
  maxRetries: number
  backoffBaseMs: number
  backoffMaxMs: number
  random: () => number
  /** A new socket is open: say who we are. The link waits `pongTimeoutMs` for `joined()`. */
  onOpen: () => void
  onFrame: (frame: ServerFrame) => void
  /** The server closed the socket in a way that reconnecting would not fix; the link has stopped. */
  onRefused: (refusal: Refusal) => void
  /** The page is being hidden or unloaded, possibly for good. */
  onPageHide: () => void
}

export interface UseHeartbeatLinkReturn {
  status: Ref<HeartbeatLinkStatus>
  /** Current reconnect attempt, 1..maxRetries; 0 while connected. */
  attempt: Ref<number>
  /** Sends a frame on the open socket; false when there is none. */
  send: (frame: ClientFrame) => boolean
  /** The server accepted us: connected, retry budget restored, pings start. */
  joined: (heartbeatWindowMs?: number) => void
  /** Takes a pong: the round trip in ms, undefined when no ping was waiting. */
  pong: () => number | undefined
  /** Connects now with a fresh retry budget. */
  reconnect: () => void
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}

/**
 * One WebSocket kept alive: a ping after each pong, a dead link noticed when no
 * answer comes within the window, reconnects with jittered backoff up to a
 * cap, and at once when the browser comes back online or the tab is shown.
 */
export function useHeartbeatLink(options: UseHeartbeatLinkOptions): UseHeartbeatLinkReturn {
  const { url, WebSocket: WebSocketImpl, maxRetries, backoffBaseMs, backoffMaxMs, random } = options
  const status = shallowRef<HeartbeatLinkStatus>('idle')
  const attempt = shallowRef(0)

  let current: WebSocket | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let stopListening: (() => void) | undefined

  const heartbeat = createHeartbeat({
    intervalMs: options.heartbeatIntervalMs,
    timeoutMs: options.pongTimeoutMs,
    sendPing: () => send({ type: 'ping' }),
    onTimeout: scheduleReconnect,
  })

  function send(frame: ClientFrame): boolean {
    if (!WebSocketImpl || current?.readyState !== WebSocketImpl.OPEN) return false
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
    stopListening ??= listenToPageEvents({ onOnline: checkLinkNow, onVisible: checkLinkNow, onPageHide: options.onPageHide })
    status.value = attempt.value === 0 ? 'connecting' : 'reconnecting'
    const ws = new WebSocketImpl(url)
    current = ws
    ws.onopen = () => {
      if (ws !== current) return
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
      close()
      options.onRefused(refusal)
    }
  }

  function scheduleReconnect() {
    clearTimers()
    abandonSocket()
    const next = attempt.value + 1
    if (next > maxRetries) {
      status.value = 'disconnected'
      return
    }
    attempt.value = next
    status.value = 'reconnecting'
    retryTimer = setTimeout(connect, backoffDelay(next, { baseMs: backoffBaseMs, maxMs: backoffMaxMs }, random))
  }

  function joined(heartbeatWindowMs?: number) {
    clearTimers()
    if (typeof heartbeatWindowMs === 'number') heartbeat.setTimeoutMs(heartbeatWindowMs)
    status.value = 'connected'
    attempt.value = 0
    heartbeat.start()
  }

  // The link may have died unnoticed while offline or hidden: check it now
  // instead of waiting out a ping interval or a backoff delay.
  function checkLinkNow() {
    if (status.value === 'connected') {
      heartbeat.pingNow()
    }
    else if (retryTimer !== undefined) {
      connect()
    }
    else if (status.value === 'disconnected') {
      attempt.value = 0
      connect()
    }
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

  return { status, attempt, send, joined, pong: heartbeat.pong, reconnect, close }
}
