import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import type { ErrorCode, FileInfo, JoinFrame, MemberPresence, RoomVisibility, ServerFrame } from '../shared/protocol'
import type { ClientStorage } from '../utils/client-storage'
import type { Refusal } from '../utils/refusals'
import type { TimelineEntry } from '../utils/timeline'
import type { UseHeartbeatLinkReturn } from './useHeartbeatLink.types'
import type { UseMessageFinderReturn } from './useMessageFinder'
import type { UseRoomKeyChangeReturn } from './useRoomKeyChange'
import type { UsePinnedMessagesReturn } from './usePinnedMessages'
import type { UseSlowModeReturn } from './useSlowMode'
import type { UseThreadReturn } from './useThread'
import type { PrivateRoomInvite } from './usePrivateRooms'

/**
 * Why the membership ended for good: the server refused the join (the user has
 * to change something), this page left, the member left in another tab, or the
 * owner removed them (no rejoin before `until`, ms since the epoch).
 */
export type MembershipEnd
  = | { reason: 'refused', code: ErrorCode, message: string, retryAfterMs?: number }
    | { reason: 'left' | 'left-elsewhere', unsentDropped: number }
    | { reason: 'kicked', until: number }

/** What the owner chose in the removal dialog, beside the ban of the member itself. */
export interface KickOptions {
  /** Also block the member's network (everyone on it) for as long as the ban. */
  blockNetwork?: boolean
  /** Also delete the member's messages of the last ten minutes. */
  deleteRecent?: boolean
}

/** What the room needs of its link: sending, the join handshake, pongs and the frame budget. */
export type RoomLink = Pick<UseHeartbeatLinkReturn, 'status' | 'send' | 'sendDelayMs' | 'throttled' | 'joined' | 'pong' | 'retryLater' | 'close'>

/** The room's side of the link's callbacks. */
export interface RoomLinkEvents {
  /** The join frame for a new socket, read afresh each time. */
  joinFrame: () => JoinFrame
  /** Takes a frame the server sent. */
  frame: (frame: ServerFrame) => void
  /** The server closed the socket in a way reconnecting at once would not fix. */
  refused: (refusal: Refusal) => void
  /** The page is being hidden: a beacon marks the member away at once. */
  pageHidden: () => void
}

export interface UseRoomMembershipOptions {
  /** The link the room's frames go over; the room takes its frames through `handleFrame`. */
  link: RoomLink
  /** Room to join; read again at every (re)join. */
  roomId: MaybeRefOrGetter<string>
  /** Display name sent with every join; read again at every (re)join. */
  name: MaybeRefOrGetter<string>
  /** Room password sent with every join. @default undefined */
  password?: MaybeRefOrGetter<string | undefined>
  /**
   * Create the room if no room has this id (`create: true`), on the joins up
   * to the first that succeeds; later rejoins only join, so a room that is
   * gone is said (NO_SUCH_ROOM) rather than made again. @default false
   */
  create?: boolean
  /** Title of the room if this join creates it. @default undefined */
  title?: MaybeRefOrGetter<string | undefined>
  /** Visibility of the room if this join creates it (the server's default is unlisted). @default undefined */
  visibility?: MaybeRefOrGetter<RoomVisibility | undefined>
  /**
   * The salt of the end-to-end encrypted room this join creates (with a
   * password: the auth key derived with it, utils/e2ee). @default undefined
   */
  e2eeSalt?: MaybeRefOrGetter<string | undefined>
  /** The room's content key (tests give their own). @default roomKeyOf (utils/e2ee/key-ring.ts) */
  roomKey?: (roomId: string, generation?: number) => Promise<CryptoKey | undefined>
  /**
   * Where the member token and the unsent messages are kept, under
   * `heartbeat:token:<roomId>` and `heartbeat:outbox:<roomId>`.
   * @default localStorage
   */
  storage?: ClientStorage
  /** Most entries kept in the timeline; the oldest go first. @default 500 */
  historyLimit?: number
  /** Least time between two typing frames that say the person is typing, a message sent between them or not. @default 2000 */
  typingIntervalMs?: number
  /** The socket URL, from which the HTTP leave and away beacons are addressed. @default '' */
  url?: string
  /** Source of the outbox's retry jitter, in [0, 1). @default Math.random */
  random?: () => number
  /** Whether anything can ever connect: false without a window (SSR), where nothing is queued. @default true */
  connectable?: boolean
}

export interface UseRoomMembershipReturn {
  joined: ComputedRef<boolean>
  online: Readonly<Ref<number>>
  members: Readonly<Ref<number>>
  users: Readonly<Ref<MemberPresence[]>>
  self: Readonly<Ref<{ id: string, name: string } | undefined>>
  /** Posted messages and system lines in order, then this member's pending messages. */
  timeline: Readonly<Ref<TimelineEntry[]>>
  /** Round trip of the last ping, in ms. */
  rttMs: Readonly<Ref<number | undefined>>
  /** The last error frame; cleared by a successful join. */
  error: Readonly<Ref<Refusal | undefined>>
  /** Set once the membership has ended for good; nothing reconnects after it. */
  ended: Readonly<Ref<MembershipEnd | undefined>>
  /** Whether the room has a password, as the last `joined` said; undefined before. */
  roomProtected: Readonly<Ref<boolean | undefined>>
  /** The room's salt when it is end-to-end encrypted (its texts arrive sealed); undefined otherwise. */
  e2eeSalt: Readonly<Ref<string | undefined>>
  /** The room's key generation (useRoomKeyChange). */
  e2eeGeneration: UseRoomKeyChangeReturn['e2eeGeneration']
  /** The owner changes an encrypted room's password (useRoomKeyChange). */
  changePassword: UseRoomKeyChangeReturn['changePassword']
  /** Seals again and sends what a password change caught sealed with the old key (useRoomKeyChange). */
  resealRefused: UseRoomKeyChangeReturn['resealRefused']
  /** The room's title, as the last `joined` or `room` frame said. */
  title: Readonly<Ref<string | undefined>>
  /** The member id of the room's owner. */
  owner: Readonly<Ref<string | undefined>>
  /** In a private room, the other member. */
  peer: Readonly<Ref<{ id: string, name: string } | undefined>>
  /** Invites to private rooms that came on this page, newest first. */
  invites: Readonly<Ref<PrivateRoomInvite[]>>
  /** The private room asked for with `openPrivateRoom`, once the server has opened it (its token stored). */
  privateRoom: Readonly<Ref<{ roomId: string } | undefined>>
  /** Ids of the other members typing now. */
  typing: Readonly<Ref<string[]>>
  /** Whether the server may hold older messages than those shown. */
  hasOlder: Readonly<Ref<boolean>>
  /** A `history` request is on its way. */
  loadingOlder: Readonly<Ref<boolean>>
  /** What the link tells the room: give it to the link's callbacks. */
  linkEvents: RoomLinkEvents
  /**
   * Queues a message and sends it as soon as the member is joined, again after
   * every join until the server acknowledges it; false for blank or over-long text.
   * With `attachments` (uploaded files, at most `LIMITS.attachmentsPerMessage`)
   * the text is their caption and may be empty. With `threadId` (a root's
   * id) it is a reply in that thread.
   */
  send: (text: string, replyTo?: string, attachments?: FileInfo[], threadId?: string) => boolean
  /** Leaves the room for good: the token and the unsent messages are forgotten and the socket closed. */
  leave: () => void
  /** Asks for the page before the oldest message shown; false when there is none or one is on its way. */
  loadOlder: () => boolean
  /** The person typed (`true`, sent at most every `typingIntervalMs`) or stopped (`false`). */
  setTyping: (typing: boolean) => void
  /** Toggles this member's emoji on a message. */
  react: (id: string, emoji: string) => boolean
  edit: (id: string, text: string) => boolean
  remove: (id: string) => boolean
  /** Lets go of an own message that the server refused for good (it shows as not sent until then). */
  discard: (clientId: string) => void
  /** Asks the server for the private room of this member and `member`. */
  openPrivateRoom: (member: { id: string, name: string }) => boolean
  dismissInvite: (roomId: string) => void
  /** The owner renames the room. */
  rename: (title: string) => boolean
  /** Removes a member (the owner only); `options` as the `kick` frame's. */
  kick: (memberId: string, options?: KickOptions) => boolean
  /** Search, and the page around a chosen message (useMessageFinder). */
  finder: UseMessageFinderReturn
  /** The room's pinned messages (usePinnedMessages). */
  pins: UsePinnedMessagesReturn
  /** The room's slow mode and this member's countdown (useSlowMode). */
  slowMode: UseSlowModeReturn
  /** The thread open in the side panel (useThread). */
  thread: UseThreadReturn
  /** Stops every timer and listener and closes the link. */
  close: () => void
}
