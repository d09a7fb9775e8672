import { tryOnScopeDispose } from '../utils/scope'

export interface UseTypingSignalOptions {
  /** Sends a typing frame (`stop` when the person stopped); false when it could not go now. */
  send: (stop: boolean) => boolean
  /** Whether the member is joined: typing is never said otherwise. */
  joined: () => boolean
  /** Whether a waiting message needs the frame budget: a start then yields to it. @default () => false */
  busy?: () => boolean
  /** Least time between two frames that say the person is typing, a message sent between them or not. @default 2000 */
  intervalMs?: number
}

export interface UseTypingSignalReturn {
  /** The person typed (`true`, said at most every `intervalMs`) or stopped (`false`). */
  setTyping: (typing: boolean) => void
  /** A new join: the server has forgotten what was said, so the next start goes at once. */
  reset: () => void
  /** Stops the timer of a start that waits for the interval. */
  stop: () => void
}

/**
 * Typing is a hint: lost on a dropped link, or skipped while the budget is
 * short, it expires on the server by itself. It never takes a token that a
 * waiting message needs, and a start goes at most every `intervalMs`, so fast
 * typing spends the frame budget on chat.
 */
export function useTypingSignal(options: UseTypingSignalOptions): UseTypingSignalReturn {
  const { send, joined, busy = () => false, intervalMs = 2000 } = options
  // When this page last said the person is typing, and whether it has said they stopped since.
  let sentAt: number | undefined
  let shown = false
  let startTimer: ReturnType<typeof setTimeout> | undefined

  function setTyping(typing: boolean) {
    clearTimeout(startTimer)
    if (!joined()) return
    const now = Date.now()
    const waitMs = sentAt === undefined ? 0 : sentAt + intervalMs - now
    if (typing && waitMs <= 0) {
      if (busy() || !send(false)) return
      sentAt = now
      shown = true
    }
    else if (typing && !shown) {
      // Typing again soon after a stop (a draft cleared, a message sent): the
      // start waits for the interval rather than being lost, or the others
      // would not see it until the next keystroke after the interval.
      startTimer = setTimeout(() => setTyping(true), waitMs)
    }
    else if (!typing && shown && send(true)) {
      shown = false
    }
  }

  function reset() {
    sentAt = undefined
    shown = false
    clearTimeout(startTimer)
  }

  const stop = () => clearTimeout(startTimer)
  tryOnScopeDispose(stop)
  return { setTyping, reset, stop }
}
