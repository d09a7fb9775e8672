import { resolve } from 'node:path'
import { RedisRoomStore } from '../rooms/redis/redis-store'
import { RoomHub } from '../rooms/room-hub'
import { DatabaseFileError } from '../rooms/sqlite/open-database'
import { SqliteRoomStore } from '../rooms/sqlite/sqlite-store'
import type { LobbyIndex } from '../rooms/lobby/lobby-index'
import type { RoomStore } from '../rooms/types'
import { log as logEvent } from '../log'
import { timedStore } from '../metrics/timed-store'
import type { CoreLog } from '../log'
import { refuseToStart, useRedisSettings } from './redis-settings'

const log: CoreLog = (message, event = 'room_store', fields, level) => logEvent(event, message, fields, level)

let hub: RoomHub | undefined

/** The process's one hub, configured from runtime config on first use. */
export function useRoomHub(): RoomHub {
  if (!hub) {
    const config = useRuntimeConfig()
    const historyLimit = Number(config.historyLimit)
    const heartbeatWindowMs = Number(config.heartbeatWindowMs)
    const emptyRoomGraceMs = Number(config.emptyRoomGraceMs)
    // One process keeps rooms in a file under NUXT_DATA_DIR (or in memory with
    // NUXT_STORE=memory); with NUXT_REDIS_URL every instance shares them.
    let store: RoomStore | undefined
    let lobbyIndex: LobbyIndex | undefined
    const redis = useRedisSettings()
    if (redis) {
      const redisStore = new RedisRoomStore({
        url: redis.urls.join(','),
        cluster: redis.cluster,
        waitReplicas: redis.waitReplicas,
        historyLimit,
        windowMs: heartbeatWindowMs,
        emptyRoomGraceMs,
        commandTimeoutMs: redis.commandTimeoutMs,
        log,
        onMisconfigured: reason => refuseToStart(reason),
        onDataLost: () => hub?.restartSessions(),
        onEventsMissed: roomId => hub?.restartRoom(roomId),
      })
      store = timedStore(redisStore)
      lobbyIndex = redisStore.lobbyIndex()
      log('rooms are kept in redis')
    }
    else if (config.store === 'memory') {
      log('rooms are kept in memory (NUXT_STORE=memory): a restart loses them')
    }
    else {
      store = timedStore(openSqliteStore(String(config.store), String(config.dataDir || '.data'), historyLimit, Number(config.roomRetentionMs), emptyRoomGraceMs))
    }
    hub = new RoomHub({
      store,
      attachments: useFileService(),
      heartbeatWindowMs,
      historyLimit,
      emptyRoomGraceMs,
      sweepIntervalMs: Number(config.sweepIntervalMs),
      // In memory every room is swept at every tick (no round trips); with
      // Redis, rooms without sockets here are swept slowly, one instance at a time.
      idleRoomSweepIntervalMs: store ? Number(config.idleRoomSweepIntervalMs) : undefined,
      // Only a shared store pays a round trip per room: one process's rooms are all looked at.
      idleRoomsPerPass: config.redisUrl ? Number(config.idleRoomsPerPass) : undefined,
      // A membership lasts as long as the room would: offline is not leaving.
      memberTtlMs: Number(config.roomRetentionMs),
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
      lobbyIndex,
      lobbyMaxWatchers: Number(config.lobbyMaxWatchers),
      lobbyWatchersPerAddress: Number(config.lobbyWatchersPerAddress),
      log,
    })
    hub.start()
  }
  return hub
}

function openSqliteStore(kind: string, dataDir: string, historyLimit: number, emptyRoomRetentionMs: number, emptyRoomGraceMs: number): RoomStore {
  if (kind !== '' && kind !== 'sqlite') return refuseToStart(`NUXT_STORE is "${kind}"; it may be "sqlite" (the default) or "memory"`)
  try {
    return new SqliteRoomStore({ file: resolve(dataDir, 'rooms.db'), historyLimit, emptyRoomRetentionMs, emptyRoomGraceMs, log })
  }
  catch (error) {
    // A file the server must not touch: stop here rather than serve without it.
    if (error instanceof DatabaseFileError) return refuseToStart(error.message)
    throw error
  }
}
