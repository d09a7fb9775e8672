/**
 * Holds what a live region should say so that it says it at most once per
 * `intervalMs`: the first value goes out at once, later ones wait for the end
 * of the interval and are merged into one (the latest count, or "5 new
 * messages"), so a screen reader is told, not flooded. One timer at most.
 */
export interface AnnouncementThrottle<T> {
  push: (value: T) => void
  close: () => void
}

export function throttleAnnouncements<T>(options: {
  intervalMs: number
  /** Turns what piled up during the wait into one announcement; undefined says nothing. */
  say: (values: T[]) => string | undefined
  announce: (text: string) => void
}): AnnouncementThrottle<T> {
  const { intervalMs, say, announce } = options
  let lastAt: number | undefined
  let waiting: T[] = []
  let timer: ReturnType<typeof setTimeout> | undefined

  function flush() {
    timer = undefined
    const values = waiting
    waiting = []
    const text = say(values)
    if (text === undefined) return
    lastAt = Date.now()
    announce(text)
  }

  function push(value: T) {
    waiting.push(value)
    if (timer !== undefined) return
    const wait = lastAt === undefined ? 0 : lastAt + intervalMs - Date.now()
    if (wait <= 0) flush()
    else timer = setTimeout(flush, wait)
  }

  function close() {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    waiting = []
  }

  return { push, close }
}
