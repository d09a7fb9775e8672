import type { H3Event } from 'h3'
import { counts } from '../metrics/counts'
import { HISTORY_SAMPLE_MS, StatsHistory } from '../metrics/stats-history'
import { TokenAttempts } from '../metrics/token-attempts'

let history: StatsHistory | undefined
let attempts: TokenAttempts | undefined

/**
 * The admin page's 15 minutes of figures, sampled every 5 s from the start
 * (so that a page opened now has history), only while NUXT_METRICS_TOKEN is
 * set. A sample reads the hub's counts: O(1), whatever the sockets.
 */
export function useStatsHistory(): StatsHistory | undefined {
  if (history || !useRuntimeConfig().metricsToken) return history
  const made = history = new StatsHistory()
  const sample = () => made.record(Date.now(), useRoomHub().stats(), counts.messages)
  sample()
  setInterval(sample, HISTORY_SAMPLE_MS).unref()
  return made
}

/**
 * Whether the request carries the metrics token (/metrics and the admin
 * page): 'ok', 'wrong' (no token or a wrong one, counted against its
 * address) or a wait in ms while that address has guessed too often.
 */
export function checkAdminToken(event: H3Event): 'ok' | 'wrong' | number {
  if (!attempts) {
    const made = attempts = new TokenAttempts()
    setInterval(() => made.prune(), 60_000).unref()
  }
  const address = requestClientAddress(event)
  const waitMs = attempts.waitMs(address)
  if (waitMs > 0) return waitMs
  if (hasMetricsToken(event)) return 'ok'
  attempts.failed(address)
  return 'wrong'
}
