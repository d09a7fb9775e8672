import Redis from 'ioredis'
import type { ClusterNode, RedisOptions } from 'ioredis'

/** A setting that cannot work: the server refuses to start, naming it. */
export class RedisSettingsError extends Error {}

export interface RedisSettings {
  /** NUXT_REDIS_URL: one URL, or with `cluster` several seed nodes, comma-separated. */
  urls: string[]
  /** NUXT_REDIS_CLUSTER=true: a Redis Cluster client (sharded pub/sub, slot routing). */
  cluster: boolean
  /** NUXT_REDIS_WAIT_REPLICAS: a chat is acknowledged once this many replicas have it (WAIT). */
  waitReplicas: number
  commandTimeoutMs: number
}

/** From runtime config values; throws RedisSettingsError for a combination that cannot work. */
export function parseRedisSettings(url: string, cluster: unknown, waitReplicas: unknown, commandTimeoutMs: number): RedisSettings {
  const urls = url.split(',').map(part => part.trim()).filter(part => part !== '')
  const isCluster = cluster === true || cluster === 'true'
  if (cluster !== undefined && cluster !== '' && cluster !== false && cluster !== 'false' && !isCluster) {
    throw new RedisSettingsError(`NUXT_REDIS_CLUSTER is "${String(cluster)}"; it may be "true" or "false"`)
  }
  if (urls.length > 1 && !isCluster) {
    throw new RedisSettingsError('NUXT_REDIS_URL lists several nodes: set NUXT_REDIS_CLUSTER=true for a Redis Cluster, or give one URL')
  }
  // One URL goes to ioredis as it is (it takes more forms than URLs); seeds are parsed here.
  for (const part of isCluster ? urls : []) {
    if (!URL.canParse(part) || !/^rediss?:$/.test(new URL(part).protocol)) {
      throw new RedisSettingsError('NUXT_REDIS_URL has an entry that is not a redis:// or rediss:// URL')
    }
  }
  const wait = waitReplicas === undefined || waitReplicas === '' ? (isCluster ? 1 : 0) : Number(waitReplicas)
  if (!Number.isInteger(wait) || wait < 0 || wait > 16) {
    throw new RedisSettingsError(`NUXT_REDIS_WAIT_REPLICAS is "${String(waitReplicas)}"; it must be a whole number from 0 to 16`)
  }
  return { urls, cluster: isCluster, waitReplicas: wait, commandTimeoutMs }
}

/**
 * The options every connection to Redis shares. Every command settles within
 * the timeout, whatever Redis does: the caller answers UNAVAILABLE and undoes
 * what it did, and nothing (a frame's queue, an HTTP request, a shutdown)
 * waits on a Redis that hangs.
 *
 * ioredis would send again, after a reconnect, the commands whose reply the
 * broken link lost, but they may have run already, and their callers may have
 * timed out and undone their work meanwhile: a join's add-member run twice
 * took the joiner's own name (NAME_TAKEN), or brought back a member the
 * failed join had removed. Not resending makes every script run at most once
 * per call; a lost reply becomes a timeout, which the caller handles like any
 * failure (the page sends chat again under the same clientId, and joins again).
 */
function connectionOptions(settings: RedisSettings): RedisOptions {
  return {
    maxRetriesPerRequest: 1,
    commandTimeout: settings.commandTimeoutMs,
    autoResendUnfulfilledCommands: false,
  }
}

const retryDelay = (attempt: number) => Math.min(attempt * 200, 2000)

function clusterNode(url: string): ClusterNode {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port || 6379) }
}

/**
 * One connection to Redis: a plain client on one URL, or a Cluster client
 * seeded with every URL listed. Typed as Redis either way: a Cluster has the
 * same commands (keyed ones routed to their slot's master), so the callers
 * do not branch; the few that must (pub/sub, WAIT, the epoch) ask isCluster.
 */
export function createRedisClient(settings: RedisSettings, options: { subscriber?: boolean } = {}): Redis {
  if (!settings.cluster) return new Redis(settings.urls[0]!, { ...connectionOptions(settings), retryStrategy: retryDelay })
  const first = new URL(settings.urls[0]!)
  const cluster = new Redis.Cluster(settings.urls.map(clusterNode), {
    // Reads from masters only: a replica may not have the newest write yet,
    // and a member who just posted must find the post in history.
    scaleReads: 'master',
    clusterRetryStrategy: retryDelay,
    // A subscriber keeps one connection per shard for SSUBSCRIBE, moved to
    // the new master when a slot changes hands.
    shardedSubscribers: options.subscriber === true,
    // A subscriber sends no commands that would bring a MOVED: it asks for
    // the slot map once a second to follow a failover (one CLUSTER SLOTS).
    ...(options.subscriber ? { slotsRefreshInterval: 1000 } : {}),
    // As the single-node client: queued until the first connect, then
    // commands fail fast while the cluster is away (watch-connection.ts).
    enableOfflineQueue: true,
    redisOptions: {
      ...connectionOptions(settings),
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  })
  return cluster as unknown as Redis
}

export function isCluster(redis: Redis): boolean {
  return redis instanceof Redis.Cluster
}

/**
 * Whether a Redis reached as one node is in fact a node of a cluster: it
 * would answer MOVED for most rooms, forever.
 */
export async function isClusterNode(redis: Redis): Promise<boolean> {
  return /^cluster_enabled:1\s*$/m.test(await redis.info('cluster'))
}
