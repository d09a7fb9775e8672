/**
 * What the room core, the transport and the file routes count, as plain
 * numbers: a ping or a frame costs one addition, and prom-client reads the
 * totals when Prometheus scrapes (server/metrics/registry.ts). Durations go
 * to a histogram only while metrics are on: `timings` is undefined otherwise.
 *
 * Imports nothing, so `server/rooms/` stays free of Nitro and of prom-client.
 */
export const counts = {
  pings: 0,
  joins: 0,
  messages: 0,
  uploads: 0,
  uploadBytes: 0,
  resumesRecovered: 0,
  resumesNotRecovered: 0,
  framesRefused: new Map<string, number>(),
  socketsClosed: new Map<number, number>(),
}

export interface Timings {
  fanout: (seconds: number) => void
  ack: (seconds: number) => void
  store: (op: string, seconds: number) => void
}

let timings: Timings | undefined

/** Called once by the metrics plugin when NUXT_METRICS_TOKEN is set. */
export function recordTimings(sink: Timings | undefined): void {
  timings = sink
}

export function countRefusedFrame(code: string): void {
  counts.framesRefused.set(code, (counts.framesRefused.get(code) ?? 0) + 1)
}

export function countClosedSocket(code: number): void {
  counts.socketsClosed.set(code, (counts.socketsClosed.get(code) ?? 0) + 1)
}

export function countUpload(bytes: number): void {
  counts.uploads++
  counts.uploadBytes += bytes
}

export function countResume(recovered: boolean): void {
  if (recovered) counts.resumesRecovered++
  else counts.resumesNotRecovered++
}

/** A start time for the `*Since` calls below; 0 while metrics are off, so nothing reads the clock. */
export function metricsClock(): number {
  return timings ? performance.now() : 0
}

export function fanoutSince(started: number): void {
  if (timings && started) timings.fanout((performance.now() - started) / 1000)
}

/** A chat frame's time from receipt to its acknowledgement, and one more accepted message. */
export function chatAcknowledged(received: number): void {
  counts.messages++
  if (timings && received) timings.ack((performance.now() - received) / 1000)
}

export function storeOpTook(op: string, seconds: number): void {
  timings?.store(op, seconds)
}
