import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, watch } from 'vue'
import type { LobbyFrame, LobbyMyRoom, LobbyRoom, LobbyWatchRoom, ServerFrame } from '../shared/protocol'
import { applyLobbyFrame, applyMineFrame } from '../utils/lobby-rooms'
import { defaultSocketUrl } from '../utils/socket-url'
import { useHeartbeatLink } from './useHeartbeatLink'
import type { HeartbeatLinkStatus } from './useHeartbeatLink'

export interface UseLobbyOptions {
  /**
   * Rooms this browser holds a member token for ("your rooms"), at most
   * `LIMITS.lobbyMineRooms`; watched again whenever they change.
   * @default []
   */
  mine?: MaybeRefOrGetter<LobbyWatchRoom[]>
  /** Socket URL. @default `ws(s)://<location.host>/ws`, wss on an https page */
  url?: string
  /** Delay between a pong (or the first lobby frame) and the next ping. @default 6000 */
  heartbeatIntervalMs?: number
  /** No answer within this means the link is dead: it is dropped and a reconnect scheduled. @default 8000 */
  pongTimeoutMs?: number
  /** Reconnect attempts shown as "reconnecting"; past them 'disconnected', still trying, slower. @default 10 */
  maxRetries?: number
  /** Ceiling of the first reconnect delay; it doubles with every failed attempt. @default 500 */
  backoffBaseMs?: number
  /** Longest reconnect delay early in an outage. @default 5000 */
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

export interface UseLobbyReturn {
  status: Readonly<Ref<HeartbeatLinkStatus>>
  /** Public rooms with their counts, busiest first, as the server last said. */
  rooms: Readonly<Ref<LobbyRoom[]>>
  /** "Your rooms" that the server vouched for, by id, with their counts and newest seq. */
  mine: Readonly<Ref<ReadonlyMap<string, LobbyMyRoom>>>
  /** Ids of "your rooms" whose token the server did not take (removed, or the room is gone). */
  refused: Readonly<Ref<ReadonlySet<string>>>
  /** Whether the first snapshot has come (since the page opened). */
  loaded: Readonly<Ref<boolean>>
  /** The link is not connected: the counts are the last known ones, not live. */
  stale: ComputedRef<boolean>
  /** Connects now with a fresh retry budget. */
  reconnect: () => void
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}

/**
 * The lobby's live list of public rooms: one socket that watches the lobby
 * (`{type:'watch', scope:'lobby'}`), takes its snapshot and diffs, and stays
 * alive and reconnects through the same heartbeat link as a room.
 */
export function useLobby(options: UseLobbyOptions = {}): UseLobbyReturn {
  const {
    mine: mineToWatch = [],
    url = defaultSocketUrl(),
    heartbeatIntervalMs = 6000,
    pongTimeoutMs = 8000,
    maxRetries = 10,
    backoffBaseMs = 500,
    backoffMaxMs = 5000,
    slowestRetryMs = 60_000,
    immediate = true,
    random = Math.random,
  } = options
  const WebSocketImpl = typeof window === 'undefined' ? undefined : options.WebSocket ?? window.WebSocket

  const rooms = shallowRef<LobbyRoom[]>([])
  const loaded = shallowRef(false)
  const mine = shallowRef<ReadonlyMap<string, LobbyMyRoom>>(new Map())
  const refused = shallowRef<ReadonlySet<string>>(new Set())

  const link = useHeartbeatLink({
    url,
    WebSocket: WebSocketImpl,
    heartbeatIntervalMs,
    pongTimeoutMs,
    maxRetries,
    backoffBaseMs,
    backoffMaxMs,
    slowestRetryMs,
    random,
    onOpen: watchLobby,
    onFrame: handleFrame,
    onRefused: () => {},
    onPageHide: () => {},
  })

  function watchLobby() {
    const rooms = toValue(mineToWatch)
    link.send(rooms.length > 0 ? { type: 'watch', scope: 'lobby', rooms } : { type: 'watch', scope: 'lobby' })
  }

  function handleFrame(frame: ServerFrame) {
    if (frame.type === 'lobby') return onLobby(frame)
    if (frame.type === 'pong') return void link.pong()
    // Too many watchers: this socket does not watch; another try later may.
    if (frame.type === 'error' && link.status.value !== 'connected') link.retryLater()
  }

  // The snapshot is the answer to `watch`: from then on the link is live.
  function onLobby(frame: LobbyFrame) {
    if (frame.rooms) {
      link.joined()
      loaded.value = true
    }
    rooms.value = applyLobbyFrame(rooms.value, frame)
    mine.value = applyMineFrame(mine.value, frame)
    if (frame.rooms) refused.value = new Set(frame.refused ?? [])
  }

  // A second `watch` replaces the first, with a fresh first frame.
  const stopWatchingMine = watch(() => toValue(mineToWatch), () => {
    if (link.status.value === 'connected') watchLobby()
  })

  function close() {
    stopWatchingMine()
    link.close()
  }

  if (getCurrentScope()) onScopeDispose(close)
  if (immediate) link.reconnect()

  return {
    status: link.status,
    rooms,
    mine,
    refused,
    loaded,
    stale: computed(() => link.status.value !== 'connected'),
    reconnect: link.reconnect,
    close,
  }
}
