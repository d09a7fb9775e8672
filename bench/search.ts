// `npm run bench:search` (and the end of a full `npm run bench`): search
// latency (issue 23) over a real socket to the built server, p50 and p99 by
// kind of query. SQLite holds 100,000 messages in one room and answers from
// its trigram index; memory and Redis scan their history, measured at the
// scan's cap (LIMITS.searchScanMax, 10,000 messages). A timing on a shared
// machine: printed, not asserted. SEARCH_MESSAGES and SEARCH_QUERIES change
// the sizes (100000, 200).
import { performance } from 'node:perf_hooks'
import { FrameClient } from './frame-client.js'
import { percentile } from './measure.js'
import { startStoreServer } from './store-server.js'
import type { BenchStore } from './store-server.js'

const SQLITE_MESSAGES = Number(process.env.SEARCH_MESSAGES ?? 100_000)
// The scan stores read at most this many (LIMITS.searchScanMax): their cap.
const SCAN_CAP = 10_000
const QUERIES = Number(process.env.SEARCH_QUERIES ?? 200)
// A search socket's own bucket (LIMITS.searchBurst): a new socket, under the same token, after that many.
const SEARCHES_PER_SOCKET = 5
const TOPICS = ['budget', 'deploy', 'lunch', 'review', 'release', 'incident', 'design', 'hiring', 'roadmap', 'travel']
const CHINESE = ['今天开会讨论预算', '明天一起吃火锅吧', '版本发布推迟了', '请大家看一下设计稿']

function messageText(i: number): string {
  if (i % 7 === 0) return `${CHINESE[i % CHINESE.length]} #${i}`
  const rare = i % 1000 === 0 ? ` needle${i / 1000}` : ''
  return `message ${i} about the ${TOPICS[i % TOPICS.length]} plan, see notes${rare}`
}

// Kinds of query: one match in a thousand, one in ten, Chinese, two characters
// (below trigrams: SQLite scans its newest 10,000), and none at all.
const QUERY_KINDS: Array<[string, (n: number) => string]> = [
  ['rare word', n => `needle${1 + (n % 9)}`],
  ['common word', n => TOPICS[n % TOPICS.length]!],
  ['Chinese', n => ['开会讨论', '吃火锅', '发布推迟', '设计稿'][n % 4]!],
  ['2 characters', n => ['预算', '火锅', 'xq'][n % 3]!],
  ['no match', n => `zzqx${n}`],
]

async function fill(wsUrl: string, roomId: string, count: number): Promise<string> {
  const writer = await FrameClient.open(wsUrl)
  writer.send({ type: 'join', roomId, name: 'Writer', create: true })
  const joined = await writer.next('joined')
  const window = 500
  for (let start = 1; start <= count; start += window) {
    const end = Math.min(count, start + window - 1)
    for (let i = start; i <= end; i++) writer.send({ type: 'chat', text: messageText(i), clientId: `w${i}` })
    for (let i = start; i <= end; i++) await writer.next('chat')
  }
  writer.ws.close()
  return joined.token as string
}

async function measure(wsUrl: string, roomId: string, token: string): Promise<string[]> {
  const rows: string[] = []
  for (const [kind, queryOf] of QUERY_KINDS) {
    const times: number[] = []
    let matched = 0
    let client: FrameClient | undefined
    for (let n = 0; n < QUERIES; n++) {
      if (n % SEARCHES_PER_SOCKET === 0) {
        client?.ws.close()
        client = await FrameClient.open(wsUrl)
        client.send({ type: 'join', roomId, name: 'Writer', token })
        await client.next('joined')
      }
      const started = performance.now()
      client!.send({ type: 'search', q: queryOf(n), limit: 20 })
      const answer = await client!.next('searchResults')
      times.push(performance.now() - started)
      matched += (answer.results as unknown[]).length
    }
    client?.ws.close()
    times.sort((a, b) => a - b)
    rows.push(`${kind.padEnd(14)} p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(times, 99).toFixed(2).padStart(7)} ms   (${(matched / QUERIES).toFixed(1)} results each)`)
  }
  return rows
}

async function untilJoinable(wsUrl: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    const client = await FrameClient.open(wsUrl)
    client.send({ type: 'join', roomId: 'ready-probe', name: 'Probe', create: true })
    const answered = await Promise.race([client.next('joined').then(() => true, () => false), new Promise<boolean>(done => setTimeout(done, 1000, false))])
    client.ws.close()
    if (answered) return
    if (tries > 20) throw new Error('the server never let a join in')
    await new Promise(done => setTimeout(done, 250))
  }
}

async function run(store: BenchStore, messages: number): Promise<string[]> {
  const { wsUrl, stop } = await startStoreServer(store, messages)
  try {
    await untilJoinable(wsUrl)
    const filled = performance.now()
    const token = await fill(wsUrl, 'searchbench', messages)
    console.log(`[search] ${store}: ${messages} messages in one room, written in ${((performance.now() - filled) / 1000).toFixed(1)} s`)
    return (await measure(wsUrl, 'searchbench', token)).map(row => `${store.padEnd(7)} ${String(messages).padStart(6)}  ${row}`)
  }
  finally {
    await stop()
  }
}

async function main(): Promise<void> {
  const rows = [
    ...await run('sqlite', SQLITE_MESSAGES),
    ...await run('memory', SCAN_CAP),
    ...await run('redis', SCAN_CAP),
  ]
  console.log(`\nSearch latency over a socket, ${QUERIES} queries of each kind, 20 results at most\n`)
  for (const row of rows) console.log(row)
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[search] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
