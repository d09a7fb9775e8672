import { mount } from '@vue/test-utils'
import { shallowRef } from 'vue'
import { vi } from 'vitest'
import RoomView from '~/components/room/RoomView.vue'
import type { LinkTransport } from '../../utils/transport-choice'
import type { HeartbeatSocketStatus } from '~/composables/useHeartbeatSocket'
import type { PrivateRoomInvite } from '~/composables/usePrivateRooms'
import type { NotifyState } from '~/composables/useRoomAlerts'
import type { AnnouncedLine } from '~/composables/useRoomAnnouncer'
import { useConversationTools } from '~/composables/useConversationTools'
import { ROOM_PAGE_KEY } from '~/composables/useRoomPage'
import type { RoomPage } from '~/composables/useRoomPage'
import type { MemberPresence } from '~/shared/protocol'
import type { Refusal } from '~/utils/refusals'
import type { TimelineEntry } from '~/utils/timeline'

/** What a test says of the room, as plain values (what RoomView once took as props). */
export interface RoomPageValues {
  roomId: string
  locked?: boolean
  status: HeartbeatSocketStatus
  transport?: LinkTransport
  attempt: number
  maxRetries: number
  online: number
  members: number
  users: MemberPresence[]
  selfId?: string
  selfName?: string
  timeline: TimelineEntry[]
  rttMs?: number
  error?: Refusal
  typing?: string[]
  hasOlder?: boolean
  loadingOlder?: boolean
  notify?: NotifyState
  title?: string
  ownerId?: string
  peer?: { id: string, name: string }
  invites?: PrivateRoomInvite[]
  announcements?: AnnouncedLine[]
  firstUnreadSeq?: number
}

/** Search, pins and slow mode as the room has them, over a spy for what they send (the page's `sent`). */
function conversationTools(selfId: string | undefined, ownerId: string | undefined) {
  const sent = vi.fn((_frame: unknown) => true)
  const { finder, pins, slowMode, thread } = useConversationTools({ send: sent, selfId: () => selfId, isOwner: () => ownerId !== undefined && ownerId === selfId })
  return { finder, pins, slowMode, thread, sent }
}

/** A room page of fixed values whose actions are spies, as a RoomSession would provide it. */
export function fakeRoomPage(values: RoomPageValues) {
  const { selfId, selfName, ownerId, ...rest } = values
  return {
    roomId: rest.roomId,
    locked: shallowRef(rest.locked ?? false),
    status: shallowRef(rest.status),
    transport: shallowRef(rest.transport ?? 'websocket'),
    attempt: shallowRef(rest.attempt),
    maxRetries: shallowRef(rest.maxRetries),
    online: shallowRef(rest.online),
    members: shallowRef(rest.members),
    users: shallowRef(rest.users),
    self: shallowRef(selfId === undefined ? undefined : { id: selfId, name: selfName ?? '' }),
    timeline: shallowRef(rest.timeline),
    rttMs: shallowRef(rest.rttMs),
    error: shallowRef(rest.error),
    typing: shallowRef(rest.typing ?? []),
    hasOlder: shallowRef(rest.hasOlder ?? false),
    loadingOlder: shallowRef(rest.loadingOlder ?? false),
    title: shallowRef(rest.title),
    owner: shallowRef(ownerId),
    peer: shallowRef(rest.peer),
    invites: shallowRef(rest.invites ?? []),
    notify: shallowRef(rest.notify),
    announcements: shallowRef(rest.announcements ?? []),
    firstUnreadSeq: shallowRef(rest.firstUnreadSeq),
    ...conversationTools(selfId, ownerId),
    send: vi.fn<RoomPage['send']>(),
    leave: vi.fn<RoomPage['leave']>(),
    reconnect: vi.fn<RoomPage['reconnect']>(),
    setTyping: vi.fn<RoomPage['setTyping']>(),
    loadOlder: vi.fn<RoomPage['loadOlder']>(),
    react: vi.fn<RoomPage['react']>(),
    edit: vi.fn<RoomPage['edit']>(),
    remove: vi.fn<RoomPage['remove']>(),
    discard: vi.fn<RoomPage['discard']>(),
    toggleNotify: vi.fn<RoomPage['toggleNotify']>(),
    rename: vi.fn<RoomPage['rename']>(),
    kick: vi.fn<RoomPage['kick']>(),
    openPrivateRoom: vi.fn<RoomPage['openPrivateRoom']>(),
    openInvite: vi.fn<RoomPage['openInvite']>(),
    dismissInvite: vi.fn<RoomPage['dismissInvite']>(),
  } satisfies RoomPage
}

/** Mounts RoomView under a fake room page; the page is on the wrapper, so a test can see the actions taken. */
export function mountRoomView(values: RoomPageValues, options: { attachTo?: HTMLElement } = {}) {
  const page = fakeRoomPage(values)
  const wrapper = mount(RoomView, { ...options, global: { provide: { [ROOM_PAGE_KEY]: page } } })
  return Object.assign(wrapper, { page })
}
