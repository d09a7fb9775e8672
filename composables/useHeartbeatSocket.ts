import type { Ref } from 'vue'
import { computed, shallowRef } from 'vue'
import { useHeartbeatLink } from './useHeartbeatLink'
import type { HeartbeatLinkStatus } from './useHeartbeatLink'
import { resolveLinkTuning } from './useHeartbeatLink.tuning'
import type { HeartbeatLinkTuning } from './useHeartbeatLink.tuning'
import { useRoomMembership } from './useRoomMembership'
import type { LinkTransport } from '../utils/transport-choice'
import type { UseRoomMembershipOptions, UseRoomMembershipReturn } from './useRoomMembership.types'

/** 'checking': joined, but a ping has waited past `uncertainAfterMs` for its pong. */
export type HeartbeatSocketStatus = HeartbeatLinkStatus | 'checking'

export interface UseHeartbeatSocketOptions extends HeartbeatLinkTuning, Omit<UseRoomMembershipOptions, 'link' | 'url' | 'random' | 'connectable'> {}

export interface UseHeartbeatSocketReturn extends Omit<UseRoomMembershipReturn, 'linkEvents'> {
  status: Readonly<Ref<HeartbeatSocketStatus>>
  /** Current reconnect attempt, counted from 1 (past maxRetries while 'disconnected'); 0 while connected. */
  attempt: Readonly<Ref<number>>
  maxRetries: Readonly<Ref<number>>
  /** Which transport carries the room: the connection status names it, nothing else needs to. */
  transport: Readonly<Ref<LinkTransport>>
  /** Connects now with a fresh retry budget ("Reconnect", "Retry now"). */
  reconnect: () => void
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}

/**
 * One room over one heartbeat link: the link (socket, pings, backoff) and the
 * membership (join, timeline, outbox) composed, so that a page has one thing
 * to call and one thing to close.
 */
export function useHeartbeatSocket(options: UseHeartbeatSocketOptions): UseHeartbeatSocketReturn {
  // Nothing connects without a window (tuning.WebSocket is undefined), so a page can call this during SSR.
  const tuning = resolveLinkTuning(options)
  // The link calls back only once it has a socket, by which time the room exists.
  const link = useHeartbeatLink({
    ...tuning,
    onOpen: () => link.send(linkEvents.joinFrame()),
    onFrame: frame => linkEvents.frame(frame),
    onRefused: refusal => linkEvents.refused(refusal),
    onPageHide: () => linkEvents.pageHidden(),
  })
  const { linkEvents, ...room } = useRoomMembership({
    ...options,
    link,
    url: tuning.url,
    random: tuning.random,
    connectable: tuning.WebSocket !== undefined,
  })
  const status = computed<HeartbeatSocketStatus>(() => (room.joined.value && link.uncertain.value ? 'checking' : link.status.value))

  // The membership's own teardown (registered inside it) closes the link.
  if (tuning.immediate) link.reconnect()

  return {
    ...room,
    status,
    attempt: link.attempt,
    transport: link.transport,
    maxRetries: shallowRef(tuning.maxRetries),
    reconnect: link.reconnect,
  }
}
