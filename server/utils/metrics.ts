import { createHash, timingSafeEqual } from 'node:crypto'
import { hostname } from 'node:os'
import type { H3Event } from 'h3'
import type { Registry } from 'prom-client'
import { recordTimings } from '../metrics/counts'
import { createMetrics } from '../metrics/registry'

let registry: Registry | undefined

/** The metrics registry, made on first use; undefined while NUXT_METRICS_TOKEN is empty (metrics off). */
export function useMetrics(): Registry | undefined {
  const config = useRuntimeConfig()
  if (registry || !config.metricsToken) return registry
  const made = createMetrics({
    live: () => useRoomHub().stats(),
    // With Redis several instances report the same series: each names itself.
    instance: config.redisUrl ? metricsInstanceName() : undefined,
  })
  recordTimings(made.timings)
  registry = made.registry
  return registry
}

/** This instance's name on its metrics and on the admin page: NUXT_METRICS_INSTANCE, or hostname:pid. */
export function metricsInstanceName(): string {
  return String(useRuntimeConfig().metricsInstance || `${hostname()}:${process.pid}`)
}

/**
 * Whether the request carries `Authorization: Bearer <NUXT_METRICS_TOKEN>`.
 * Both sides are hashed first, so that they compare in constant time
 * whatever their lengths (timingSafeEqual wants equal lengths).
 */
export function hasMetricsToken(event: H3Event): boolean {
  const expected = String(useRuntimeConfig().metricsToken || '')
  if (!expected) return false
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(getRequestHeader(event, 'authorization') ?? ''), digest(`Bearer ${expected}`))
}
