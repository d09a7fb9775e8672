import { defaultSocketUrl } from '../utils/socket-url'
import { FallbackSocket } from '../utils/fallback-socket'

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
  /**
   * The fallback transport with a WebSocket's face (utils/fallback-socket.ts),
   * taken after `failuresBeforeFallback` sockets fail in a row.
   * @default FallbackSocket in a browser; none when `WebSocket` is given (a test drives one transport)
   */
  Fallback?: typeof WebSocket
  /** Sockets that fail in a row (no open within `socketOpenTimeoutMs`, or a close before the join answered) before the fallback. @default 3 */
  failuresBeforeFallback?: number
  /** A socket not open within this counts as failed (with a fallback only). @default 2500 */
  socketOpenTimeoutMs?: number
  /** On the fallback, how often a WebSocket is tried in the background. @default 30000 */
  probeIntervalMs?: number
  /** Where the choice of the fallback is remembered for the browser session. @default sessionStorage */
  transportStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  /** Source of the reconnect jitter, in [0, 1). @default Math.random */
  random?: () => number
}

export type ResolvedLinkTuning = Required<Omit<HeartbeatLinkTuning, 'WebSocket' | 'Fallback' | 'transportStorage'>>
  & { WebSocket: typeof WebSocket | undefined, Fallback: typeof WebSocket | undefined, transportStorage: HeartbeatLinkTuning['transportStorage'] }

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
    Fallback: typeof window === 'undefined' ? undefined : options.Fallback ?? (options.WebSocket ? undefined : FallbackSocket as unknown as typeof WebSocket),
    failuresBeforeFallback: options.failuresBeforeFallback ?? 3,
    socketOpenTimeoutMs: options.socketOpenTimeoutMs ?? 2500,
    probeIntervalMs: options.probeIntervalMs ?? 30_000,
    transportStorage: options.transportStorage ?? browserSessionStorage(),
  }
}

function browserSessionStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage
  }
  catch {
    return undefined
  }
}
