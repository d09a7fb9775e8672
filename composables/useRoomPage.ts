import type { InjectionKey, Ref } from 'vue'
import { inject, provide } from 'vue'
import type { ChatMessage, FileInfo } from '../shared/protocol'
import type { LinkTransport } from '../utils/transport-choice'
import type { HeartbeatSocketStatus } from './useHeartbeatSocket'
import type { KickOptions, UseRoomMembershipReturn } from './useRoomMembership.types'
import type { NotifyState } from './useRoomAlerts'
import type { AnnouncedLine } from './useRoomAnnouncer'
import type { ShownContent, UseSealedMessagesReturn } from './useSealedMessages'

/**
 * One joined room as its screen sees it: what the server said of it, what this
 * page adds (the bell, the live region), and every action a member can take.
 * A RoomSession provides it once; the room's components take it with
 * `useRoomPage()` instead of a chain of props and events.
 */
/** What the room's screen reads of the membership as it is (useRoomMembership's own refs). */
type MembershipState = Pick<UseRoomMembershipReturn, 'online' | 'members' | 'users' | 'self' | 'timeline' | 'rttMs' | 'error' | 'typing' | 'hasOlder' | 'loadingOlder' | 'title' | 'owner' | 'peer' | 'invites' | 'finder' | 'pins' | 'slowMode' | 'thread'>
  & Partial<Pick<UseRoomMembershipReturn, 'e2eeSalt' | 'e2eeGeneration' | 'changePassword'>>

export interface RoomPage extends MembershipState {
  roomId: string
  /** The room has a password: the header shows a lock. */
  locked: Readonly<Ref<boolean>>
  /**
   * The room is end-to-end encrypted: the header says so, and its messages
   * are opened with `sealed`. Both optional, so that a page without
   * encryption (a test's) need not provide them.
   */
  e2ee?: Readonly<Ref<boolean>>
  /** What each message shows once opened (its own text in a room that is not encrypted). */
  sealed?: UseSealedMessagesReturn
  status: Readonly<Ref<HeartbeatSocketStatus>>
  /** WebSocket or the HTTP fallback: the connection status names it. */
  transport: Readonly<Ref<LinkTransport>>
  /** Current reconnect attempt, counted from 1; 0 while connected. */
  attempt: Readonly<Ref<number>>
  maxRetries: Readonly<Ref<number>>
  /** The bell's state; undefined: no bell. */
  notify: Readonly<Ref<NotifyState | undefined>>
  /** Where "New messages" goes on coming back: the first seq this browser had not shown (useUnreadLine). */
  firstUnreadSeq: Readonly<Ref<number | undefined>>
  /** What the live region has said (useRoomAnnouncer). */
  announcements: Readonly<Ref<AnnouncedLine[]>>
  /**
   * `attachments` only when files go with it; the text is then their caption
   * and may be empty. `threadId`: a reply in that thread (the thread panel's).
   */
  send: (text: string, replyTo?: string, attachments?: FileInfo[], threadId?: string) => void
  leave: () => void
  reconnect: () => void
  setTyping: (typing: boolean) => void
  loadOlder: () => void
  react: (id: string, emoji: string) => void
  edit: (id: string, text: string) => void
  remove: (id: string) => void
  /** Lets go of an own message the server refused (by its clientId). */
  discard: (clientId: string) => void
  toggleNotify: () => void
  rename: (title: string) => void
  kick: (memberId: string, options: KickOptions) => void
  /** Asks for the private room with this member. */
  openPrivateRoom: (member: { id: string, name: string }) => void
  /** Goes to the private room of an invite. */
  openInvite: (roomId: string) => void
  dismissInvite: (roomId: string) => void
}

export const ROOM_PAGE_KEY: InjectionKey<RoomPage> = Symbol('heartbeat-room-page')

/** Makes `page` the room of every component below the caller. */
export function provideRoomPage(page: RoomPage): RoomPage {
  provide(ROOM_PAGE_KEY, page)
  return page
}

/** The room provided above, by a RoomSession (or a test). */
/** What a message shows: opened when sealed, its own text otherwise. */
export function shownContentOf(page: Pick<RoomPage, 'sealed'> | undefined | null, message: ChatMessage): ShownContent {
  return page?.sealed?.contentOf(message) ?? { text: message.text }
}

export function useRoomPage(): RoomPage {
  const page = inject(ROOM_PAGE_KEY)
  if (!page) throw new Error('useRoomPage() needs a RoomSession (provideRoomPage) above it')
  return page
}
