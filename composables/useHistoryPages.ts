import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { HistoryPageFrame } from '../shared/protocol'
import { tryOnScopeDispose } from '../utils/scope'
import type { UseRoomStateReturn } from './useRoomState'

export interface UseHistoryPagesOptions {
  /** The timeline the pages go into. */
  room: Pick<UseRoomStateReturn, 'hasOlder' | 'oldestSeq' | 'missingBefore' | 'applyHistoryPage' | 'applyMissingPage'>
  /** Sends a `history` request for the page before `before`; false when it could not go now. */
  request: (before: number) => boolean
  /** Whether the member is joined: nothing is asked otherwise. */
  joined: () => boolean
}

export interface UseHistoryPagesReturn {
  /** A `history` request is on its way. */
  loadingOlder: Ref<boolean>
  /** Asks for the page before the oldest message shown; false when there is none or one is on its way. */
  loadOlder: () => boolean
  /** Asks for what a join with `hasMore` left out, if anything. */
  askForMissing: () => void
  /** Takes a `history` frame. */
  takePage: (frame: HistoryPageFrame) => void
  /** The server refused the request past its answer budget: ask again after `waitMs`. */
  retryAfter: (waitMs: number) => void
  /** A new join: any request on its way is forgotten. */
  reset: () => void
  /** Stops the retry timer. */
  stop: () => void
}

/**
 * Older pages of the timeline, asked for by scrolling up or by a join that
 * could not bring everything (`hasMore`). Requests are answered in order, so
 * at most one is on its way.
 */
export function useHistoryPages(options: UseHistoryPagesOptions): UseHistoryPagesReturn {
  const { room, request, joined } = options
  const loadingOlder = shallowRef(false)
  // The request on its way was asked for by a join's hasMore, not by scrolling.
  let askingForMissing = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  function send(before: number): boolean {
    if (!request(before)) return false
    loadingOlder.value = true
    return true
  }

  // One the join called for (hasMore) fills in what it left out.
  function takePage(frame: HistoryPageFrame) {
    loadingOlder.value = false
    clearTimeout(retryTimer)
    if (!askingForMissing) return room.applyHistoryPage(frame)
    askingForMissing = false
    room.applyMissingPage(frame)
    askForMissing()
  }

  function askForMissing() {
    const before = room.missingBefore()
    if (before === undefined || !joined()) return
    if (send(before)) askingForMissing = true
  }

  function loadOlder(): boolean {
    const before = room.oldestSeq()
    if (loadingOlder.value || !room.hasOlder.value || before === undefined || !joined()) return false
    return send(before)
  }

  function retryAfter(waitMs: number) {
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => {
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

  function reset() {
    loadingOlder.value = false
    askingForMissing = false
    clearTimeout(retryTimer)
  }

  const stop = () => clearTimeout(retryTimer)
  tryOnScopeDispose(stop)
  return { loadingOlder, loadOlder, askForMissing, takePage, retryAfter, reset, stop }
}

/** The `history` frame for the page before `before`. */
export const historyRequest = (before: number) => ({ type: 'history' as const, before, limit: LIMITS.historyPageDefault })
