import { parseRedisSettings, RedisSettingsError } from '../rooms/redis/redis-client'
import type { RedisSettings } from '../rooms/redis/redis-client'
import { log } from '../log'

let settings: RedisSettings | null | undefined

/**
 * The Redis settings from runtime config, read once; undefined without
 * NUXT_REDIS_URL. A combination that cannot work stops the process here, in
 * one log line naming the setting, rather than starting degraded.
 */
export function useRedisSettings(): RedisSettings | undefined {
  if (settings === undefined) {
    const config = useRuntimeConfig()
    try {
      settings = config.redisUrl
        ? parseRedisSettings(String(config.redisUrl), config.redisCluster, config.redisWaitReplicas, Number(config.redisCommandTimeoutMs))
        : null
    }
    catch (error) {
      if (error instanceof RedisSettingsError) refuseToStart(error.message)
      throw error
    }
  }
  return settings ?? undefined
}

export function refuseToStart(reason: string): never {
  log('cannot_start', `cannot start: ${reason}`, {}, 'error')
  process.exit(1)
}
