import type { Ref } from 'vue'
import { getCurrentScope, onScopeDispose, shallowRef, watch } from 'vue'
import type { ClientStorage } from '../utils/client-storage'
import { readVisit } from '../utils/room-visits'
import type { TimelineEntry } from '../utils/timeline'

export interface UseUnreadLineOptions {
  roomId: string
  /** The room's timeline; the line is placed once, when its first messages arrive. */
  timeline: Readonly<Ref<readonly TimelineEntry[]>>
  /** Where "Your rooms" keeps each room's visit (room-visits.ts). @default undefined (no line) */
  storage?: ClientStorage
}

export interface UseUnreadLineReturn {
  /** The seq of the first message this browser had not shown before this visit; undefined: no line. */
  firstUnreadSeq: Readonly<Ref<number | undefined>>
  close: () => void
}

/**
 * Where "New messages" goes in a room opened again. It reads the same stored
 * seen seq as the lobby's count under "Your rooms" (lastSeq - seenSeq), before
 * this page's RoomSession moves it on, so the line starts where that count
 * starts. It is placed once per visit: messages arriving while the room is
 * open are read as they come and do not move it.
 */
export function useUnreadLine(options: UseUnreadLineOptions): UseUnreadLineReturn {
  const { roomId, timeline, storage } = options
  const seenBefore = readVisit(storage, roomId)?.seenSeq
  const firstUnreadSeq = shallowRef<number>()
  let placed = false
  let stop: (() => void) | undefined

  function place(entries: readonly TimelineEntry[]) {
    if (placed || !entries.some(entry => entry.kind === 'chat')) return
    placed = true
    close()
    if (seenBefore === undefined) return
    const first = entries.find(entry => entry.kind === 'chat' && entry.message.seq > seenBefore)
    if (first?.kind === 'chat') firstUnreadSeq.value = first.message.seq
  }

  function close() {
    stop?.()
    stop = undefined
  }

  // Synchronous: placed from the very timeline the join brought, before anything is added to it.
  stop = watch(timeline, place, { immediate: true, flush: 'sync' })
  if (placed) close()
  if (getCurrentScope()) onScopeDispose(close)
  return { firstUnreadSeq, close }
}
