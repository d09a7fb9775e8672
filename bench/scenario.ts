import { setTimeout as sleep } from 'node:timers/promises'
import { chatHistoryLimit, measureChatThroughput } from './chat-throughput.js'
import { CHAT_KINDS } from './config.js'
import type { BenchConfig, ServerKind } from './config.js'
import { deploy } from './deployments.js'
import type { Deployment } from './deployments.js'
import { ClientPool } from './load.js'
import { LOBBY_KINDS, measureLobby } from './lobby.js'
import type { JoinSpec, OpenResult } from './load.js'
import { latencyStats, redisCommands, round, rssBytes, sampleCpu, totalRssBytes } from './measure.js'
import type { HeartbeatLoad, ServerResult } from './result-types.js'
import { takeHeapSnapshot } from './servers.js'
import { measureFanout, measurePresence } from './trials.js'

export const BIG_ROOM = 'big'

/** The big room first, then rooms of `roomSize`, named so a step's clients are the spec's prefix. */
export function connectionSpecs(total: number, bigRoom: number, roomSize: number): JoinSpec[] {
  return Array.from({ length: total }, (_, i) => i < bigRoom
    ? { roomId: BIG_ROOM, name: `u${i}` }
    : { roomId: `r${Math.floor((i - bigRoom) / roomSize)}`, name: `u${i}` })
}

export class Deadline {
  constructor(private readonly at: number) {}
  check(where: string): void {
    if (Date.now() > this.at) throw new Error(`the run passed its --max-minutes while ${where}`)
  }
}

/** Opens a few sockets and chats, so the first measurement does not pay for loading and compiling code. */
async function warmUp(deployment: Deployment): Promise<void> {
  const pool = new ClientPool(deployment.wsUrls)
  try {
    await pool.open(connectionSpecs(20, 20, 20).map(spec => ({ ...spec, roomId: 'warm-up' })), 20)
    await measureFanout(pool, pool.inRoom('warm-up'), 5, 'warm')
    await measurePresence(pool, deployment.wsUrls, 'warm-up', pool.inRoom('warm-up'), 2, 120, 'warm-nc')
  }
  finally {
    pool.closeAll()
  }
}

async function heartbeatLoad(pool: ClientPool, deployment: Deployment, intervalMs: number, windowMs: number): Promise<HeartbeatLoad> {
  const [pings0, pongs0] = [pool.pingsSent, pool.pongs]
  pool.rttSamples = []
  pool.collectRtt = true
  const commands0 = await redisCommands(deployment)
  const cpu = await sampleCpu(deployment.servers, deployment.sidecars, windowMs)
  const commands = await redisCommands(deployment)
  pool.collectRtt = false
  const seconds = cpu.windowMs / 1000
  return {
    intervalMs,
    connections: pool.clients.filter(client => client.joined).length,
    cpu,
    pingsPerSec: round((pool.pingsSent - pings0) / seconds, 1),
    pongsPerSec: round((pool.pongs - pongs0) / seconds, 1),
    pongRtt: latencyStats(pool.rttSamples, pool.rttSamples.length, 1),
    ...(commands0 === undefined || commands === undefined ? {} : { redisCommandsPerSec: round((commands - commands0) / seconds, 1) }),
  }
}

function mergeErrors(into: Record<string, number>, result: OpenResult): void {
  for (const [code, count] of Object.entries(result.errors)) into[code] = (into[code] ?? 0) + count
}

/** Connection scaling: ramp to each step, then read memory, CPU and the big room's latencies. */
async function connectionPhase(config: BenchConfig, kind: ServerKind, deadline: Deadline, result: ServerResult): Promise<void> {
  const deployment = await deploy(kind, config)
  const pool = new ClientPool(deployment.wsUrls)
  try {
    await warmUp(deployment)
    await sleep(config.settleMs)
    result.instances = deployment.servers.length
    result.rssBeforeBytes = totalRssBytes(deployment.servers)
    for (const sidecar of deployment.sidecars) result.sidecarRssBeforeBytes[sidecar.name] = rssBytes(sidecar.pid)
    pool.setPingInterval(config.intervalMs)
    const specs = connectionSpecs(config.steps.at(-1)!, config.bigRoom, config.roomSize)
    let opened = 0
    let openMs = 0
    for (const step of config.steps) {
      deadline.check(`ramping ${kind} to ${step}`)
      const batch = await pool.open(specs.slice(opened, step), config.concurrency)
      opened = step
      openMs += batch.elapsedMs
      result.expectedJoins += step - (result.steps.at(-1)?.connections ?? 0)
      mergeErrors(result.joinErrors, batch)
      await sleep(config.settleMs)
      const load = await heartbeatLoad(pool, deployment, config.intervalMs, config.cpuWindowMs)
      const rss = load.cpu.rss.medianBytes
      const bigRoom = pool.inRoom(BIG_ROOM)
      const fanout = await measureFanout(pool, bigRoom, config.trials, `f${step}`)
      const presence = await measurePresence(pool, deployment.wsUrls, BIG_ROOM, bigRoom, config.trials, config.presenceGapMs, `n${step}`)
      result.steps.push({
        ...load,
        connections: step,
        joinsPerSec: round(batch.joinsPerSec, 1),
        rssBytes: rss,
        rssPerConnectionBytes: Math.round((rss - result.rssBeforeBytes) / Math.max(1, load.connections)),
        fanout,
        presence,
      })
      console.log(`[bench] ${kind}: ${load.connections} connections, ${Math.round(batch.joinsPerSec)} joins/s, CPU ${load.cpu.serverPercent}%, fan-out p99 ${fanout.p99} ms, presence p99 ${presence.p99} ms`)
    }
    result.joined = pool.clients.filter(client => client.joined).length
    result.joinsPerSec = round((result.joined / openMs) * 1000, 1)
    deadline.check(`measuring ${kind} at the default interval`)
    pool.setPingInterval(config.defaultIntervalMs)
    await sleep(config.settleMs)
    result.atDefaultInterval = await heartbeatLoad(pool, deployment, config.defaultIntervalMs, Math.max(config.cpuWindowMs, 2 * config.defaultIntervalMs))
    if (config.heapSnapshot) {
      for (const server of deployment.servers) console.log(`[bench] ${server.name}: heap snapshot at ${result.joined} connections: ${await takeHeapSnapshot(server)}`)
    }
    result.unexpectedCloses += pool.unexpectedCloses
  }
  finally {
    pool.closeAll()
    await deployment.stop()
  }
}

/** Room-size scaling on a fresh deployment: a room of each size, filled then measured. */
async function roomSizePhase(config: BenchConfig, kind: ServerKind, deadline: Deadline, result: ServerResult): Promise<void> {
  const deployment = await deploy(kind, config)
  const pool = new ClientPool(deployment.wsUrls)
  try {
    await warmUp(deployment)
    pool.setPingInterval(config.intervalMs)
    for (const size of config.roomSizes) {
      deadline.check(`filling a ${kind} room of ${size}`)
      const roomId = `size-${size}`
      const batch = await pool.open(Array.from({ length: size }, (_, i) => ({ roomId, name: `m${i}` })), config.concurrency)
      result.expectedJoins += size
      result.joined += batch.joined
      mergeErrors(result.joinErrors, batch)
      await sleep(config.settleMs)
      const members = pool.inRoom(roomId)
      const fanout = await measureFanout(pool, members, config.trials, `s${size}`)
      const presence = await measurePresence(pool, deployment.wsUrls, roomId, members, config.trials, config.presenceGapMs, `z${size}`)
      result.roomSizes.push({ roomSize: size, joinsPerSec: round(batch.joinsPerSec, 1), fanout, presence })
      console.log(`[bench] ${kind}: room of ${size}, fan-out p99 ${fanout.p99} ms, presence p99 ${presence.p99} ms`)
    }
    result.unexpectedCloses += pool.unexpectedCloses
  }
  finally {
    pool.closeAll()
    await deployment.stop()
  }
}

/** Chat throughput on a fresh deployment, whose rooms keep every message the phase sends. */
async function chatPhase(config: BenchConfig, kind: ServerKind, deadline: Deadline, result: ServerResult): Promise<void> {
  deadline.check(`starting ${kind}'s chat throughput`)
  const deployment = await deploy(kind, config, { NUXT_HISTORY_LIMIT: String(chatHistoryLimit(config)) })
  try {
    await warmUp(deployment)
    const chat = await measureChatThroughput(deployment, config)
    result.chat = chat
    const file = chat.database ? `, rooms.db ${(chat.database.bytes / 2 ** 20).toFixed(1)} MiB for ${chat.database.messagesHeld} messages` : ''
    console.log(`[bench] ${kind}: chat ${chat.acked}/${chat.sent} acked, ${chat.ackedPerSec}/s, ack p99 ${chat.ackLatency.p99} ms, CPU ${chat.cpu.serverPercent}%${file}`)
  }
  finally {
    await deployment.stop()
  }
}

/** Everything measured against one kind of server; each phase starts its own deployment. */
export async function benchServer(config: BenchConfig, kind: ServerKind, deadline: Deadline): Promise<ServerResult> {
  const started = performance.now()
  const cpu0 = process.cpuUsage()
  const result: ServerResult = {
    kind,
    instances: 0,
    rssBeforeBytes: 0,
    sidecarRssBeforeBytes: {},
    joinsPerSec: 0,
    steps: [],
    roomSizes: [],
    expectedJoins: 0,
    joined: 0,
    joinErrors: {},
    unexpectedCloses: 0,
    generatorCpuSec: 0,
    durationSec: 0,
  }
  await connectionPhase(config, kind, deadline, result)
  await roomSizePhase(config, kind, deadline, result)
  if (CHAT_KINDS.includes(kind)) await chatPhase(config, kind, deadline, result)
  if (LOBBY_KINDS.includes(kind)) {
    deadline.check(`starting ${kind}'s lobby case`)
    result.lobby = await measureLobby(config, kind)
  }
  const cpu = process.cpuUsage(cpu0)
  result.generatorCpuSec = round((cpu.user + cpu.system) / 1e6, 1)
  result.durationSec = round((performance.now() - started) / 1000, 1)
  return result
}
