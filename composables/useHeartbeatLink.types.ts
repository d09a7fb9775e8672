import type { Ref } from 'vue'
import type { ClientFrame, ServerFrame } from '../shared/protocol'
import type { FrameRate } from '../utils/frame-budget'
import type { Refusal } from '../utils/refusals'
import type { LinkTransport } from '../utils/transport-choice'
import type { HeartbeatLinkStatus } from './useHeartbeatLink'
import type { HeartbeatLinkTuning } from './useHeartbeatLink.tuning'

/** The tuning (each default filled in by `resolveLinkTuning`) and what the link tells its owner. */
export interface UseHeartbeatLinkOptions extends HeartbeatLinkTuning {
  /** A new socket is open: say who we are. The link waits `pongTimeoutMs` for `joined()`. */
  onOpen: () => void
  onFrame: (frame: ServerFrame) => void
  /**
   * The server closed the socket in a way that reconnecting at once would not
   * fix: the link has stopped (too many sockets), or waits `FLOOD_COOLDOWN_MS`
   * before it tries again (cut for flooding).
   */
  onRefused: (refusal: Refusal) => void
  /** The page is being hidden or unloaded, possibly for good. */
  onPageHide: () => void
}

export interface UseHeartbeatLinkReturn {
  status: Ref<HeartbeatLinkStatus>
  /** Which transport carries the link now; the rest of the page does not need to know. */
  transport: Ref<LinkTransport>
  /** Current reconnect attempt, counted from 1 (past maxRetries while 'disconnected'); 0 while connected. */
  attempt: Ref<number>
  /** A ping has gone unanswered for `uncertainAfterMs`: the link may be dead. */
  uncertain: Ref<boolean>
  /**
   * Sends a frame on the open socket; false when there is none, or when the
   * socket's frame budget (the page's share of the server's bucket) has no
   * token for it now. Pings always go.
   */
  send: (frame: ClientFrame) => boolean
  /** Ms until `send` has a token for a frame: 0 when it has one now. */
  sendDelayMs: () => number
  /** The server dropped a frame and takes one again in `retryAfterMs`: nothing goes before that. */
  throttled: (retryAfterMs: number) => void
  /** The server accepted us: connected, retry budget restored, pings start; it may name its window and frame bucket. */
  joined: (heartbeatWindowMs?: number, frameRate?: FrameRate) => void
  /** Takes a pong: the round trip in ms, undefined when no ping was waiting. */
  pong: () => number | undefined
  /** The server could not take the join now: drop this socket and try again with backoff. */
  retryLater: () => void
  /** Connects now with a fresh retry budget. */
  reconnect: () => void
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}
