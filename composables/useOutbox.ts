import type { MaybeRefOrGetter, Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ChatMessage, ChatSendFrame } from '../shared/protocol'
import type { ClientStorage } from '../utils/client-storage'
import { outboxStore, randomClientId } from '../utils/outbox'
import type { OutboxItem } from '../utils/outbox'

export interface UseOutboxOptions {
  /** Where unsent messages survive a reload, under `heartbeat:outbox:<roomId>`. */
  storage: ClientStorage | undefined
  roomId: MaybeRefOrGetter<string>
  /** Sends one chat frame; false while not joined, and the message waits for the next join. */
  sendChat: (frame: ChatSendFrame) => boolean
}

export interface UseOutboxReturn {
  /** Messages written and not yet acknowledged, oldest first. */
  items: Readonly<Ref<OutboxItem[]>>
  /** Queues the text under a fresh clientId and sends it at once if it can. */
  add: (text: string) => void
  /** Removes what these messages acknowledge: sent by `selfId` with a clientId still pending. */
  acknowledge: (messages: readonly ChatMessage[], selfId: string | undefined) => void
  /** A new link has joined: nothing is on it yet, so everything pending goes (again). */
  sendAfterJoin: () => void
  /** A pong: the next batch may go, and after a RATE_LIMITED everything pending goes again. */
  sendAfterPong: () => void
  /** A frame was dropped with RATE_LIMITED: hold messages back until the next pong. */
  holdUntilNextPong: () => void
  /** Forgets every pending message, here and in storage. */
  drop: () => void
}

/**
 * Chat frames sent per heartbeat at most: the server drops frames past 10 a
 * second (burst 20) and closes a socket that piles up drops, so a long outbox
 * after a join goes out in batches, one per pong. Typing never gets near it.
 */
export const CHAT_FRAMES_PER_BEAT = 15

/**
 * The messages of this member that are not acknowledged yet. Each is sent
 * again after every join with the same clientId until the server's copy comes
 * back, so a message is never lost and never posted twice; always oldest first,
 * so the room sees them in the order they were written.
 */
export function useOutbox({ storage, roomId, sendChat }: UseOutboxOptions): UseOutboxReturn {
  const store = outboxStore(storage, roomId)
  const items = shallowRef<OutboxItem[]>(store.read())
  // Sent on the current link and not acknowledged yet; not sent again on it.
  const sentOnLink = new Set<string>()
  let budget = 0
  // The error does not say which frame was dropped, so after a RATE_LIMITED
  // everything pending goes again, and nothing goes before it, to keep the order.
  let held = false

  function sendWaiting() {
    for (const item of items.value) {
      if (held || budget <= 0) return
      if (sentOnLink.has(item.clientId)) continue
      if (!sendChat({ type: 'chat', text: item.text, clientId: item.clientId })) return
      sentOnLink.add(item.clientId)
      budget--
    }
  }

  function add(text: string) {
    const item: OutboxItem = { clientId: randomClientId(), text, writtenAt: Date.now() }
    items.value = [...items.value, item]
    store.add(item)
    sendWaiting()
  }

  function acknowledge(messages: readonly ChatMessage[], selfId: string | undefined) {
    const acknowledged = new Set(messages.flatMap(message =>
      message.from.id === selfId && message.clientId ? [message.clientId] : []))
    if (acknowledged.size === 0) return
    // Storage too, even for what this tab does not hold: another tab of ours
    // may have stored it and been closed before its copy came back.
    store.remove([...acknowledged])
    for (const clientId of acknowledged) sentOnLink.delete(clientId)
    const remaining = items.value.filter(item => !acknowledged.has(item.clientId))
    if (remaining.length < items.value.length) items.value = remaining
  }

  function startBatch(resendAll: boolean) {
    if (resendAll) sentOnLink.clear()
    held = false
    budget = CHAT_FRAMES_PER_BEAT
    sendWaiting()
  }

  function drop() {
    items.value = []
    sentOnLink.clear()
    held = false
    store.forget()
  }

  return {
    items,
    add,
    acknowledge,
    sendAfterJoin: () => startBatch(true),
    sendAfterPong: () => startBatch(held),
    holdUntilNextPong: () => { held = true },
    drop,
  }
}
