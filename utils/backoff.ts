export interface BackoffOptions {
  /** Ceiling of the first attempt's delay. */
  baseMs: number
  /** No delay is longer than this, however many attempts have failed. */
  maxMs: number
}

/**
 * Delay before reconnect attempt `attempt` (counted from 1): the ceiling
 * d = min(maxMs, baseMs * 2^(attempt - 1)) doubles with every failure, and the
 * delay is drawn from [d/2, d] so clients dropped by the same outage do not all
 * come back in the same instant.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
