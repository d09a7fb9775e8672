// What a run records for each kind of server: the shape of results JSON
// (bench/results/latest.json, docs/performance.json).
import type { ChatThroughput } from './chat-throughput.js'
import type { ServerKind } from './config.js'
import type { LobbyResult } from './lobby.js'
import type { CpuSample, LatencyStats } from './measure.js'

export interface HeartbeatLoad {
  intervalMs: number
  connections: number
  cpu: CpuSample
  pingsPerSec: number
  pongsPerSec: number
  /** Ping to pong, as the generator saw it. */
  pongRtt: LatencyStats
  /** Commands redis-server processed a second meanwhile (INFO stats), when the servers share one. */
  redisCommandsPerSec?: number
}

export interface StepResult extends HeartbeatLoad {
  joinsPerSec: number
  /** Median RSS over the CPU window, summed over the server processes. */
  rssBytes: number
  rssPerConnectionBytes: number
  fanout: LatencyStats
  presence: LatencyStats
}

export interface RoomSizeResult {
  roomSize: number
  joinsPerSec: number
  fanout: LatencyStats
  presence: LatencyStats
}

export interface ServerResult {
  kind: ServerKind
  /** Server processes the connections were spread over. */
  instances: number
  /** Summed over the server processes, after the warm-up. */
  rssBeforeBytes: number
  /** Each sidecar's (redis-server's) RSS after the warm-up, by name. */
  sidecarRssBeforeBytes: Record<string, number>
  /** All connections of the ramp over the time spent opening them. */
  joinsPerSec: number
  steps: StepResult[]
  /** The largest step again, at the app's default ping interval. */
  atDefaultInterval?: HeartbeatLoad
  roomSizes: RoomSizeResult[]
  /** The lobby case: watchers' cost against the same server without them (app and app-2x). */
  lobby?: LobbyResult
  /** Chat throughput (one app process only, each store). */
  chat?: ChatThroughput
  expectedJoins: number
  joined: number
  joinErrors: Record<string, number>
  unexpectedCloses: number
  generatorCpuSec: number
  durationSec: number
}
