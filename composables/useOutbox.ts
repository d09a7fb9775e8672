import type { MaybeRefOrGetter, Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ChatMessage, ChatSendFrame, CipherEnvelopeFrame, ErrorCode, FileInfo } from '../shared/protocol'
import { backoffDelay } from '../utils/backoff'
import type { ClientStorage } from '../utils/client-storage'
import { outboxStore, randomClientId } from '../utils/outbox'
import type { OutboxItem } from '../utils/outbox'

export interface UseOutboxOptions {
  /** Where unsent messages survive a reload, under `heartbeat:outbox:<roomId>`. */
  storage: ClientStorage | undefined
  roomId: MaybeRefOrGetter<string>
  /** Sends one chat frame; false when it could not go. */
  sendChat: (frame: ChatSendFrame) => boolean
  /**
   * Ms until a chat frame may go on the link (its frame budget, shared with
   * every other frame the page sends); undefined while not joined, and the
   * message waits for the next join.
   */
  paceMs: () => number | undefined
  /** Source of the retry jitter, in [0, 1). */
  random: () => number
  /**
   * A message sent and neither acknowledged nor refused within this goes
   * again, under the same clientId (the server dedupes it).
   * @default 5000
   */
  ackTimeoutMs?: number
}

export interface UseOutboxReturn {
  /** Messages written and not yet acknowledged, oldest first. */
  items: Readonly<Ref<OutboxItem[]>>
  /** Whether a message is waiting to go or to be acknowledged (a refused one does not count). */
  busy: () => boolean
  /**
   * Queues the text (and files) under a fresh clientId and sends it at once
   * if it can; `sealed`, in an end-to-end encrypted room: the clientId the
   * cipher is bound to, and the cipher the frame carries instead of the text;
   * `threadId`: a reply in that thread.
   */
  add: (text: string, replyTo?: string, attachments?: FileInfo[], sealed?: { clientId: string, cipher: CipherEnvelopeFrame }, threadId?: string) => void
  /** Removes what these messages acknowledge: sent by `selfId` with a clientId still pending. */
  acknowledge: (messages: readonly ChatMessage[], selfId: string | undefined) => void
  /** A new link has joined: nothing is on it yet, so everything pending goes (again). */
  sendAfterJoin: () => void
  /** The server dropped the chat with this clientId for the rate limit: it goes again once the link's budget allows. */
  rateLimited: (clientId: string) => void
  /** The server held this message back (slow mode): it goes again, still first in line, after `waitMs`. */
  waitThenResend: (clientId: string, waitMs: number) => void
  /** A frame failed on the server (INTERNAL, UNAVAILABLE): the message on its way goes again after a backoff delay. */
  retryWithBackoff: () => void
  /**
   * The message these pending replies answer was deleted: they go as plain
   * messages, since the server refuses a reply to a deleted message and they
   * would otherwise stay "sending…" for ever.
   */
  forgetReplyTarget: (messageId: string) => void
  /** The server refused this message for what it carries: it stops going out and shows as not sent. */
  refuse: (clientId: string, refusal: { code: ErrorCode, message: string }) => void
  /**
   * A message refused because it was sealed with a key the room no longer
   * takes (E2EE_KEY_CHANGED), sealed again with the new one: it goes again,
   * in its place in the queue.
   */
  replaceSealed: (clientId: string, cipher: CipherEnvelopeFrame) => void
  /** The person lets go of a message the server refused. */
  discard: (clientId: string) => void
  /** Forgets every pending message, here and in storage. */
  drop: () => void
  /** Stops the pacing and retry timers; what is pending stays stored. */
  stop: () => void
}

const RETRY_BACKOFF = { baseMs: 500, maxMs: 5000 }

/**
 * The messages of this member that are not acknowledged yet, sent one at a
 * time: the next goes only once the server has posted the one before (its copy
 * came back) or refused it for good. A message the server drops (rate limit,
 * a failure, a lost link) is sent again, under the same clientId, before any
 * later one, so the room sees them in the order they were written and never
 * twice. The pace is the link's frame budget, which every frame the page sends
 * shares, so nothing is sent that the server would drop.
 */
export function useOutbox({ storage, roomId, sendChat, paceMs, random, ackTimeoutMs = 5000 }: UseOutboxOptions): UseOutboxReturn {
  const store = outboxStore(storage, roomId)
  const items = shallowRef<OutboxItem[]>(store.read())
  // The one message sent on the current link and not yet acknowledged or refused.
  let inFlight: string | undefined
  let ackTimer: ReturnType<typeof setTimeout> | undefined
  // Waiting for the budget, or holding back after a server failure.
  let paceTimer: ReturnType<typeof setTimeout> | undefined
  let holding = false
  let failures = 0

  function settle() {
    inFlight = undefined
    clearTimeout(ackTimer)
    ackTimer = undefined
  }

  function sendNext() {
    if (holding || inFlight !== undefined || paceTimer !== undefined) return
    const next = items.value.find(item => !item.refused)
    if (!next) return
    const waitMs = paceMs()
    if (waitMs === undefined) return
    if (waitMs > 0) {
      paceTimer = setTimeout(() => {
        paceTimer = undefined
        sendNext()
      }, waitMs)
      return
    }
    if (!sendChat(chatFrame(next))) return
    inFlight = next.clientId
    ackTimer = setTimeout(() => {
      settle()
      sendNext()
    }, ackTimeoutMs)
  }

  function chatFrame({ text, clientId, replyTo, attachments, cipher, threadId }: OutboxItem): ChatSendFrame {
    const words = cipher ? { text: '', cipher } : { text }
    return { type: 'chat', ...words, clientId, ...(replyTo ? { replyTo } : {}), ...(threadId ? { threadId } : {}), ...(attachments?.length ? { attachments: attachments.map(file => file.id) } : {}) } as ChatSendFrame
  }

  function add(text: string, replyTo?: string, attachments?: FileInfo[], sealed?: { clientId: string, cipher: CipherEnvelopeFrame }, threadId?: string) {
    const item: OutboxItem = {
      clientId: sealed?.clientId ?? randomClientId(),
      text,
      writtenAt: Date.now(),
      ...(replyTo ? { replyTo } : {}),
      ...(threadId ? { threadId } : {}),
      ...(attachments?.length ? { attachments } : {}),
      ...(sealed ? { cipher: sealed.cipher } : {}),
    }
    items.value = [...items.value, item]
    store.add(item)
    sendNext()
  }

  function forgetReplyTarget(messageId: string) {
    const unlink = (item: OutboxItem): OutboxItem => {
      if (item.replyTo !== messageId) return item
      const { replyTo: _deleted, ...plain } = item
      return plain
    }
    if (!items.value.some(item => item.replyTo === messageId)) return
    items.value = items.value.map(unlink)
    store.update(unlink)
  }

  function refuse(clientId: string, refusal: { code: ErrorCode, message: string }) {
    const mark = (item: OutboxItem): OutboxItem => (item.clientId === clientId ? { ...item, refused: refusal } : item)
    if (!items.value.some(item => item.clientId === clientId)) return
    items.value = items.value.map(mark)
    store.update(mark)
    if (inFlight === clientId) settle()
    sendNext()
  }

  function replaceSealed(clientId: string, cipher: CipherEnvelopeFrame) {
    const reseal = (item: OutboxItem): OutboxItem => {
      if (item.clientId !== clientId) return item
      const { refused: _, ...rest } = item
      return { ...rest, cipher }
    }
    if (!items.value.some(item => item.clientId === clientId)) return
    items.value = items.value.map(reseal)
    store.update(reseal)
    sendNext()
  }

  function discard(clientId: string) {
    store.remove([clientId])
    items.value = items.value.filter(item => item.clientId !== clientId)
    if (inFlight === clientId) settle()
    sendNext()
  }

  function acknowledge(messages: readonly ChatMessage[], selfId: string | undefined) {
    const acknowledged = new Set(messages.flatMap(message =>
      message.from.id === selfId && message.clientId ? [message.clientId] : []))
    if (acknowledged.size === 0) return
    failures = 0
    // Storage too, even for what this tab does not hold: another tab of ours
    // may have stored it and been closed before its copy came back.
    store.remove([...acknowledged])
    const remaining = items.value.filter(item => !acknowledged.has(item.clientId))
    if (remaining.length < items.value.length) items.value = remaining
    if (inFlight !== undefined && acknowledged.has(inFlight)) settle()
    sendNext()
  }

  function rateLimited(clientId: string) {
    if (inFlight !== clientId) return
    settle()
    sendNext()
  }

  // Nothing after it may overtake it: the whole queue waits, so order is kept.
  function waitThenResend(clientId: string, waitMs: number) {
    if (inFlight !== clientId) return
    settle()
    holdFor(waitMs)
  }

  /** The queue sends nothing for `ms`, then goes on from its head. */
  function holdFor(ms: number) {
    stop()
    holding = true
    paceTimer = setTimeout(() => {
      paceTimer = undefined
      holding = false
      sendNext()
    }, ms)
  }

  function sendAfterJoin() {
    stop()
    failures = 0
    sendNext()
  }

  function retryWithBackoff() {
    holdFor(backoffDelay(++failures, RETRY_BACKOFF, random))
  }

  function stop() {
    settle()
    clearTimeout(paceTimer)
    paceTimer = undefined
    holding = false
  }

  function drop() {
    stop()
    items.value = []
    store.forget()
  }

  return {
    items,
    busy: () => items.value.some(item => !item.refused),
    add,
    acknowledge,
    sendAfterJoin,
    rateLimited,
    replaceSealed,
    waitThenResend,
    retryWithBackoff,
    forgetReplyTarget,
    refuse,
    discard,
    drop,
    stop,
  }
}
