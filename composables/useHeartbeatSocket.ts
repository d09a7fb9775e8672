import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue } from 'vue'
import type { ClientFrame, ErrorCode, ErrorFrame, JoinedFrame, JoinFrame } from '../shared/protocol'
import type { MemberPresence, PongFrame, ServerFrame } from '../shared/protocol'
import { backoffDelay } from '../utils/backoff'
import { createHeartbeat } from '../utils/heartbeat'
import { defaultTokenStorage, memberTokenStore } from '../utils/member-token'
import type { TokenStorage } from '../utils/member-token'
import { listenToPageEvents } from '../utils/page-events'
import { awayBeaconUrl, defaultSocketUrl } from '../utils/socket-url'
import { parseServerFrame } from '../utils/timeline'
import type { TimelineEntry } from '../utils/timeline'
import { useRoomState } from './useRoomState'

export type HeartbeatSocketStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

export interface UseHeartbeatSocketOptions {
  /** Room to join; read again at every (re)join. */
  roomId: MaybeRefOrGetter<string>
  /** Display name sent with every join; read again at every (re)join. */
  name: MaybeRefOrGetter<string>
  /** Room password sent with every join. @default undefined */
  password?: MaybeRefOrGetter<string | undefined>
  /** Socket URL. @default `ws(s)://<location.host>/ws`, wss on an https page */
  url?: string
  /** Delay between a pong (or the join) and the next ping. @default 6000 */
  heartbeatIntervalMs?: number
  /**
   * The server's activity window: no answer within it means the link is dead,
   * so the socket is dropped and a reconnect scheduled. A `heartbeatWindowMs`
   * in the `joined` frame replaces it.
   * @default 8000
   */
  pongTimeoutMs?: number
  /** Reconnect attempts after a drop before giving up until `reconnect()`. @default 10 */
  maxRetries?: number
  /** Ceiling of the first reconnect delay; it doubles with every failed attempt. @default 500 */
  backoffBaseMs?: number
  /** Longest reconnect delay. @default 30000 */
  backoffMaxMs?: number
  /** Connect as soon as the composable runs (on the client). @default true */
  immediate?: boolean
  /** Where the member token is kept, under `heartbeat:token:<roomId>`. @default localStorage */
  storage?: TokenStorage
  /** WebSocket constructor, replaceable in tests. @default globalThis.WebSocket */
  WebSocket?: typeof WebSocket
  /** Source of the reconnect jitter, in [0, 1). @default Math.random */
  random?: () => number
  /** Most entries kept in the timeline; the oldest go first. @default 500 */
  historyLimit?: number
}

export interface UseHeartbeatSocketReturn {
  status: Readonly<Ref<HeartbeatSocketStatus>>
  /** Current reconnect attempt, 1..maxRetries; 0 while connected. */
  attempt: Readonly<Ref<number>>
  maxRetries: Readonly<Ref<number>>
  online: Readonly<Ref<number>>
  members: Readonly<Ref<number>>
  users: Readonly<Ref<MemberPresence[]>>
  self: Readonly<Ref<{ id: string, name: string } | undefined>>
  timeline: Readonly<Ref<TimelineEntry[]>>
  /** Round trip of the last ping, in ms. */
  rttMs: Readonly<Ref<number | undefined>>
  /** The last error frame; cleared by a successful join. */
  error: Readonly<Ref<{ code: ErrorCode, message: string } | undefined>>
  joined: ComputedRef<boolean>
  /** Sends a chat message; false when not joined. */
  send: (text: string) => boolean
  /** Leaves the room for good: the token is forgotten and the socket closed. */
  leave: () => void
  /** Connects now with a fresh retry budget. */
  reconnect: () => void
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}

// Before a join succeeds these cannot be fixed by trying again.
const FATAL_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set(['WRONG_PASSWORD', 'NAME_TAKEN', 'BAD_REQUEST'])

export function useHeartbeatSocket(options: UseHeartbeatSocketOptions): UseHeartbeatSocketReturn {
  const {
    roomId,
    name,
    password,
    url = defaultSocketUrl(),
    heartbeatIntervalMs = 6000,
    pongTimeoutMs = 8000,
    maxRetries = 10,
    backoffBaseMs = 500,
    backoffMaxMs = 30_000,
    immediate = true,
    storage = defaultTokenStorage(),
    random = Math.random,
    historyLimit = 500,
  } = options
  // Nothing runs without a window, so a page can call this during SSR.
  const WebSocketImpl = typeof window === 'undefined' ? undefined : options.WebSocket ?? window.WebSocket

  const status = shallowRef<HeartbeatSocketStatus>('idle')
  const attempt = shallowRef(0)
  const room = useRoomState(historyLimit)
  const rttMs = shallowRef<number>()
  const error = shallowRef<{ code: ErrorCode, message: string }>()
  const joined = computed(() => status.value === 'connected')

  let current: WebSocket | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let stopListening: (() => void) | undefined

  const token = memberTokenStore(storage, roomId)
  const heartbeat = createHeartbeat({
    intervalMs: heartbeatIntervalMs,
    timeoutMs: pongTimeoutMs,
    sendPing: () => sendFrame({ type: 'ping' }),
    onTimeout: scheduleReconnect,
  })

  function sendFrame(frame: ClientFrame): boolean {
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
    stopListening ??= listenToPageEvents({ onOnline: checkLinkNow, onVisible: checkLinkNow, onPageHide })
    status.value = attempt.value === 0 ? 'connecting' : 'reconnecting'
    const ws = new WebSocketImpl(url)
    current = ws
    ws.onopen = () => {
      if (ws !== current) return
      sendFrame(joinFrame())
      heartbeat.awaitReply()
    }
    ws.onmessage = (event: MessageEvent) => {
      if (ws !== current) return
      const frame = parseServerFrame(event.data)
      if (frame) handleFrame(frame)
    }
    ws.onclose = () => {
      if (ws !== current) return
      current = undefined
      scheduleReconnect()
    }
  }

  // Read at every join: the options may be refs, and another tab may have stored a token meanwhile.
  function joinFrame(): JoinFrame {
    const details = { roomId: toValue(roomId), name: toValue(name), password: toValue(password) }
    return { type: 'join', ...details, token: token.read() }
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

  function handleFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'joined': return onJoined(frame)
      case 'pong': return onPong(frame)
      case 'presence': return room.applyPresence(frame)
      case 'chat': return room.appendMessages([frame])
      case 'error': return onError(frame)
      case 'left':
        token.forget()
        return close()
    }
  }

  function onJoined(frame: JoinedFrame) {
    clearTimers()
    if (typeof frame.heartbeatWindowMs === 'number') heartbeat.setTimeoutMs(frame.heartbeatWindowMs)
    status.value = 'connected'
    attempt.value = 0
    error.value = undefined
    token.write(frame.token)
    room.applyJoined(frame)
    heartbeat.start()
  }

  function onPong(frame: PongFrame) {
    room.applyCounts(frame)
    rttMs.value = heartbeat.pong() ?? rttMs.value
  }

  function onError(frame: ErrorFrame) {
    error.value = { code: frame.code, message: frame.message }
    if (status.value !== 'connected' && FATAL_JOIN_ERRORS.has(frame.code)) close()
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

  // A closing tab cannot wait for the socket to time out; a beacon marks the member away at once.
  function onPageHide() {
    const memberToken = token.read()
    if (status.value !== 'connected' || !memberToken || typeof navigator.sendBeacon !== 'function') return
    navigator.sendBeacon(awayBeaconUrl(url, toValue(roomId), location.href), JSON.stringify({ token: memberToken }))
  }

  function send(text: string): boolean {
    if (status.value !== 'connected') return false
    return sendFrame({ type: 'chat', text, clientId: randomClientId() })
  }

  function leave() {
    sendFrame({ type: 'leave' })
    token.forget()
    close()
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

  if (getCurrentScope()) onScopeDispose(close)
  if (immediate) connect()

  return {
    status,
    attempt,
    maxRetries: shallowRef(maxRetries),
    online: room.online,
    members: room.members,
    users: room.users,
    self: room.self,
    timeline: room.timeline,
    rttMs,
    error,
    joined,
    send,
    leave,
    reconnect,
    close,
  }
}

// crypto.randomUUID exists only in secure contexts, and a LAN http page is not one.
function randomClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), byte => byte.toString(16).padStart(2, '0')).join('')
}
