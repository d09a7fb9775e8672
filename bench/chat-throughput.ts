import { statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchConfig } from './config.js'
import type { Deployment } from './deployments.js'
import type { BenchClient } from './load.js'
import { ClientPool } from './load.js'
import { latencyStats, round, sampleCpu } from './measure.js'
import type { CpuSample, LatencyStats } from './measure.js'

export interface ChatThroughput {
  targetPerSec: number
  rooms: number
  seconds: number
  sent: number
  /** Messages whose sender got its own copy back: with the SQLite store, only once it is committed. */
  acked: number
  /** Acknowledged messages over the time from the first send to the last ack. */
  ackedPerSec: number
  /** From the send to the sender's own copy. */
  ackLatency: LatencyStats
  /** Error frames by code. */
  errors: Record<string, number>
  /** The server while the messages went in. */
  cpu: CpuSample
  /** The database file after a clean stop, and the messages it holds (kind app). */
  database?: { bytes: number, messagesHeld: number, bytesPer100kMessages: number }
}

const TICK_MS = 10
const ACK_WAIT_MS = 10_000
const CLIENT_ID = /"clientId":"([^"]+)"/

/**
 * The history each room keeps in this phase: every message sent is still
 * held at the end, so the file's size is the size of that many messages.
 */
export function chatHistoryLimit(config: BenchConfig): number {
  return Math.ceil((config.chatRate * config.chatSeconds) / config.chatRooms) + 10
}

/**
 * Chat throughput: in each of `chatRooms` rooms a sender and a reader; the
 * senders together post `chatRate` messages a second for `chatSeconds`,
 * paced by one ticker, each message with a clientId; a message counts once
 * its sender gets its own copy back. Then the servers stop cleanly and the
 * database file is measured.
 */
export async function measureChatThroughput(deployment: Deployment, config: BenchConfig): Promise<ChatThroughput> {
  const pool = new ClientPool(deployment.wsUrls)
  try {
    const specs = Array.from({ length: config.chatRooms }, (_, i) => [{ roomId: `chat-${i}`, name: `sender${i}` }, { roomId: `chat-${i}`, name: `reader${i}` }]).flat()
    await pool.open(specs, config.concurrency)
    const senders = pool.clients.filter(client => client.name.startsWith('sender'))
    const sentAt = new Map<string, number>()
    const samples: number[] = []
    const errors: Record<string, number> = {}
    let lastAckAt = 0
    pool.taps.chat = (client, text, at) => {
      const clientId = CLIENT_ID.exec(text)?.[1]
      const sent = clientId === undefined ? undefined : sentAt.get(clientId)
      if (sent === undefined || !client.name.startsWith('sender')) return
      sentAt.delete(clientId!)
      samples.push(at - sent)
      lastAckAt = at
    }
    pool.taps.error = (_, text) => {
      const code = (JSON.parse(text) as { code: string }).code
      errors[code] = (errors[code] ?? 0) + 1
    }
    const total = Math.round(config.chatRate * config.chatSeconds)
    const firstAt = performance.now()
    const sending = send(senders, total, config.chatRate, firstAt, sentAt)
    const cpu = await sampleCpu(deployment.servers, deployment.sidecars, config.chatSeconds * 1000)
    await sending
    for (let waited = 0; sentAt.size > 0 && waited < ACK_WAIT_MS; waited += 50) await sleep(50)
    const result: ChatThroughput = {
      targetPerSec: config.chatRate,
      rooms: config.chatRooms,
      seconds: config.chatSeconds,
      sent: total,
      acked: samples.length,
      ackedPerSec: round(samples.length / ((lastAckAt - firstAt) / 1000), 0),
      ackLatency: latencyStats(samples, total, 1),
      errors,
      cpu,
    }
    pool.closeAll()
    if (deployment.dataDir) {
      // A clean stop checkpoints the log into the file: its size is what is kept.
      await Promise.all(deployment.servers.map(server => server.stop()))
      const bytes = statSync(join(deployment.dataDir, 'rooms.db')).size
      result.database = { bytes, messagesHeld: samples.length, bytesPer100kMessages: Math.round((bytes / Math.max(1, samples.length)) * 100_000) }
    }
    return result
  }
  finally {
    pool.closeAll()
  }
}

/** Round-robin over the senders at `rate` a second, caught up tick by tick. */
async function send(senders: BenchClient[], total: number, rate: number, startAt: number, sentAt: Map<string, number>): Promise<void> {
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startAt) / 1000) * rate))
    for (; sent < due; sent++) {
      const sender = senders[sent % senders.length]!
      const clientId = `t${sent}`
      sentAt.set(clientId, performance.now())
      sender.ws.send(`{"type":"chat","text":"throughput message ${sent}, about as long as a short chat line","clientId":"${clientId}"}`)
    }
    await sleep(TICK_MS)
  }
}
