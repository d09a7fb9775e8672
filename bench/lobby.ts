// The lobby case: public rooms whose counts change every second, watched by
// `lobbyWatchers` sockets that never join (as lobby pages are). The servers'
// CPU is read over the same window three times in one run: before the
// watchers come (the baseline), with them, and after they are gone.
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import type { BenchConfig, ServerKind } from './config.js'
import { deploy } from './deployments.js'
import type { Deployment } from './deployments.js'
import { ClientPool, frameType } from './load.js'
import { latencyStats, round, sampleCpu } from './measure.js'
import type { CpuSample, LatencyStats } from './measure.js'

export interface LobbyResult {
  watchers: number
  /** Public rooms, each with one resident member pinging at the app's interval. */
  rooms: number
  /** Rooms whose counts change every second (a visitor joins, then leaves). */
  churnRoomsPerSec: number
  before: CpuSample
  watched: CpuSample
  after: CpuSample
  /** With watchers less the mean of before and after, in % of one core. */
  watcherCostPercent: number
  /** Lobby frames each watcher got a second over the watched window (at most 1). */
  framesPerWatcherPerSec: number
  /** Bytes of lobby frames per watcher per second over the watched window. */
  bytesPerWatcherPerSec: number
  /** A visitor's join or leave, sent, to the first lobby frame naming its room at one watcher. */
  diffLatency: LatencyStats
  errors: Record<string, number>
}

/** The kinds the lobby case runs against: one app process (SQLite), and two instances on one Redis. */
export const LOBBY_KINDS: readonly ServerKind[] = ['app', 'app-2x']

const WATCHER_ENV = { NUXT_LOBBY_MAX_WATCHERS: '1000000', NUXT_LOBBY_WATCHERS_PER_ADDRESS: '1000000' }

interface Watchers { sockets: WebSocket[], frames: number, bytes: number, errors: Record<string, number> }

/** Opens the watchers, spread over the instances; each pings at the app's interval, all from one timer. */
async function openWatchers(deployment: Deployment, count: number, concurrency: number, onFirst: (text: string, at: number) => void): Promise<Watchers & { stop: () => void }> {
  const watchers: Watchers = { sockets: [], frames: 0, bytes: 0, errors: {} }
  let next = 0
  const openOne = (index: number) => new Promise<void>((resolve) => {
    const ws = new WebSocket(deployment.wsUrls[index % deployment.wsUrls.length]!, { perMessageDeflate: false })
    watchers.sockets.push(ws)
    const fail = (code: string) => {
      watchers.errors[code] = (watchers.errors[code] ?? 0) + 1
      resolve()
    }
    ws.on('error', error => fail(error.message))
    ws.on('open', () => ws.send('{"type":"watch","scope":"lobby"}'))
    let first = true
    ws.on('message', (data: Buffer) => {
      const text = data.toString()
      const type = frameType(text)
      if (type === 'error') return fail((JSON.parse(text) as { code: string }).code)
      if (type !== 'lobby') return
      if (first) {
        first = false
        return resolve()
      }
      watchers.frames += 1
      watchers.bytes += data.length
      if (index === 0) onFirst(text, performance.now())
    })
  })
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await openOne(next++)
  }))
  return Object.assign(watchers, {
    stop: () => {
      for (const ws of watchers.sockets) ws.terminate()
    },
  })
}

/** One visitor per churn room, joining and leaving in turn every second: the counts the lobby must follow. */
function startChurn(deployment: Deployment, roomIds: string[], sent: Map<string, number[]>): () => void {
  const visitors = roomIds.map((roomId, i) => {
    const ws = new WebSocket(deployment.wsUrls[i % deployment.wsUrls.length]!, { perMessageDeflate: false })
    ws.on('error', () => {})
    return { roomId, ws, inside: false }
  })
  let turn = 0
  const timer = setInterval(() => {
    const now = performance.now()
    for (const visitor of visitors) {
      if (visitor.ws.readyState !== WebSocket.OPEN) continue
      visitor.ws.send(visitor.inside ? '{"type":"leave"}' : JSON.stringify({ type: 'join', roomId: visitor.roomId, name: `visitor${turn}`, create: true }))
      visitor.inside = !visitor.inside
      sent.get(visitor.roomId)!.push(now)
    }
    turn += 1
  }, 1000)
  return () => {
    clearInterval(timer)
    for (const visitor of visitors) visitor.ws.terminate()
  }
}

export async function measureLobby(config: BenchConfig, kind: ServerKind): Promise<LobbyResult> {
  const deployment = await deploy(kind, config, WATCHER_ENV)
  const pool = new ClientPool(deployment.wsUrls)
  let stopChurn = () => {}
  let stopWatchers = () => {}
  try {
    const roomIds = Array.from({ length: config.lobbyRooms }, (_, i) => `lobby-${i}`)
    const opened = await pool.open(roomIds.map(roomId => ({ roomId, name: 'resident', extra: { visibility: 'public', title: `Room ${roomId}` } })), config.concurrency)
    pool.setPingInterval(config.defaultIntervalMs)
    const churnIds = roomIds.slice(0, config.lobbyChurnRooms)
    const sent = new Map(churnIds.map(id => [id, [] as number[]]))
    stopChurn = startChurn(deployment, churnIds, sent)
    await sleep(config.settleMs + 2000)
    const before = await sampleCpu(deployment.servers, deployment.sidecars, config.lobbyWindowMs)

    const arrivals: Array<{ at: number, ids: Set<string> }> = []
    const watchers = await openWatchers(deployment, config.lobbyWatchers, config.concurrency, (text, at) => {
      const frame = JSON.parse(text) as { changed?: Array<{ id: string }> }
      arrivals.push({ at, ids: new Set((frame.changed ?? []).map(room => room.id)) })
    })
    stopWatchers = watchers.stop
    const pingTimer = setInterval(() => {
      // A sixth of the watchers every second: each pings every 6 s, as the page does.
      const now = Math.floor(performance.now() / 1000)
      watchers.sockets.forEach((ws, i) => {
        if (i % 6 === now % 6 && ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}')
      })
    }, 1000)
    await sleep(config.settleMs + 2000)
    const [frames0, bytes0, arrivals0] = [watchers.frames, watchers.bytes, arrivals.length]
    const watchedFrom = performance.now()
    const watched = await sampleCpu(deployment.servers, deployment.sidecars, config.lobbyWindowMs)
    const seconds = watched.windowMs / 1000
    const open = watchers.sockets.filter(ws => ws.readyState === WebSocket.OPEN).length
    const framesPerWatcherPerSec = round((watchers.frames - frames0) / Math.max(1, open) / seconds, 2)
    const bytesPerWatcherPerSec = Math.round((watchers.bytes - bytes0) / Math.max(1, open) / seconds)
    const latencies: number[] = []
    let changes = 0
    const windowArrivals = arrivals.slice(arrivals0)
    for (const [roomId, times] of sent) {
      // Changes sent in the window, less its last part, whose frame may come after it.
      const cutoff = watchedFrom + watched.windowMs - Math.min(2000, watched.windowMs / 2)
      for (const at of times.filter(time => time >= watchedFrom && time <= cutoff)) {
        changes += 1
        const seen = windowArrivals.find(arrival => arrival.at > at && arrival.ids.has(roomId))
        if (seen) latencies.push(seen.at - at)
      }
    }
    clearInterval(pingTimer)
    stopWatchers()
    await sleep(config.settleMs + 2000)
    const after = await sampleCpu(deployment.servers, deployment.sidecars, config.lobbyWindowMs)
    const errors = { ...watchers.errors, ...opened.errors }
    const result: LobbyResult = {
      watchers: open,
      rooms: opened.joined,
      churnRoomsPerSec: churnIds.length,
      before,
      watched,
      after,
      watcherCostPercent: round(watched.serverPercent - (before.serverPercent + after.serverPercent) / 2, 1),
      framesPerWatcherPerSec,
      bytesPerWatcherPerSec,
      diffLatency: latencyStats(latencies, changes, 1),
      errors,
    }
    console.log(`[bench] ${kind} lobby: ${open} watchers, ${churnIds.length} rooms changing a second: server CPU ${before.serverPercent}% before, ${watched.serverPercent}% watched, ${after.serverPercent}% after (watchers cost ${result.watcherCostPercent}% of a core), ${framesPerWatcherPerSec} frames/watcher/s, diff p50 ${result.diffLatency.p50} ms, max ${result.diffLatency.max} ms`)
    return result
  }
  finally {
    stopChurn()
    stopWatchers()
    pool.closeAll()
    await deployment.stop()
  }
}
