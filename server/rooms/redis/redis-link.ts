import { randomBytes } from 'node:crypto'
import type { ChainableCommander, Cluster } from 'ioredis'
import type Redis from 'ioredis'
import type { PeerLink, RoomBus, StoreCoordination } from '../room-store'
import type { RoomEvent, StoreHealth } from '../types'
import { IDLE_SWEEP_LOCK_KEY, roomIdOfChannel, roomKeys } from './keys'
import { RedisLobbyIndex } from './lobby-index'
import { RedisPeerLink } from './peer-link'
import { createRedisClient, isClusterNode, parseRedisSettings } from './redis-client'
import { watchShards } from './shard-watch'
import type { ShardWatch } from './shard-watch'
import type { RedisSettings } from './redis-client'
import * as scripts from './scripts'
import { watchConnection } from './watch-connection'
import type { WatchedConnection } from './watch-connection'
import type { CoreLog } from '../../log'

export interface RedisRoomStoreOptions {
  /** One node's URL, or with `cluster` the seed nodes, comma-separated (NUXT_REDIS_URL). */
  url: string
  /** A Redis Cluster (NUXT_REDIS_CLUSTER): slot routing, sharded pub/sub, an epoch per master. */
  cluster?: boolean
  /** A chat is acknowledged once this many replicas have it (NUXT_REDIS_WAIT_REPLICAS); 1 in a cluster, 0 otherwise, unless set. */
  waitReplicas?: number
  historyLimit: number
  /** The heartbeat window: an instance that has not heartbeated a member within it no longer holds it. */
  windowMs: number
  /** How long the keys of a room without members live on. */
  emptyRoomGraceMs: number
  /** A command not answered within this long fails, and the store counts as unavailable until Redis answers again. */
  commandTimeoutMs: number
  log: CoreLog
  /** Called when Redis comes back without the data it had: every client must join again. */
  onDataLost?: () => void
  /** Called when the settings cannot work with the Redis found (a cluster node without NUXT_REDIS_CLUSTER): the server must not start. */
  onMisconfigured?: (reason: string) => void
  /** Called when this room's events may have been missed (its shard failed over while subscribed): its sockets must join again to catch up. */
  onEventsMissed?: (roomId: string) => void
}

export type ScriptName = keyof typeof scripts

/** Replies that say a command was not run on this node: sending it again runs it at most once. */
const NOT_RUN_HERE = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /

type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>
type ScriptedPipeline = ChainableCommander & Record<ScriptName, (...args: (string | number)[]) => ChainableCommander>

/**
 * The Redis store's link to Redis: its two connections (commands, and
 * pub/sub with one channel per room, so that each instance relays a room's
 * traffic to its own sockets only), the scripts, health and the idle sweep's
 * turn. Commands fail fast while Redis is away (no offline queue) and time
 * out while it hangs, so the server answers UNAVAILABLE instead of waiting.
 *
 * On a Redis Cluster a room's channel is a shard channel (SSUBSCRIBE,
 * SPUBLISH, also inside the scripts): it lives in the room's slot, so a
 * message goes through the one shard that holds the room instead of being
 * broadcast over the whole cluster bus.
 */
export class RedisLink implements RoomBus, StoreCoordination {
  protected readonly redis: Scripted
  protected readonly instanceId = randomBytes(6).toString('base64url')
  protected readonly connection: WatchedConnection
  protected readonly settings: RedisSettings
  readonly peers: PeerLink
  private readonly subscriber: Redis
  private readonly shards?: ShardWatch
  private handler: (roomId: string, event: RoomEvent) => void = () => {}
  private replicasShort = false

  constructor(protected readonly options: RedisRoomStoreOptions) {
    this.settings = parseRedisSettings(options.url, options.cluster === true, options.waitReplicas ?? '', options.commandTimeoutMs)
    this.redis = createRedisClient(this.settings) as Scripted
    this.subscriber = createRedisClient(this.settings, { subscriber: true })
    for (const [name, lua] of Object.entries(scripts)) {
      // A script publishes to its room's channel, which in a cluster is a
      // shard channel of the room's slot, as its keys are.
      this.redis.defineCommand(name, { lua: this.settings.cluster ? lua.replaceAll('redis.call(\'PUBLISH\'', 'redis.call(\'SPUBLISH\'') : lua })
    }
    this.connection = watchConnection(this.redis, options)
    // A beat that finds its own record gone asks the epoch at once: a Redis
    // that lost its data is noticed within a beat, though pings never reach it.
    this.peers = new RedisPeerLink(this.instanceId, this.redis, (script, keys, ...args) => this.run(script, keys, ...args), () => void this.connection.checkEpoch().catch(() => {}))
    this.redis.on('ready', () => this.onReady())
    this.redis.once('ready', () => void this.checkTopology())
    if (this.settings.cluster) this.redis.on('error', (error: Error) => this.refuseIfNotCluster(error))
    this.subscriber.on('error', () => {})
    const relay = (channel: string, data: string) => {
      const roomId = roomIdOfChannel(channel)
      if (!roomId) return
      const event = JSON.parse(data) as RoomEvent
      if (this.shards && event.kind === 'chat' && !this.shards.inSequence(roomId, event.message.seq)) return
      this.handler(roomId, event)
    }
    this.subscriber.on(this.settings.cluster ? 'smessage' : 'message', relay)
    if (this.settings.cluster) this.shards = watchShards(this.subscriber, roomId => this.options.onEventsMissed?.(roomId), options.log, async roomId => Number(await this.redis.get(roomKeys(roomId).seq) ?? 0))
  }

  // A URL naming one node of a cluster would start, then answer MOVED for
  // most rooms, forever: refused at the start instead.
  private async checkTopology() {
    if (this.settings.cluster) return
    try {
      if (await isClusterNode(this.redis)) this.options.onMisconfigured?.('NUXT_REDIS_URL names a node of a Redis Cluster: set NUXT_REDIS_CLUSTER=true (and list the seed nodes, comma-separated)')
    }
    catch {
      // Not answering INFO is an outage, which watch-connection reports; a Redis without INFO (some proxies) is not a cluster node.
    }
  }

  private refuseIfNotCluster(error: Error & { lastNodeError?: Error }) {
    const cause = error.lastNodeError?.message ?? error.message
    if (/cluster support disabled/i.test(cause)) this.options.onMisconfigured?.('NUXT_REDIS_CLUSTER=true but NUXT_REDIS_URL names a Redis that is not a cluster node: unset NUXT_REDIS_CLUSTER, or enable cluster mode on the Redis')
  }

  /** The lobby index every instance shares, on this store's connection (its timeouts and outage detection). */
  lobbyIndex(): RedisLobbyIndex {
    return new RedisLobbyIndex(this.redis)
  }

  /** Resolves once the first connection is up. */
  ready(): Promise<void> {
    return this.connection.ready
  }

  health(): StoreHealth {
    return { kind: 'redis', state: this.connection.state() }
  }

  isUnavailableError(error: unknown) {
    return this.connection.isOutage(error)
  }

  // Drops both links at once, never waiting on Redis: a shutdown must not
  // hang on a Redis that is gone or hangs.
  async close() {
    this.connection.dispose()
    this.subscriber.disconnect()
    this.redis.disconnect()
  }

  onEvent(handler: (roomId: string, event: RoomEvent) => void) {
    this.handler = handler
  }

  async subscribe(roomId: string) {
    const channel = roomKeys(roomId).channel
    const node = this.shards?.nodeOf(roomId)
    await (this.settings.cluster ? this.subscriber.ssubscribe(channel) : this.subscriber.subscribe(channel))
    // The room's seq as the subscription starts: a chat heard later that
    // skips past it was missed, and is caught up by a rejoin.
    if (this.shards) this.shards.subscribed(roomId, Number(await this.redis.get(roomKeys(roomId).seq) ?? 0), node)
  }

  async unsubscribe(roomId: string) {
    const channel = roomKeys(roomId).channel
    this.shards?.unsubscribed(roomId)
    await (this.settings.cluster ? this.subscriber.sunsubscribe(channel) : this.subscriber.unsubscribe(channel))
  }

  async publish(roomId: string, event: RoomEvent) {
    const channel = roomKeys(roomId).channel
    await (this.settings.cluster ? this.redis.spublish(channel, JSON.stringify(event)) : this.redis.publish(channel, JSON.stringify(event)))
  }

  // The lock's expiry is the turn: whoever sets it sweeps, the others skip
  // until it has expired. The epoch is checked on the same beat, so a Redis
  // that lost its data without a reconnect (FLUSHALL, eviction) is noticed
  // within an interval even in rooms where nobody posts.
  async claimIdleSweep(intervalMs: number) {
    const [claimed] = await Promise.all([
      this.redis.set(IDLE_SWEEP_LOCK_KEY, this.instanceId, 'PX', intervalMs, 'NX'),
      this.connection.checkEpoch(),
    ])
    return claimed === 'OK'
  }

  /** Runs a script with these keys: the key count is the list's length. */
  protected run(script: ScriptName, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    return this.redis[script](keys.length, ...keys, ...args)
  }

  /**
   * Runs a script, then, with NUXT_REDIS_WAIT_REPLICAS, WAITs on the same
   * connection until that many replicas have its writes. WAIT has no key; in
   * one pipeline with the script it goes to the node that ran the script,
   * which is the master of the script's slot. A WAIT that times out short of
   * replicas still returns the script's reply (see docs/deploy.md: the write
   * is on the master and already delivered; refusing it would not undo it).
   */
  protected async runReplicated(script: ScriptName, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    const replicas = this.settings.waitReplicas
    if (replicas === 0) return this.run(script, keys, ...args)
    const send = async () => {
      const pipeline = this.redis.pipeline() as ScriptedPipeline
      pipeline[script](keys.length, ...keys, ...args)
      pipeline.call('WAIT', replicas, this.waitTimeoutMs())
      return await pipeline.exec() as [[Error | null, unknown], [Error | null, number]]
    }
    let [[scriptError, reply], [waitError, acknowledged]] = await send()
    // A pipeline is not redirected as a lone command is: a slot that moved
    // (a failover) answers MOVED to the script, which then did not run, so
    // it goes once more after the slot map is read again.
    if (scriptError && this.settings.cluster && NOT_RUN_HERE.test(scriptError.message)) {
      await new Promise<void>(resolve => (this.redis as unknown as Cluster).refreshSlotsCache(() => resolve()))
      ;[[scriptError, reply], [waitError, acknowledged]] = await send()
    }
    if (scriptError) throw scriptError
    const short = waitError !== null || Number(acknowledged) < replicas
    if (short !== this.replicasShort) {
      this.replicasShort = short
      this.options.log(short ? `redis replication short: WAIT ${replicas} timed out; chat is acknowledged on the master alone until replicas catch up` : 'redis replicas acknowledge chat again')
    }
    return reply
  }

  // Half the command timeout: the pipeline as a whole must settle within it.
  private waitTimeoutMs() {
    return Math.max(1, Math.floor(this.options.commandTimeoutMs / 2))
  }

  /** The command connection is up again (or for the first time). */
  protected onReady(): void {}
}
