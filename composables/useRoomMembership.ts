import { computed, shallowRef, toValue } from 'vue'
import type { ChatMessage, ErrorCode, ErrorFrame, FileInfo, JoinedFrame, JoinFrame, KickedFrame, PongFrame, ServerFrame } from '../shared/protocol'
import { defaultClientStorage } from '../utils/client-storage'
import { browserIdOf, memberTokenStore } from '../utils/member-token'
import { isSendableMessage, randomClientId } from '../utils/outbox'
import { isFatalJoinError } from '../utils/refusals'
import type { Refusal } from '../utils/refusals'
import { tryOnScopeDispose } from '../utils/scope'
import { memberActionUrl } from '../utils/socket-url'
import { withPendingEntries } from '../utils/timeline'
import type { ChatEntry } from '../utils/timeline'
import { historyRequest, useHistoryPages } from './useHistoryPages'
import { useConversationTools } from './useConversationTools'
import { useOutbox } from './useOutbox'
import { usePrivateRooms } from './usePrivateRooms'
import { useRoomState } from './useRoomState'
import type { MembershipEnd, UseRoomMembershipOptions, UseRoomMembershipReturn } from './useRoomMembership.types'
import { useTypingSignal } from './useTypingSignal'
import { useMemberActions } from './useMemberActions'
import { useRoomKeyChange } from './useRoomKeyChange'
import { useSealedSending } from './useSealedSending'

// Once joined, these mean the server did not take a frame but may take it again soon.
const RETRY_WITH_BACKOFF: ReadonlySet<ErrorCode> = new Set(['INTERNAL', 'UNAVAILABLE'])

/**
 * Membership of one room: joins (and rejoins as the same member, asking for
 * what was missed), keeps the room's state and timeline, and re-sends this
 * member's messages under their clientId until the server acknowledges them,
 * so none is lost and (the server dedupes) none doubled.
 */
export function useRoomMembership(options: UseRoomMembershipOptions): UseRoomMembershipReturn {
  const {
    link,
    roomId,
    name,
    password,
    create = false,
    title,
    visibility,
    storage = defaultClientStorage(),
    historyLimit = 500,
    typingIntervalMs = 2000,
    url = '',
    random = Math.random,
    connectable = true,
  } = options

  const room = useRoomState(historyLimit)
  const rttMs = shallowRef<number>()
  const error = shallowRef<Refusal>()
  const ended = shallowRef<MembershipEnd>()
  const roomProtected = shallowRef<boolean>()
  const token = memberTokenStore(storage, roomId)
  const privateRooms = usePrivateRooms(storage)
  // The token this page joined with: another tab forgetting it means the member left.
  let joinedToken: string | undefined
  let hasJoined = false
  // Names this page to the server, so that its away beacon speaks for this tab
  // only and another tab of the member keeps it online.
  const tabId = randomClientId()
  const browserId = browserIdOf(storage, randomClientId)
  const joined = computed(() => link.status.value === 'connected')
  const outbox = useOutbox({
    storage,
    roomId,
    random,
    sendChat: frame => joined.value && link.send(frame),
    paceMs: () => (joined.value ? link.sendDelayMs() : undefined),
  })
  const history = useHistoryPages({ room, joined: () => joined.value, request: before => link.send(historyRequest(before)) })
  const findMessage = (id: string) => room.timeline.value.find((entry): entry is ChatEntry => entry.kind === 'chat' && entry.message.id === id)?.message
  const tools = useConversationTools({
    send: frame => joined.value && link.send(frame),
    selfId: () => room.self.value?.id,
    isOwner: () => room.owner.value !== undefined && room.owner.value === room.self.value?.id,
    findMessage,
    pending: () => outbox.items.value,
    selfName: () => room.self.value?.name ?? toValue(name),
  })
  const typingSignal = useTypingSignal({
    send: stop => link.send(stop ? { type: 'typing', stop: true } : { type: 'typing' }),
    joined: () => joined.value,
    busy: outbox.busy,
    intervalMs: typingIntervalMs,
  })
  const sealed = useSealedSending({
    roomId: () => toValue(roomId),
    selfId: () => room.self.value?.id,
    // A reply in the open thread is edited from its panel.
    findMessage: id => findMessage(id) ?? tools.thread.entries.value.find((entry): entry is ChatEntry => entry.kind === 'chat' && entry.message.id === id)?.message,
    ...(options.roomKey ? { roomKey: options.roomKey } : {}),
  })
  const keyChange = useRoomKeyChange({ roomId: () => toValue(roomId), send: frame => joined.value && link.send(frame), outbox, sealed })
  const { e2eeSalt, e2eeGeneration, changePassword, resealRefused } = keyChange
  const actions = useMemberActions({ send: link.send, joined: () => joined.value, sealedEdit: () => (e2eeSalt.value ? sealed.edit : undefined) })
  const timeline = computed(() => withPendingEntries(room.timeline.value, outbox.items.value, room.self.value?.name ?? toValue(name)))

  // Read at every join: the options may be refs, and another tab may have stored a token meanwhile.
  function joinFrame(): JoinFrame {
    const details = { roomId: toValue(roomId), name: toValue(name), password: toValue(password) }
    const creation = { ...(create && !hasJoined ? { create: true as const, e2eeSalt: toValue(options.e2eeSalt) } : {}), title: toValue(title) || undefined, visibility: toValue(visibility) }
    return { type: 'join', ...details, ...creation, token: token.read(), lastSeq: room.lastSeq(), tabId, browserId }
  }

  function handleFrame(frame: ServerFrame) {
    if (tools.takeFrame(frame)) return
    switch (frame.type) {
      case 'joined': return onJoined(frame)
      case 'pong': return onPong(frame)
      case 'presence': return room.applyPresence(frame)
      case 'chat': return onChat(frame)
      case 'error': return onError(frame)
      case 'left': return endMembership('left-elsewhere')
      case 'typing': return void (room.typing.value = frame.ids)
      case 'history': return history.takePage(frame)
      case 'deleted':
        outbox.forgetReplyTarget(frame.id)
        return room.applyMessageChange(frame)
      case 'reaction':
      case 'edited':
        return room.applyMessageChange(frame)
      case 'room': return room.applyRoomUpdate(frame)
      case 'rekeyed': return void keyChange.takeRekeyed(frame)
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
    keyChange.takeJoined(frame)
    typingSignal.reset()
    history.reset()
    room.applyJoined(frame)
    history.askForMissing()
    tools.afterJoin()
    // History first: what it acknowledges must not go out again.
    outbox.acknowledge(frame.history, frame.you.id)
    outbox.sendAfterJoin()
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
    if (joined.value && frame.code === 'RATE_LIMITED' && history.loadingOlder.value) history.retryAfter(frame.retryAfterMs ?? 1000)
    if (joined.value && frame.code === 'SLOW_MODE' && frame.clientId) return outbox.waitThenResend(frame.clientId, frame.retryAfterMs ?? 1000)
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
  function pageHidden() {
    const memberToken = token.read()
    if (!joined.value || !memberToken || typeof navigator.sendBeacon !== 'function') return
    navigator.sendBeacon(memberActionUrl(url, toValue(roomId), 'away', location.href), JSON.stringify({ token: memberToken, tabId }))
  }

  // Nothing could ever deliver a message queued without a window (SSR).
  function send(text: string, replyTo?: string, attachments?: FileInfo[], threadId?: string): boolean {
    if (!connectable || !isSendableMessage(text, attachments)) return false
    typingSignal.setTyping(false)
    if (e2eeSalt.value) return sealed.chat(text, attachments, sealedAs => outbox.add(text, replyTo, attachments, sealedAs, threadId))
    outbox.add(text, replyTo, attachments, undefined, threadId)
    return true
  }

  function openPrivateRoom(member: { id: string, name: string }): boolean {
    if (!joined.value || !link.send({ type: 'dm', to: member.id })) return false
    privateRooms.asked(member.name)
    return true
  }

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
    history.stop()
    tools.stop()
    typingSignal.stop()
    outbox.stop()
    link.close()
    if (connectable) window.removeEventListener('storage', onStorage)
  }

  if (connectable) window.addEventListener('storage', onStorage)
  tryOnScopeDispose(close)

  return {
    joined,
    online: room.online,
    members: room.members,
    users: room.users,
    self: room.self,
    timeline,
    rttMs,
    error,
    ended,
    roomProtected,
    e2eeSalt, e2eeGeneration, changePassword, resealRefused,
    title: room.title,
    owner: room.owner,
    peer: room.peer,
    invites: privateRooms.invites,
    privateRoom: privateRooms.opened,
    typing: room.typing,
    hasOlder: room.hasOlder,
    loadingOlder: history.loadingOlder,
    linkEvents: { joinFrame, frame: handleFrame, refused: (refusal) => { error.value = refusal }, pageHidden },
    send,
    leave,
    loadOlder: history.loadOlder,
    setTyping: typingSignal.setTyping,
    ...actions,
    discard: outbox.discard,
    openPrivateRoom,
    dismissInvite: privateRooms.dismiss,
    finder: tools.finder,
    pins: tools.pins,
    slowMode: tools.slowMode,
    thread: tools.thread,
    close,
  }
}
