import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { counts } from './counts'
import type { Timings } from './counts'

/** What the hub holds right now, read on each scrape (RoomHub.stats()). */
export interface LiveCounts {
  connections: number
  roomsWithSockets: number
  membersOnline: number
  lobbyWatchers: number
}

export interface MetricsSources {
  live: () => LiveCounts
  /** Set in Redis mode, where several instances report: the `instance` label on every series. */
  instance?: string
}

const PER_HANDLE_METRICS = ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total']

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * The process's metrics, in a registry of its own (nothing else in the
 * bundle can add to it). Gauges and counters are read from the hub and from
 * `counts` when Prometheus scrapes; only the histograms are written as
 * things happen, through the `Timings` returned.
 */
export function createMetrics(sources: MetricsSources): { registry: Registry, timings: Timings } {
  const registry = new Registry()
  if (sources.instance) registry.setDefaultLabels({ instance: sources.instance })
  // The event-loop lag is sampled by a timer: at prom-client's default of
  // 10 ms it wakes an idle server 100 times a second, a few per cent of its
  // CPU at a thousand pings a second (bench/metrics.ts). Lag worth alerting
  // on is tens of milliseconds, which 50 ms sampling still sees.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 50 })
  // These walk every handle of the process on each scrape (a socket is one):
  // a millisecond and more at 2000 connections, most of a scrape's cost
  // (bench/metrics.ts). heartbeat_connections and process_open_fds say the same cheaply.
  for (const name of PER_HANDLE_METRICS) registry.removeSingleMetric(name)
  const registers = [registry]

  const gauge = (name: string, help: string, read: (live: LiveCounts) => number) => new Gauge({
    name, help, registers,
    collect() {
      this.set(read(sources.live()))
    },
  })
  new Gauge({
    name: 'heartbeat_connections', help: 'Open client connections, by transport.', labelNames: ['transport'], registers,
    collect() {
      this.set({ transport: 'websocket' }, sources.live().connections)
    },
  })
  gauge('heartbeat_rooms', 'Rooms with at least one connection on this instance.', live => live.roomsWithSockets)
  gauge('heartbeat_members_online', 'Members with at least one connection on this instance.', live => live.membersOnline)
  gauge('heartbeat_lobby_watchers', 'Connections watching the lobby on this instance.', live => live.lobbyWatchers)

  const counter = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers,
    collect() {
      this.reset()
      this.inc(read())
    },
  })
  counter('heartbeat_pings_total', 'Pings answered.', () => counts.pings)
  counter('heartbeat_joins_total', 'Joins accepted.', () => counts.joins)
  counter('heartbeat_messages_total', 'Chat messages accepted.', () => counts.messages)
  counter('heartbeat_uploads_total', 'Files uploaded.', () => counts.uploads)
  counter('heartbeat_upload_bytes_total', 'Bytes of files uploaded.', () => counts.uploadBytes)
  new Counter({
    name: 'heartbeat_frames_refused_total', help: 'Frames answered with an error, by error code.', labelNames: ['code'], registers,
    collect() {
      this.reset()
      for (const [code, total] of counts.framesRefused) this.inc({ code }, total)
    },
  })
  new Counter({
    name: 'heartbeat_sockets_closed_total', help: 'Sockets closed, by close code (the server\'s own, or the client\'s).', labelNames: ['code'], registers,
    collect() {
      this.reset()
      for (const [code, total] of counts.socketsClosed) this.inc({ code: String(code) }, total)
    },
  })
  new Counter({
    name: 'heartbeat_resumes_total', help: 'Joins that asked to resume from a sequence number, by whether the gap was recovered.', labelNames: ['recovered'], registers,
    collect() {
      this.reset()
      this.inc({ recovered: 'true' }, counts.resumesRecovered)
      this.inc({ recovered: 'false' }, counts.resumesNotRecovered)
    },
  })

  const fanout = new Histogram({ name: 'heartbeat_fanout_seconds', help: 'One broadcast, from receipt to the last socket write.', buckets: LATENCY_BUCKETS, registers })
  const ack = new Histogram({ name: 'heartbeat_ack_seconds', help: 'A chat frame, from receipt to its acknowledgement, the store commit included.', buckets: LATENCY_BUCKETS, registers })
  const store = new Histogram({ name: 'heartbeat_store_seconds', help: 'Room store operations, by operation.', labelNames: ['op'], buckets: LATENCY_BUCKETS, registers })
  // A labelled observe hashes its labels each time: a store operation
  // (a ping's touch among them) finds its child once instead.
  const storeOps = new Map<string, { observe: (seconds: number) => void }>()
  return {
    registry,
    timings: {
      fanout: seconds => fanout.observe(seconds),
      ack: seconds => ack.observe(seconds),
      store: (op, seconds) => {
        let child = storeOps.get(op)
        if (!child) storeOps.set(op, child = store.labels({ op }))
        child.observe(seconds)
      },
    },
  }
}
