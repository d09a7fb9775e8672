import { effectScope } from 'vue'
import type { EffectScope } from 'vue'
import type { UseHeartbeatSocketOptions, UseHeartbeatSocketReturn } from '../../composables/useHeartbeatSocket'
import { useHeartbeatSocket } from '../../composables/useHeartbeatSocket'
import type { ChatMessage, ChatSendFrame, JoinedFrame, MemberPresence } from '../../shared/protocol'
import type { PendingEntry } from '../../utils/timeline'
import { testI18n } from '../support/i18n'
import { afterEach, beforeEach, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'

export const ada: MemberPresence = { id: 'm-ada', name: 'Ada', active: true }
export const bob: MemberPresence = { id: 'm-bob', name: 'Bob', active: true }

export type MemoryStorage = ReturnType<typeof memoryStorage>

export function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  }
}

export interface MountedSocket {
  chat: UseHeartbeatSocketReturn
  scope: EffectScope
  storage: MemoryStorage
}

const mountedScopes: EffectScope[] = []

/** Stops every scope mounted so far, so no composable outlives its test. */
export function unmountAll(): void {
  for (const scope of mountedScopes.splice(0)) scope.stop()
}

/**
 * Runs the composable in its own effect scope against FakeWebSocket. Jitter is
 * off (random() = 1), so every backoff delay is its ceiling: 500, 1000, 2000 ms…
 * Passing the `storage` of an earlier mount plays a page reload.
 */
export function mountHeartbeatSocket(
  options: Partial<UseHeartbeatSocketOptions> & { storage?: MemoryStorage } = {},
): MountedSocket {
  const storage = options.storage ?? memoryStorage()
  const scope = effectScope()
  mountedScopes.push(scope)
  const chat = scope.run(() => useHeartbeatSocket({
    roomId: 'lobby',
    name: 'Ada',
    url: 'ws://chat.test/ws',
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    random: () => 1,
    ...options,
    storage,
  }))!
  return { chat, scope, storage }
}

export function chatMessage(seq: number, from: MemberPresence = bob, text = `message ${seq}`): ChatMessage {
  return { type: 'chat', seq, id: `msg-${seq}`, roomId: 'lobby', from: { id: from.id, name: from.name }, text, at: 1000 + seq }
}

export function joinedFrame(overrides: Partial<JoinedFrame> & { heartbeatWindowMs?: number } = {}): JoinedFrame {
  return {
    type: 'joined',
    roomId: 'lobby',
    you: { id: ada.id, name: ada.name },
    token: 'token-ada',
    created: false,
    history: [],
    presence: { online: 2, members: 2, users: [ada, bob] },
    protected: false,
    title: 'lobby',
    visibility: 'unlisted',
    owner: ada.id,
    ...overrides,
  }
}

/** Opens the latest socket and answers its join. */
export function acceptJoin(overrides: Parameters<typeof joinedFrame>[0] = {}): FakeWebSocket {
  const socket = FakeWebSocket.latest()
  socket.open()
  socket.receive(joinedFrame(overrides))
  return socket
}

export function chatSeqs(chat: UseHeartbeatSocketReturn): number[] {
  return chat.timeline.value.flatMap(entry => (entry.kind === 'chat' ? [entry.message.seq] : []))
}

export function systemLines(chat: UseHeartbeatSocketReturn): string[] {
  return chat.timeline.value.flatMap(entry => (entry.kind === 'system' ? [testI18n.global.t(entry.text.key, entry.text.params ?? {})] : []))
}

/** Ada's own message as the server posts it: the copy that acknowledges `clientId`. */
export function ownChat(seq: number, sent: ChatSendFrame | undefined): ChatMessage {
  return { ...chatMessage(seq, ada, sent?.text), clientId: sent?.clientId }
}

export function pendingEntries(chat: UseHeartbeatSocketReturn): PendingEntry[] {
  return chat.timeline.value.filter((entry): entry is PendingEntry => entry.kind === 'pending')
}

/** Fake timers, a fresh socket registry, and every mounted composable unmounted, around each test of a file. */
export function setupHeartbeatSocketTests(): void {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeWebSocket.reset()
  })
  afterEach(() => {
    unmountAll()
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
}

/** Drops the current link and lets the first backoff delay pass, leaving a new socket to accept. */
export function dropAndWait(): void {
  FakeWebSocket.latest().drop()
  vi.advanceTimersByTime(500)
}

/**
 * Plays the server for `forMs` of fake time in steps of `stepMs`: every chat
 * frame the socket sends from the `firstSeq`th on is posted (its copy comes
 * back) at the step it is seen, in the order sent. Returns when each was seen.
 */
export function postChatsAsTheyCome(socket: FakeWebSocket, { forMs, stepMs = 10, firstSeq = 1 }: { forMs: number, stepMs?: number, firstSeq?: number }): number[] {
  const sentAt: number[] = []
  // The frames before firstSeq were posted by an earlier call.
  let posted = firstSeq - 1
  for (let elapsed = 0; elapsed <= forMs; elapsed += stepMs) {
    const chats = socket.framesOfType('chat')
    while (posted + sentAt.length < chats.length) sentAt.push(Date.now())
    for (; posted < chats.length; posted++) socket.receive(ownChat(firstSeq + posted, chats[posted]))
    vi.advanceTimersByTime(stepMs)
  }
  return sentAt
}
