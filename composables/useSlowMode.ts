import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import type { SlowModeSeconds } from '../shared/protocol'
import { tryOnScopeDispose } from '../utils/scope'

export interface UseSlowModeOptions {
  /** Sends the owner's `slowMode` frame; false when it could not go now. */
  send: (frame: { type: 'slowMode', seconds: SlowModeSeconds }) => boolean
  /** The reader owns the room: slow mode does not hold them back, as the server exempts them. */
  exempt: () => boolean
  /** @default Date.now */
  now?: () => number
}

export interface UseSlowModeReturn {
  /** The room's setting in seconds; 0: off. */
  seconds: Readonly<Ref<number>>
  /** Whole seconds until this member may send again; 0: now. */
  remainingS: Readonly<Ref<number>>
  /** The owner changes the setting. */
  set: (seconds: SlowModeSeconds) => boolean
  /** The room's setting, from `joined` or a `slowMode` frame. */
  take: (seconds: number) => void
  /** One of this member's messages was stored: the next waits the room's interval. */
  sent: () => void
  /** The server said how long the next message must wait (SLOW_MODE's retryAfterMs). */
  waitFor: (waitMs: number) => void
  stop: () => void
}

/**
 * The room's slow mode as the composer shows it: a countdown from this
 * member's last message to when the next may go. The server has the last
 * word (SLOW_MODE with retryAfterMs, which the outbox waits out); this is
 * what the person sees meanwhile.
 */
export function useSlowMode({ send, exempt, now = Date.now }: UseSlowModeOptions): UseSlowModeReturn {
  const seconds = shallowRef(0)
  const remainingS = shallowRef(0)
  let until = 0
  let ticker: ReturnType<typeof setInterval> | undefined

  function tick() {
    remainingS.value = Math.max(0, Math.ceil((until - now()) / 1000))
    if (remainingS.value === 0) stop()
  }

  function countTo(at: number) {
    until = Math.max(until, at)
    tick()
    if (remainingS.value > 0 && ticker === undefined) ticker = setInterval(tick, 250)
  }

  function stop() {
    clearInterval(ticker)
    ticker = undefined
  }

  tryOnScopeDispose(stop)
  return {
    seconds,
    remainingS,
    set: value => send({ type: 'slowMode', seconds: value }),
    take: (value) => {
      seconds.value = value
      if (value === 0) {
        until = 0
        tick()
      }
    },
    sent: () => {
      if (seconds.value > 0 && !exempt()) countTo(now() + seconds.value * 1000)
    },
    waitFor: waitMs => countTo(now() + waitMs),
    stop,
  }
}
