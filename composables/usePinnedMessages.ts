import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import { replyExcerpt } from '../shared/protocol'
import type { JoinedFrame, PinnedRef, PinsFrame } from '../shared/protocol'
import type { MessageChangeFrame } from '../utils/conversation'

export interface UsePinnedMessagesOptions {
  /** Sends the owner's `pin` frame; false when it could not go now. */
  send: (frame: { type: 'pin', id: string, pinned: boolean }) => boolean
}

export interface UsePinnedMessagesReturn {
  /** The room's pins, oldest pin first, as the bar shows them (they may be thousands of messages back). */
  pinned: Readonly<Ref<PinnedRef[]>>
  /** The owner pins or unpins a message; the room's `pins` frame says what came of it. */
  pin: (id: string, pinned: boolean) => boolean
  takeJoined: (frame: JoinedFrame) => void
  take: (frame: PinsFrame) => void
  /** An edit changes a pin's excerpt; a delete is answered by a `pins` frame of its own. */
  applyChange: (frame: MessageChangeFrame) => void
}

/** The pinned messages of the room: what `joined` and each `pins` frame say, kept in step with edits. */
export function usePinnedMessages({ send }: UsePinnedMessagesOptions): UsePinnedMessagesReturn {
  const pinned = shallowRef<PinnedRef[]>([])
  return {
    pinned,
    pin: (id, on) => send({ type: 'pin', id, pinned: on }),
    takeJoined: (frame) => { pinned.value = frame.pinned ?? [] },
    take: (frame) => { pinned.value = frame.pinned },
    applyChange: (frame) => {
      if (frame.type !== 'edited' || !pinned.value.some(pin => pin.id === frame.id)) return
      pinned.value = pinned.value.map(pin => pin.id === frame.id ? { ...pin, excerpt: replyExcerpt(frame.text) } : pin)
    },
  }
}
