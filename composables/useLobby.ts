import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, watch } from 'vue'
import type { LobbyFrame, LobbyMyRoom, LobbyRoom, LobbyWatchRoom, ServerFrame } from '../shared/protocol'
import { applyLobbyFrame, applyMineFrame } from '../utils/lobby-rooms'
import { useHeartbeatLink } from './useHeartbeatLink'
import type { HeartbeatLinkStatus } from './useHeartbeatLink'
import { resolveLinkTuning } from './useHeartbeatLink.tuning'
import type { HeartbeatLinkTuning } from './useHeartbeatLink.tuning'

export interface UseLobbyOptions extends HeartbeatLinkTuning {
  /**
   * Rooms this browser holds a member token for ("your rooms"), at most
   * `LIMITS.lobbyMineRooms`; watched again whenever they change.
   * @default []
   */
  mine?: MaybeRefOrGetter<LobbyWatchRoom[]>
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
  const { mine: mineToWatch = [] } = options
  const tuning = resolveLinkTuning(options)

  const rooms = shallowRef<LobbyRoom[]>([])
  const loaded = shallowRef(false)
  const mine = shallowRef<ReadonlyMap<string, LobbyMyRoom>>(new Map())
  const refused = shallowRef<ReadonlySet<string>>(new Set())

  const link = useHeartbeatLink({
    ...tuning,
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
  if (tuning.immediate) link.reconnect()

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
