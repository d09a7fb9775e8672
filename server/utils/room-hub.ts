import { RedisRoomStore } from '../rooms/redis/redis-store'
import { RoomHub } from '../rooms/room-hub'
import type { RoomStore } from '../rooms/types'

const log = (message: string) => console.log(`[heartbeat] ${message}`)

let hub: RoomHub | undefined

/** The process's one hub, configured from runtime config on first use. */
export function useRoomHub(): RoomHub {
  if (!hub) {
    const config = useRuntimeConfig()
    const historyLimit = Number(config.historyLimit)
    const heartbeatWindowMs = Number(config.heartbeatWindowMs)
    const emptyRoomGraceMs = Number(config.emptyRoomGraceMs)
    // One process keeps rooms in memory; with NUXT_REDIS_URL every instance shares them.
    let store: RoomStore | undefined
    if (config.redisUrl) {
      store = new RedisRoomStore({
        url: String(config.redisUrl),
        historyLimit,
        windowMs: heartbeatWindowMs,
        emptyRoomGraceMs,
        commandTimeoutMs: Number(config.redisCommandTimeoutMs),
        log,
        onDataLost: () => hub?.restartSessions(),
      })
      log('rooms are kept in redis')
    }
    hub = new RoomHub({
      store,
      heartbeatWindowMs,
      historyLimit,
      emptyRoomGraceMs,
      sweepIntervalMs: Number(config.sweepIntervalMs),
      // In memory every room is swept at every tick (no round trips); with
      // Redis, rooms without sockets here are swept slowly, one instance at a time.
      idleRoomSweepIntervalMs: store ? Number(config.idleRoomSweepIntervalMs) : undefined,
      memberTtlMs: Number(config.memberTtlMs),
      presenceMergeMs: Number(config.presenceMergeMs),
      maxRoomMembers: Number(config.maxRoomMembers),
      maxRooms: Number(config.maxRooms),
      framesPerSecond: Number(config.framesPerSecond),
      frameBurst: Number(config.frameBurst),
      passwordFailuresPerMinute: Number(config.passwordFailuresPerMinute),
      membersPerAddress: Number(config.membersPerAddress),
      roomsPerAddressPerMinute: Number(config.roomsPerAddressPerMinute),
      neverPingedMemberTtlMs: Number(config.neverPingedMemberTtlMs) || undefined,
      passwordHashesPerMinute: Number(config.passwordHashesPerMinute),
      passwordHashConcurrency: Number(config.passwordHashConcurrency),
      passwordHashQueue: Number(config.passwordHashQueue),
      log,
    })
    hub.start()
  }
  return hub
}
