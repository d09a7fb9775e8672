// `npm run bench:threads` (and the end of a full `npm run bench`): what a
// page of history costs once a room has threads (issue 23), over a real
// socket to the built server, p50 and p99 by kind of page. The room is at
// its history cap and nine messages in ten are thread replies, so the main
// timeline's page must pass over them: SQLite reads one range of its
// messages_by_thread index, memory and Redis scan their capped history. The
// worst case for a scan is a thread whose few replies are the oldest held.
// SQLite holds THREADS_MESSAGES (100,000); memory and Redis 10,000, a
// generous NUXT_HISTORY_LIMIT for them. A timing on a shared machine:
// printed, not asserted. THREADS_PAGES changes the pages per kind (100).
import { performance } from 'node:perf_hooks'
import { FrameClient } from './frame-client.js'
import { percentile } from './measure.js'
import { startStoreServer } from './store-server.js'
import type { BenchStore } from './store-server.js'

const SQLITE_MESSAGES = Number(process.env.THREADS_MESSAGES ?? 100_000)
const SCAN_STORE_MESSAGES = 10_000
const PAGES = Number(process.env.THREADS_PAGES ?? 100)
// Under a socket's answer budget (128 KiB a second, each page reserving 256 KiB first): a new socket after that many.
const PAGES_PER_SOCKET = 10

interface Roots { sparse: string, busy: string }

/**
 * The room: a root with two replies, the oldest held (the sparse thread),
 * then a main message every tenth, the others replies to the first of
 * those (the busy thread).
 */
async function fill(wsUrl: string, roomId: string, count: number): Promise<{ token: string, roots: Roots }> {
  const writer = await FrameClient.open(wsUrl)
  writer.send({ type: 'join', roomId, name: 'Writer', create: true })
  const joined = await writer.next('joined')
  const post = async (i: number, threadId?: string) => {
    writer.send({ type: 'chat', text: `message ${i} of the plan`, clientId: `w${i}`, ...(threadId ? { threadId } : {}) })
    return (await writer.next('chat')).id as string
  }
  const sparse = await post(1)
  await post(2, sparse)
  await post(3, sparse)
  const busy = await post(4)
  const window = 500
  for (let start = 5; start <= count; start += window) {
    const end = Math.min(count, start + window - 1)
    for (let i = start; i <= end; i++) writer.send({ type: 'chat', text: `message ${i} of the plan`, clientId: `w${i}`, ...(i % 10 === 0 ? {} : { threadId: busy }) })
    for (let i = start; i <= end; i++) await writer.next('chat')
  }
  writer.ws.close()
  return { token: joined.token as string, roots: { sparse, busy } }
}

async function measure(wsUrl: string, roomId: string, token: string, roots: Roots): Promise<string[]> {
  const kinds: Array<[string, object]> = [
    ['main, newest', { before: Number.MAX_SAFE_INTEGER }],
    ['busy thread', { before: Number.MAX_SAFE_INTEGER, threadId: roots.busy }],
    ['sparse thread', { before: Number.MAX_SAFE_INTEGER, threadId: roots.sparse }],
  ]
  const rows: string[] = []
  for (const [kind, request] of kinds) {
    const times: number[] = []
    let messages = 0
    let client: FrameClient | undefined
    for (let n = 0; n < PAGES; n++) {
      if (n % PAGES_PER_SOCKET === 0) {
        client?.ws.close()
        client = await FrameClient.open(wsUrl)
        client.send({ type: 'join', roomId, name: 'Writer', token })
        await client.next('joined')
      }
      const started = performance.now()
      client!.send({ type: 'history', limit: 50, ...request })
      const page = await client!.next('history', true)
      // Past the address's answer budget: wait as told, and take the sample again.
      if (page.type === 'error') {
        await new Promise(done => setTimeout(done, Number(page.retryAfterMs)))
        n--
        continue
      }
      times.push(performance.now() - started)
      messages += (page.messages as unknown[]).length
    }
    client?.ws.close()
    times.sort((a, b) => a - b)
    rows.push(`${kind.padEnd(14)} p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(times, 99).toFixed(2).padStart(7)} ms   (${(messages / PAGES).toFixed(0)} messages a page)`)
  }
  return rows
}

async function run(store: BenchStore, messages: number): Promise<string[]> {
  const { wsUrl, stop } = await startStoreServer(store, messages)
  try {
    const filled = performance.now()
    const { token, roots } = await fill(wsUrl, 'threadbench', messages)
    console.log(`[threads] ${store}: ${messages} messages in one room (nine in ten thread replies), written in ${((performance.now() - filled) / 1000).toFixed(1)} s`)
    return (await measure(wsUrl, 'threadbench', token, roots)).map(row => `${store.padEnd(7)} ${String(messages).padStart(6)}  ${row}`)
  }
  finally {
    await stop()
  }
}

async function main(): Promise<void> {
  const rows = [
    ...await run('sqlite', SQLITE_MESSAGES),
    ...await run('memory', SCAN_STORE_MESSAGES),
    ...await run('redis', SCAN_STORE_MESSAGES),
  ]
  console.log(`\nHistory pages of 50 over a socket with threads, ${PAGES} of each kind\n`)
  for (const row of rows) console.log(row)
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[threads] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
