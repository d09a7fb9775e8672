// `npm run bench:cluster` (and the end of a full `npm run bench`): what
// NUXT_REDIS_WAIT_REPLICAS costs. A real three-shard Redis Cluster (three
// masters, three replicas) from Debian's redis-server; the built server on it
// with WAIT off, then with WAIT 1; members in rooms on every shard each send
// chat one message at a time, and the time from send to the server's
// acknowledgement (the sender's own chat frame) is the latency printed, p50
// and p99, with the ratio. CLUSTER_BENCH_MESSAGES sets the count per setting.
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { startRedisCluster } from '../tests/support/redis-cluster.js'
import { spawnServer } from './servers.js'

const SERVER_ENTRY = resolve(process.env.BENCH_SERVER_ENTRY ?? '.output/server/index.mjs')
const MESSAGES = Number(process.env.CLUSTER_BENCH_MESSAGES ?? 2000)
/** Senders (one room each, spread over the shards by their ids), each with one message in flight. */
const SENDERS = 6

interface Sender {
  send: (text: string, clientId: string) => Promise<number>
  close: () => void
}

async function sender(wsUrl: string, roomId: string): Promise<Sender> {
  const ws = new WebSocket(wsUrl)
  await new Promise((done, fail) => ws.once('open', done).once('error', fail))
  const waiting = new Map<string, () => void>()
  let joined: () => void
  const isJoined = new Promise<void>(done => (joined = done))
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string, clientId?: string, code?: string }
    if (frame.type === 'joined') joined()
    if (frame.type === 'chat' && frame.clientId) waiting.get(frame.clientId)?.()
    if (frame.type === 'error') throw new Error(`the server refused a chat: ${frame.code}`)
  })
  ws.send(JSON.stringify({ type: 'join', roomId, name: 'bench', create: true }))
  await isJoined
  return {
    send: (text, clientId) => new Promise((done) => {
      const sent = performance.now()
      waiting.set(clientId, () => {
        waiting.delete(clientId)
        done(performance.now() - sent)
      })
      ws.send(JSON.stringify({ type: 'chat', text, clientId }))
    }),
    close: () => ws.terminate(),
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

async function measure(clusterUrl: string, waitReplicas: number, run: number): Promise<{ p50: number, p99: number, perSecond: number }> {
  const { server, match } = await spawnServer(`app (WAIT ${waitReplicas})`, process.execPath, [SERVER_ENTRY], {
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    NUXT_REDIS_URL: clusterUrl,
    NUXT_REDIS_CLUSTER: 'true',
    NUXT_REDIS_WAIT_REPLICAS: String(waitReplicas),
    NUXT_FRAMES_PER_SECOND: '100000',
    NUXT_FRAME_BURST: '100000',
    NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '100000',
  }, /Listening on https?:\/\/[^\s]*:(\d+)/, 2000)
  const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => sender(`ws://127.0.0.1:${match[1]}/ws`, `run${run}-room-${i}`)))
  const latencies: number[] = []
  const startedAt = performance.now()
  await Promise.all(senders.map(async (one, i) => {
    for (let n = 0; n < MESSAGES / SENDERS; n++) latencies.push(await one.send(`message ${n}`, `c-${i}-${n}`))
  }))
  const seconds = (performance.now() - startedAt) / 1000
  for (const one of senders) one.close()
  await server.stop()
  latencies.sort((a, b) => a - b)
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: latencies.length / seconds }
}

async function main() {
  const cluster = await startRedisCluster()
  try {
    // Off, on, off, on: a drift of the shared machine shows as a difference between the two runs of one setting.
    const runs: Array<{ wait: number, p50: number, p99: number, perSecond: number }> = []
    for (const [run, wait] of [0, 1, 0, 1].entries()) runs.push({ wait, ...await measure(cluster.url, wait, run) })
    console.log(`\n[bench:cluster] chat acknowledgement latency on a 3-shard Redis Cluster, ${SENDERS} senders, one message in flight each, ${MESSAGES} messages per run`)
    console.log('| NUXT_REDIS_WAIT_REPLICAS | p50 ms | p99 ms | acknowledged/s |')
    console.log('|---|---|---|---|')
    for (const run of runs) console.log(`| ${run.wait} | ${run.p50.toFixed(2)} | ${run.p99.toFixed(2)} | ${run.perSecond.toFixed(0)} |`)
    const mean = (wait: number, key: 'p50' | 'p99') => runs.filter(run => run.wait === wait).reduce((sum, run) => sum + run[key], 0) / 2
    console.log(`WAIT 1 against none: p50 ${(mean(1, 'p50') / mean(0, 'p50')).toFixed(2)}x, p99 ${(mean(1, 'p99') / mean(0, 'p99')).toFixed(2)}x (means of two runs each)`)
  }
  finally {
    await cluster.stop()
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[bench:cluster] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
