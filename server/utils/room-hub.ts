import { RoomHub } from '../rooms/room-hub'

let hub: RoomHub | undefined

/** The process's one hub, configured from runtime config on first use. */
export function useRoomHub(): RoomHub {
  if (!hub) {
    const config = useRuntimeConfig()
    hub = new RoomHub({
      heartbeatWindowMs: Number(config.heartbeatWindowMs),
      sweepIntervalMs: Number(config.sweepIntervalMs),
      memberTtlMs: Number(config.memberTtlMs),
      emptyRoomGraceMs: Number(config.emptyRoomGraceMs),
      presenceMergeMs: Number(config.presenceMergeMs),
      historyLimit: Number(config.historyLimit),
      maxConnectionsPerAddress: Number(config.maxConnectionsPerAddress),
      maxRoomMembers: Number(config.maxRoomMembers),
      maxRooms: Number(config.maxRooms),
      framesPerSecond: Number(config.framesPerSecond),
      frameBurst: Number(config.frameBurst),
      passwordFailuresPerMinute: Number(config.passwordFailuresPerMinute),
    })
    hub.start()
  }
  return hub
}
