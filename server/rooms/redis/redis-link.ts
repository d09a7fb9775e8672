import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import type { PeerLink, RoomBus, StoreCoordination } from '../room-store'
import type { RoomEvent, StoreHealth } from '../types'
import { IDLE_SWEEP_LOCK_KEY, roomIdOfChannel, roomKeys } from './keys'
import { RedisLobbyIndex } from './lobby-index'
import { RedisPeerLink } from './peer-link'
import * as scripts from './scripts'
import { watchConnection } from './watch-connection'
import type { WatchedConnection } from './watch-connection'
import type { CoreLog } from '../../log'

export interface RedisRoomStoreOptions {
  url: string
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
}

export type ScriptName = keyof typeof scripts

type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>

/**
 * The Redis store's link to Redis: its two connections (commands, and
 * pub/sub with one channel per room, so that each instance relays a room's
 * traffic to its own sockets only), the scripts, health and the idle sweep's
 * turn. Commands fail fast while Redis is away (no offline queue) and time
 * out while it hangs, so the server answers UNAVAILABLE instead of waiting.
 */
export class RedisLink implements RoomBus, StoreCoordination {
  protected readonly redis: Scripted
  protected readonly instanceId = randomBytes(6).toString('base64url')
  protected readonly connection: WatchedConnection
  readonly peers: PeerLink
  private readonly subscriber: Redis
  private handler: (roomId: string, event: RoomEvent) => void = () => {}

  constructor(protected readonly options: RedisRoomStoreOptions) {
    const connectionOptions = {
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
      // Every command settles within this, whatever Redis does: the caller
      // answers UNAVAILABLE and undoes what it did, and nothing (a frame's
      // queue, an HTTP request, a shutdown) waits on a Redis that hangs.
      commandTimeout: options.commandTimeoutMs,
      // ioredis would send again, after a reconnect, the commands whose reply
      // the broken link lost, but they may have run already, and their
      // callers may have timed out and undone their work meanwhile: a join's
      // add-member run twice took the joiner's own name (NAME_TAKEN), or
      // brought back a member the failed join had removed. Not resending
      // makes every script run at most once per call; a lost reply becomes a
      // timeout, which the caller handles like any failure (the page sends
      // chat again under the same clientId, and joins again).
      autoResendUnfulfilledCommands: false,
    }
    this.redis = new Redis(options.url, connectionOptions) as Scripted
    this.subscriber = new Redis(options.url, connectionOptions)
    for (const [name, lua] of Object.entries(scripts)) this.redis.defineCommand(name, { lua })
    this.connection = watchConnection(this.redis, options)
    // A beat that finds its own record gone asks the epoch at once: a Redis
    // that lost its data is noticed within a beat, though pings never reach it.
    this.peers = new RedisPeerLink(this.instanceId, this.redis, (script, keys, ...args) => this.run(script, keys, ...args), () => void this.connection.checkEpoch().catch(() => {}))
    this.redis.on('ready', () => this.onReady())
    this.subscriber.on('error', () => {})
    this.subscriber.on('message', (channel: string, data: string) => {
      const roomId = roomIdOfChannel(channel)
      if (roomId) this.handler(roomId, JSON.parse(data) as RoomEvent)
    })
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
    await this.subscriber.subscribe(roomKeys(roomId).channel)
  }

  async unsubscribe(roomId: string) {
    await this.subscriber.unsubscribe(roomKeys(roomId).channel)
  }

  async publish(roomId: string, event: RoomEvent) {
    await this.redis.publish(roomKeys(roomId).channel, JSON.stringify(event))
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

  /** The command connection is up again (or for the first time). */
  protected onReady(): void {}
}
