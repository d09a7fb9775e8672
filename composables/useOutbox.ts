import type { MaybeRefOrGetter, Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ChatMessage, ChatSendFrame, ErrorCode, FileInfo } from '../shared/protocol'
import { backoffDelay } from '../utils/backoff'
import type { ClientStorage } from '../utils/client-storage'
import { outboxStore, randomClientId } from '../utils/outbox'
import type { OutboxItem } from '../utils/outbox'

export interface UseOutboxOptions {
  /** Where unsent messages survive a reload, under `heartbeat:outbox:<roomId>`. */
  storage: ClientStorage | undefined
  roomId: MaybeRefOrGetter<string>
  /** Sends one chat frame; false while not joined, and the message waits for the next join. */
  sendChat: (frame: ChatSendFrame) => boolean
  /** Source of the retry jitter, in [0, 1). */
  random: () => number
}

export interface UseOutboxReturn {
  /** Messages written and not yet acknowledged, oldest first. */
  items: Readonly<Ref<OutboxItem[]>>
  /** Queues the text (and files) under a fresh clientId and sends it at once if it can. */
  add: (text: string, replyTo?: string, attachments?: FileInfo[]) => void
  /** Removes what these messages acknowledge: sent by `selfId` with a clientId still pending. */
  acknowledge: (messages: readonly ChatMessage[], selfId: string | undefined) => void
  /** A new link has joined: nothing is on it yet, so everything pending goes (again). */
  sendAfterJoin: () => void
  /** A frame was dropped with RATE_LIMITED: send nothing for `ms`, then everything pending again. */
  retryAfter: (ms: number) => void
  /** A frame failed on the server (INTERNAL, UNAVAILABLE): everything pending goes again after a backoff delay. */
  retryWithBackoff: () => void
  /**
   * The message these pending replies answer was deleted: they go as plain
   * messages, since the server refuses a reply to a deleted message and they
   * would otherwise stay "sending…" for ever.
   */
  forgetReplyTarget: (messageId: string) => void
  /** The server refused this message for what it carries: it stops going out and shows as not sent. */
  refuse: (clientId: string, refusal: { code: ErrorCode, message: string }) => void
  /** The person lets go of a message the server refused. */
  discard: (clientId: string) => void
  /** Forgets every pending message, here and in storage. */
  drop: () => void
  /** Stops the pacing and retry timer; what is pending stays stored. */
  stop: () => void
}

/**
 * The pace of chat frames, kept under the server's default token bucket (10 a
 * second, bursts of 20, one taken by the join) so that typing, however fast,
 * never has a frame dropped, and a long outbox after a join goes out as fast
 * as the server takes it. A server with a lower limit answers RATE_LIMITED
 * with `retryAfterMs`, and the outbox waits that long.
 */
export const CHAT_PACE = { framesPerSecond: 8, burst: 15 } as const

const RETRY_BACKOFF = { baseMs: 500, maxMs: 5000 }

/**
 * The messages of this member that are not acknowledged yet. Each is sent
 * again after every join with the same clientId until the server's copy comes
 * back, so a message is never lost and never posted twice; always oldest first,
 * so the room sees them in the order they were written.
 */
export function useOutbox({ storage, roomId, sendChat, random }: UseOutboxOptions): UseOutboxReturn {
  const store = outboxStore(storage, roomId)
  const items = shallowRef<OutboxItem[]>(store.read())
  // Sent on the current link and not acknowledged yet; not sent again on it.
  const sentOnLink = new Set<string>()
  let tokens = 0
  let tokensAt = 0
  // A paced send or a retry waits on this one timer. While a retry waits,
  // nothing goes: the error does not say which frame failed, so everything
  // pending goes again afterwards, and nothing before it, to keep the order.
  let timer: ReturnType<typeof setTimeout> | undefined
  let retryPending = false
  let failures = 0

  function refill(now: number) {
    tokens = Math.min(CHAT_PACE.burst, tokens + (now - tokensAt) * CHAT_PACE.framesPerSecond / 1000)
    tokensAt = now
  }

  function sendWaiting() {
    if (retryPending) return
    clearTimeout(timer)
    timer = undefined
    for (const item of items.value) {
      if (sentOnLink.has(item.clientId) || item.refused) continue
      refill(Date.now())
      if (tokens < 1) {
        timer = setTimeout(sendWaiting, Math.ceil((1 - tokens) * 1000 / CHAT_PACE.framesPerSecond))
        return
      }
      if (!sendChat(chatFrame(item))) return
      sentOnLink.add(item.clientId)
      tokens--
    }
  }

  function chatFrame({ text, clientId, replyTo, attachments }: OutboxItem): ChatSendFrame {
    return { type: 'chat', text, clientId, ...(replyTo ? { replyTo } : {}), ...(attachments?.length ? { attachments: attachments.map(file => file.id) } : {}) }
  }

  function add(text: string, replyTo?: string, attachments?: FileInfo[]) {
    const item: OutboxItem = { clientId: randomClientId(), text, writtenAt: Date.now(), ...(replyTo ? { replyTo } : {}), ...(attachments?.length ? { attachments } : {}) }
    items.value = [...items.value, item]
    store.add(item)
    sendWaiting()
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
    sentOnLink.delete(clientId)
    items.value = items.value.map(mark)
    store.update(mark)
  }

  function discard(clientId: string) {
    store.remove([clientId])
    sentOnLink.delete(clientId)
    items.value = items.value.filter(item => item.clientId !== clientId)
  }

  function acknowledge(messages: readonly ChatMessage[], selfId: string | undefined) {
    const acknowledged = new Set(messages.flatMap(message =>
      message.from.id === selfId && message.clientId ? [message.clientId] : []))
    if (acknowledged.size === 0) return
    failures = 0
    // Storage too, even for what this tab does not hold: another tab of ours
    // may have stored it and been closed before its copy came back.
    store.remove([...acknowledged])
    for (const clientId of acknowledged) sentOnLink.delete(clientId)
    const remaining = items.value.filter(item => !acknowledged.has(item.clientId))
    if (remaining.length < items.value.length) items.value = remaining
  }

  function sendAfterJoin() {
    stop()
    sentOnLink.clear()
    failures = 0
    tokens = CHAT_PACE.burst
    tokensAt = Date.now()
    sendWaiting()
  }

  function retryAfter(ms: number) {
    stop()
    retryPending = true
    timer = setTimeout(() => {
      retryPending = false
      sentOnLink.clear()
      sendWaiting()
    }, ms)
  }

  function stop() {
    clearTimeout(timer)
    timer = undefined
    retryPending = false
  }

  function drop() {
    stop()
    items.value = []
    sentOnLink.clear()
    store.forget()
  }

  return {
    items,
    add,
    acknowledge,
    sendAfterJoin,
    retryAfter,
    retryWithBackoff: () => retryAfter(backoffDelay(++failures, RETRY_BACKOFF, random)),
    forgetReplyTarget,
    refuse,
    discard,
    drop,
    stop,
  }
}
