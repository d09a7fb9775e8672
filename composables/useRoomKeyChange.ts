import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import { FIRST_KEY_GENERATION } from '../shared/protocol'
import type { JoinedFrame, RekeyedFrame, RekeyFrame } from '../shared/protocol'
import { adoptPendingKey, newRoomPassword, setRoomGeneration } from '../utils/e2ee/key-ring'
import type { UseOutboxReturn } from './useOutbox'
import type { UseSealedSendingReturn } from './useSealedSending'

export interface UseRoomKeyChangeOptions {
  roomId: () => string
  /** Sends on the room's link; false when it could not go now. */
  send: (frame: RekeyFrame) => boolean
  outbox: Pick<UseOutboxReturn, 'items' | 'replaceSealed'>
  sealed: Pick<UseSealedSendingReturn, 'reseal'>
}

export interface UseRoomKeyChangeReturn {
  /** The room's salt when it is end-to-end encrypted (its texts arrive sealed); undefined otherwise. */
  e2eeSalt: Readonly<Ref<string | undefined>>
  /** The room's key generation, as the last `joined` or `rekeyed` said. */
  e2eeGeneration: Readonly<Ref<number>>
  takeJoined: (frame: JoinedFrame) => void
  takeRekeyed: (frame: RekeyedFrame) => Promise<void>
  /** The owner changes the password: the new key is made here, and only the auth key and salt go. False when it could not be sent. */
  changePassword: (password: string, remember: boolean) => Promise<boolean>
  /** Seals again, with the room's current key, what the server refused as sealed with an older one, and sends it. */
  resealRefused: () => void
}

/**
 * The keys of an end-to-end encrypted room as they change: the salt and key
 * generation the server says, the owner's password change, and the unsent
 * messages a change caught sealed with the old key (kept, not lost: sealed
 * again once this page has the new key).
 */
export function useRoomKeyChange({ roomId, send, outbox, sealed }: UseRoomKeyChangeOptions): UseRoomKeyChangeReturn {
  const e2eeSalt = shallowRef<string>()
  const e2eeGeneration = shallowRef(FIRST_KEY_GENERATION)

  function setGeneration(generation: number) {
    setRoomGeneration(roomId(), generation)
    e2eeGeneration.value = generation
  }

  function takeJoined(frame: JoinedFrame) {
    e2eeSalt.value = frame.e2ee?.salt
    setGeneration(frame.e2ee?.generation ?? FIRST_KEY_GENERATION)
  }

  async function takeRekeyed(frame: RekeyedFrame) {
    // The owner's page made the new key: it takes it before the room moves on, so it never asks itself for the password.
    await adoptPendingKey(roomId(), frame.salt, frame.generation)
    e2eeSalt.value = frame.salt
    setGeneration(frame.generation)
  }

  async function changePassword(password: string, remember: boolean): Promise<boolean> {
    const from = e2eeGeneration.value
    const { authKey, salt } = await newRoomPassword(roomId(), password, from + 1, remember)
    return send({ type: 'rekey', password: authKey, e2eeSalt: salt, from })
  }

  // Each one once at a time: the page asks on every change of its timeline.
  const resealing = new Set<string>()
  function resealRefused() {
    for (const { clientId, refused, text, attachments } of outbox.items.value) {
      if (refused?.code !== 'E2EE_KEY_CHANGED' || resealing.has(clientId)) continue
      resealing.add(clientId)
      sealed.reseal(clientId, text, attachments, (cipher) => {
        resealing.delete(clientId)
        if (cipher) outbox.replaceSealed(clientId, cipher)
      })
    }
  }

  return { e2eeSalt, e2eeGeneration, takeJoined, takeRekeyed, changePassword, resealRefused }
}
