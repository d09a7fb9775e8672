import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { ChatMessage, ErrorCode, ErrorFrame, FileInfo, HistoryPageFrame, JoinedFrame, JoinFrame } from '../shared/protocol'
import type { KickedFrame, MemberPresence, PongFrame, RoomVisibility, ServerFrame } from '../shared/protocol'
import { defaultClientStorage } from '../utils/client-storage'
import type { ClientStorage } from '../utils/client-storage'
import { browserIdOf, memberTokenStore } from '../utils/member-token'
import { isSendableMessage, isSendableText, randomClientId } from '../utils/outbox'
import { isFatalJoinError } from '../utils/refusals'
import type { Refusal } from '../utils/refusals'
import { memberActionUrl } from '../utils/socket-url'
import { withPendingEntries } from '../utils/timeline'
import type { TimelineEntry } from '../utils/timeline'
import { resolveLinkTuning, useHeartbeatLink } from './useHeartbeatLink'
import type { HeartbeatLinkStatus, HeartbeatLinkTuning } from './useHeartbeatLink'
import { useOutbox } from './useOutbox'
import { usePrivateRooms } from './usePrivateRooms'
import type { PrivateRoomInvite } from './usePrivateRooms'
import { useRoomState } from './useRoomState'

/** 'checking': joined, but a ping has waited past `uncertainAfterMs` for its pong. */
export type HeartbeatSocketStatus = HeartbeatLinkStatus | 'checking'

/**
 * Why the membership ended for good: the server refused the join (the user has
 * to change something), this page left, the member left in another tab, or the
 * owner removed them (no rejoin before `until`, ms since the epoch).
 */
export type MembershipEnd =
  | { reason: 'refused', code: ErrorCode, message: string, retryAfterMs?: number }
  | { reason: 'left' | 'left-elsewhere', unsentDropped: number }
  | { reason: 'kicked', until: number }

// Once joined, these mean the server did not take a frame but may take it again soon.
const RETRY_WITH_BACKOFF: ReadonlySet<ErrorCode> = new Set(['INTERNAL', 'UNAVAILABLE'])

/** What the owner chose in the removal dialog, beside the ban of the member itself. */
export interface KickOptions {
  /** Also block the member's network (everyone on it) for as long as the ban. */
  blockNetwork?: boolean
  /** Also delete the member's messages of the last ten minutes. */
  deleteRecent?: boolean
}

export interface UseHeartbeatSocketOptions extends HeartbeatLinkTuning {
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
   * Where the member token and the unsent messages are kept, under
   * `heartbeat:token:<roomId>` and `heartbeat:outbox:<roomId>`.
   * @default localStorage
   */
  storage?: ClientStorage
  /** Most entries kept in the timeline; the oldest go first. @default 500 */
  historyLimit?: number
  /** Least time between two typing frames that say the person is typing, a message sent between them or not. @default 2000 */
  typingIntervalMs?: number
}

export interface UseHeartbeatSocketReturn {
  status: Readonly<Ref<HeartbeatSocketStatus>>
  /** Current reconnect attempt, counted from 1 (past maxRetries while 'disconnected'); 0 while connected. */
  attempt: Readonly<Ref<number>>
  maxRetries: Readonly<Ref<number>>
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
  joined: ComputedRef<boolean>
  /**
   * Queues a message and sends it as soon as the member is joined, again after
   * every join until the server acknowledges it; false for blank or over-long text.
   * With `attachments` (uploaded files, at most `LIMITS.attachmentsPerMessage`)
   * the text is their caption and may be empty.
   */
  send: (text: string, replyTo?: string, attachments?: FileInfo[]) => boolean
  /** Leaves the room for good: the token and the unsent messages are forgotten and the socket closed. */
  leave: () => void
  /** Connects now with a fresh retry budget ("Reconnect", "Retry now"). */
  reconnect: () => void
  /** Ids of the other members typing now. */
  typing: Readonly<Ref<string[]>>
  /** Whether the server may hold older messages than those shown. */
  hasOlder: Readonly<Ref<boolean>>
  /** A `history` request is on its way. */
  loadingOlder: Readonly<Ref<boolean>>
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
  /** The owner removes a member. */
  /** Removes a member (the owner only); `options` as the `kick` frame's. */
  kick: (memberId: string, options?: KickOptions) => boolean
  /** Closes the socket and stops every timer and listener. */
  close: () => void
}

/**
 * Membership of one room over a heartbeat link: joins (and rejoins as the same
 * member, asking for what was missed), keeps the room's state and timeline, and
 * re-sends this member's messages under their clientId until the server
 * acknowledges them, so none is lost and (the server dedupes) none doubled.
 */
export function useHeartbeatSocket(options: UseHeartbeatSocketOptions): UseHeartbeatSocketReturn {
  const {
    roomId,
    name,
    password,
    create = false,
    title,
    visibility,
    storage = defaultClientStorage(),
    historyLimit = 500,
    typingIntervalMs = 2000,
  } = options
  // Nothing connects without a window (tuning.WebSocket is undefined), so a page can call this during SSR.
  const tuning = resolveLinkTuning(options)
  const { url, random, WebSocket: WebSocketImpl } = tuning

  const room = useRoomState(historyLimit)
  const rttMs = shallowRef<number>()
  const error = shallowRef<Refusal>()
  const ended = shallowRef<MembershipEnd>()
  const roomProtected = shallowRef<boolean>()
  const loadingOlder = shallowRef(false)
  // The history request on its way was asked for by a join's hasMore, not by scrolling.
  let askingForMissing = false
  let historyRetryTimer: ReturnType<typeof setTimeout> | undefined
  // When this page last said the person is typing, and whether it has said
  // they stopped since: a start goes at most every typingIntervalMs, messages
  // sent in between or not, so fast typing spends the frame budget on chat.
  let typingSentAt: number | undefined
  let typingShown = false
  let typingStartTimer: ReturnType<typeof setTimeout> | undefined
  const token = memberTokenStore(storage, roomId)
  const privateRooms = usePrivateRooms(storage)
  // The token this page joined with: another tab forgetting it means the member left.
  let joinedToken: string | undefined
  let hasJoined = false
  // Names this page to the server, so that its away beacon speaks for this tab
  // only and another tab of the member keeps it online.
  const tabId = randomClientId()
  const browserId = browserIdOf(storage, randomClientId)
  const link = useHeartbeatLink({
    ...tuning,
    onOpen: () => link.send(joinFrame()),
    onFrame: handleFrame,
    onRefused: (refusal) => { error.value = refusal },
    onPageHide,
  })
  const joined = computed(() => link.status.value === 'connected')
  const status = computed<HeartbeatSocketStatus>(() => (joined.value && link.uncertain.value ? 'checking' : link.status.value))
  const outbox = useOutbox({
    storage,
    roomId,
    random,
    sendChat: frame => joined.value && link.send(frame),
    paceMs: () => (joined.value ? link.sendDelayMs() : undefined),
  })
  const timeline = computed(() => withPendingEntries(room.timeline.value, outbox.items.value, room.self.value?.name ?? toValue(name)))

  // Read at every join: the options may be refs, and another tab may have stored a token meanwhile.
  function joinFrame(): JoinFrame {
    const details = { roomId: toValue(roomId), name: toValue(name), password: toValue(password) }
    const creation = { ...(create && !hasJoined ? { create: true as const } : {}), title: toValue(title) || undefined, visibility: toValue(visibility) }
    return { type: 'join', ...details, ...creation, token: token.read(), lastSeq: room.lastSeq(), tabId, browserId }
  }

  function handleFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'joined': return onJoined(frame)
      case 'pong': return onPong(frame)
      case 'presence': return room.applyPresence(frame)
      case 'chat': return onChat(frame)
      case 'error': return onError(frame)
      case 'left': return endMembership('left-elsewhere')
      case 'typing': return void (room.typing.value = frame.ids)
      case 'history': return onHistoryPage(frame)
      case 'deleted':
        outbox.forgetReplyTarget(frame.id)
        return room.applyMessageChange(frame)
      case 'reaction':
      case 'edited':
        return room.applyMessageChange(frame)
      case 'room': return room.applyRoomUpdate(frame)
      case 'kicked': return onKicked(frame)
      case 'dm':
      case 'invite':
        return privateRooms.take(frame)
    }
  }

  // Removed by the owner: like leaving, nothing pending can go out as this member.
  function onKicked(frame: KickedFrame) {
    forgetMembership()
    ended.value = { reason: 'kicked', until: frame.until }
  }

  function onJoined(frame: JoinedFrame) {
    link.joined(frame.heartbeatWindowMs, frame.frameRate)
    error.value = undefined
    token.write(frame.token)
    joinedToken = frame.token
    hasJoined = true
    roomProtected.value = frame.protected
    loadingOlder.value = false
    typingSentAt = undefined
    typingShown = false
    clearTimeout(typingStartTimer)
    askingForMissing = false
    clearTimeout(historyRetryTimer)
    room.applyJoined(frame)
    askForMissing()
    // History first: what it acknowledges must not go out again.
    outbox.acknowledge(frame.history, frame.you.id)
    outbox.sendAfterJoin()
  }

  // A history request is answered in order; one the join called for (hasMore) fills in what it left out.
  function onHistoryPage(frame: HistoryPageFrame) {
    loadingOlder.value = false
    clearTimeout(historyRetryTimer)
    if (!askingForMissing) return room.applyHistoryPage(frame)
    askingForMissing = false
    room.applyMissingPage(frame)
    askForMissing()
  }

  function askForMissing() {
    const before = room.missingBefore()
    if (before === undefined || !joined.value) return
    if (!link.send({ type: 'history', before, limit: LIMITS.historyPageDefault })) return
    loadingOlder.value = true
    askingForMissing = true
  }

  // A history request past the answer budget is refused with the wait: ask again after it.
  function retryHistory(waitMs: number) {
    clearTimeout(historyRetryTimer)
    historyRetryTimer = setTimeout(() => {
      loadingOlder.value = false
      if (askingForMissing) {
        askingForMissing = false
        askForMissing()
      }
      else {
        loadOlder()
      }
    }, waitMs)
  }

  function onChat(message: ChatMessage) {
    room.appendMessages([message])
    outbox.acknowledge([message], room.self.value?.id)
  }

  function onPong(frame: PongFrame) {
    room.applyCounts(frame)
    rttMs.value = link.pong() ?? rttMs.value
  }

  function onError(frame: ErrorFrame) {
    // Once joined these mean a frame was not taken (dropped by the rate limit,
    // or the server or its store failed on it): the pending mark already says
    // the message has not gone out, and it goes again after the wait the server
    // names, or a backoff delay. Before, they answer the join.
    if (joined.value && frame.code === 'RATE_LIMITED' && loadingOlder.value) retryHistory(frame.retryAfterMs ?? 1000)
    if (joined.value && frame.code === 'RATE_LIMITED') return onRateLimited(frame)
    if (joined.value && RETRY_WITH_BACKOFF.has(frame.code)) return outbox.retryWithBackoff()
    if (joined.value && frame.clientId) return outbox.refuse(frame.clientId, { code: frame.code, message: frame.message })
    error.value = { code: frame.code, message: frame.message }
    if (joined.value) return
    if (isFatalJoinError(frame.code)) {
      // Removed by the owner (FORBIDDEN): the token will not open the room again.
      if (frame.code === 'FORBIDDEN') token.forget()
      link.close()
      const { code, message, retryAfterMs } = frame
      ended.value = retryAfterMs === undefined ? { reason: 'refused', code, message } : { reason: 'refused', code, message, retryAfterMs }
    }
    else if (RETRY_WITH_BACKOFF.has(frame.code)) {
      link.retryLater()
    }
  }

  // The budget was off (a network hiccup bunched frames): nothing goes before
  // the server takes frames again. A dropped chat names its clientId and goes
  // again then; any other frame was a reaction or a hint, already let go.
  function onRateLimited(frame: ErrorFrame) {
    link.throttled(frame.retryAfterMs ?? 1000)
    if (frame.clientId) outbox.rateLimited(frame.clientId)
  }

  function onStorage(event: StorageEvent) {
    if (event.key === token.key() && event.newValue === null && event.oldValue !== null && event.oldValue === joinedToken) {
      endMembership('left-elsewhere')
    }
  }

  // A closing tab cannot wait for the socket to time out; a beacon marks the member away at once.
  function onPageHide() {
    const memberToken = token.read()
    if (!joined.value || !memberToken || typeof navigator.sendBeacon !== 'function') return
    navigator.sendBeacon(memberActionUrl(url, toValue(roomId), 'away', location.href), JSON.stringify({ token: memberToken, tabId }))
  }

  // Nothing could ever deliver a message queued without a window (SSR).
  function send(text: string, replyTo?: string, attachments?: FileInfo[]): boolean {
    if (!WebSocketImpl || !isSendableMessage(text, attachments)) return false
    setTyping(false)
    outbox.add(text, replyTo, attachments)
    return true
  }

  function loadOlder(): boolean {
    const before = room.oldestSeq()
    if (loadingOlder.value || !room.hasOlder.value || before === undefined || !joined.value) return false
    if (!link.send({ type: 'history', before, limit: LIMITS.historyPageDefault })) return false
    loadingOlder.value = true
    return true
  }

  // Typing is a hint: lost on a dropped link, or skipped while the budget is
  // short, it expires on the server by itself. It never takes a token that a
  // waiting message needs.
  function setTyping(typing: boolean) {
    clearTimeout(typingStartTimer)
    if (!joined.value) return
    const now = Date.now()
    const waitMs = typingSentAt === undefined ? 0 : typingSentAt + typingIntervalMs - now
    if (typing && waitMs <= 0) {
      if (outbox.busy() || !link.send({ type: 'typing' })) return
      typingSentAt = now
      typingShown = true
    }
    else if (typing && !typingShown) {
      // Typing again soon after a stop (a draft cleared, a message sent): the
      // start waits for the interval rather than being lost, or the others
      // would not see it until the next keystroke after the interval.
      typingStartTimer = setTimeout(() => setTyping(true), waitMs)
    }
    else if (!typing && typingShown && link.send({ type: 'typing', stop: true })) {
      typingShown = false
    }
  }

  // Reactions, edits and deletes are not queued: the buttons are there only while joined.
  const react = (id: string, emoji: string) => joined.value && link.send({ type: 'react', id, emoji })
  const edit = (id: string, text: string) => joined.value && isSendableText(text) && link.send({ type: 'edit', id, text })
  const remove = (id: string) => joined.value && link.send({ type: 'delete', id })

  function openPrivateRoom(member: { id: string, name: string }): boolean {
    if (!joined.value || !link.send({ type: 'dm', to: member.id })) return false
    privateRooms.asked(member.name)
    return true
  }

  const rename = (text: string) => joined.value && link.send({ type: 'title', title: text })
  const kick = (memberId: string, options: KickOptions = {}) => joined.value && link.send({
    type: 'kick',
    memberId,
    ...(options.blockNetwork ? { blockNetwork: true } : {}),
    ...(options.deleteRecent ? { deleteRecent: true } : {}),
  })

  // Without an open socket the leave goes over HTTP, so the server still tells
  // this member's other sockets, wherever they are.
  function leave() {
    const memberToken = token.read()
    if (!link.send({ type: 'leave' }) && memberToken && typeof navigator.sendBeacon === 'function') {
      navigator.sendBeacon(memberActionUrl(url, toValue(roomId), 'leave', location.href), JSON.stringify({ token: memberToken }))
    }
    endMembership('left')
  }

  // Left for good, on every tab: nothing pending can be sent as this member any more.
  function endMembership(reason: 'left' | 'left-elsewhere') {
    ended.value = { reason, unsentDropped: forgetMembership() }
  }

  /** Forgets the token and the unsent messages and closes; how many messages were dropped. */
  function forgetMembership(): number {
    const unsentDropped = outbox.items.value.length
    token.forget()
    outbox.drop()
    close()
    return unsentDropped
  }

  function close() {
    clearTimeout(historyRetryTimer)
    clearTimeout(typingStartTimer)
    outbox.stop()
    link.close()
    if (WebSocketImpl) window.removeEventListener('storage', onStorage)
  }

  if (WebSocketImpl) window.addEventListener('storage', onStorage)
  if (getCurrentScope()) onScopeDispose(close)
  if (tuning.immediate) link.reconnect()

  return {
    status,
    attempt: link.attempt,
    maxRetries: shallowRef(tuning.maxRetries),
    online: room.online,
    members: room.members,
    users: room.users,
    self: room.self,
    timeline,
    rttMs,
    error,
    ended,
    roomProtected,
    title: room.title,
    owner: room.owner,
    peer: room.peer,
    invites: privateRooms.invites,
    privateRoom: privateRooms.opened,
    joined,
    send,
    leave,
    reconnect: link.reconnect,
    typing: room.typing,
    hasOlder: room.hasOlder,
    loadingOlder,
    loadOlder,
    setTyping,
    react,
    edit,
    remove,
    discard: outbox.discard,
    openPrivateRoom,
    dismissInvite: privateRooms.dismiss,
    rename,
    kick,
    close,
  }
}
