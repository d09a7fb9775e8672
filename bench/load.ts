import WebSocket from 'ws'

export interface BenchClient {
  index: number
  roomId: string
  name: string
  ws: WebSocket
  joined: boolean
  pingSentAt: number
}

export interface JoinSpec { roomId: string, name: string, /** More fields of the join (a lobby room's visibility). */ extra?: Record<string, unknown> }

export interface OpenResult { joined: number, failed: number, elapsedMs: number, joinsPerSec: number, errors: Record<string, number> }

/** Frame handlers a measurement installs while it runs; `text` is the raw frame. */
export interface FrameTaps {
  chat?: (client: BenchClient, text: string, at: number) => void
  presence?: (client: BenchClient, text: string, at: number) => void
  /** Error frames after the join. */
  error?: (client: BenchClient, text: string) => void
}

const JOIN_TIMEOUT_MS = 60_000
const TICK_MS = 20
/** Clients bound to one source address before the next: well under its ephemeral ports, so many clients never run out. */
const CLIENTS_PER_ADDRESS = 20_000

/**
 * The server's type is read off the frame's head, `{"type":"pong"...`, so the
 * generator does not parse the thousands of pongs and presence frames nobody
 * measures: its own CPU is shared with the server on the same machine.
 */
export function frameType(text: string): string {
  if (text.startsWith('{"type":"')) return text.slice(9, text.indexOf('"', 9))
  try {
    return String((JSON.parse(text) as { type?: unknown }).type)
  }
  catch {
    return 'unparsable'
  }
}

/**
 * The load generator's clients: opened in batches of bounded concurrency, each
 * joining a room and then pinging at the interval. One ticker sends every
 * ping: the clients are spread over the interval's ticks, so the load is even
 * and there is one timer, whatever the number of clients. With several server
 * URLs (instances sharing rooms), client i connects to URL i mod n, so a room
 * of consecutive clients has members on every instance.
 */
export class ClientPool {
  readonly clients: BenchClient[] = []
  taps: FrameTaps = {}
  pingsSent = 0
  pongs = 0
  unexpectedCloses = 0
  /** Ping round trips, collected only while `collectRtt` is set. */
  rttSamples: number[] = []
  collectRtt = false
  private intervalMs = 0
  private buckets: BenchClient[][] = []
  private ticker: NodeJS.Timeout | undefined
  private tickStart = 0
  private ticksDone = 0
  private closing = false

  constructor(private readonly wsUrls: readonly string[]) {
    if (wsUrls.length === 0) throw new Error('a client pool needs a server URL')
  }

  /** Opens and joins every spec, at most `concurrency` at once; resolves when all joined or failed. */
  async open(specs: JoinSpec[], concurrency: number): Promise<OpenResult> {
    const errors: Record<string, number> = {}
    let next = 0
    let joined = 0
    const t0 = performance.now()
    const worker = async () => {
      while (next < specs.length) {
        const spec = specs[next++]!
        try {
          this.addToSchedule(await this.openOne(spec))
          joined += 1
        }
        catch (error) {
          const code = error instanceof Error ? error.message : String(error)
          errors[code] = (errors[code] ?? 0) + 1
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker))
    const elapsedMs = performance.now() - t0
    return { joined, failed: specs.length - joined, elapsedMs, joinsPerSec: specs.length ? (joined / elapsedMs) * 1000 : 0, errors }
  }

  inRoom(roomId: string): BenchClient[] {
    return this.clients.filter(client => client.roomId === roomId && client.joined)
  }

  /** (Re)starts the pings at `intervalMs`, every client at its own offset within it. */
  setPingInterval(intervalMs: number): void {
    this.intervalMs = intervalMs
    this.buckets = Array.from({ length: Math.max(1, Math.round(intervalMs / TICK_MS)) }, () => [])
    for (const client of this.clients) if (client.joined) this.addToSchedule(client)
    this.tickStart = performance.now()
    this.ticksDone = 0
    this.ticker ??= setInterval(() => this.tick(), TICK_MS)
  }

  closeAll(): void {
    this.closing = true
    clearInterval(this.ticker)
    this.ticker = undefined
    for (const client of this.clients) client.ws.terminate()
  }

  private addToSchedule(client: BenchClient): void {
    if (this.buckets.length > 0) this.buckets[client.index % this.buckets.length]!.push(client)
  }

  // Catches up on ticks the event loop delayed, so a busy generator still sends its share.
  private tick(): void {
    const due = Math.floor((performance.now() - this.tickStart) / TICK_MS)
    for (let sent = 0; this.ticksDone < due && sent < this.buckets.length; sent++) {
      const now = performance.now()
      for (const client of this.buckets[this.ticksDone++ % this.buckets.length]!) {
        if (client.ws.readyState !== WebSocket.OPEN) continue
        client.pingSentAt = now
        client.ws.send('{"type":"ping"}')
        this.pingsSent += 1
      }
    }
  }

  private openOne(spec: JoinSpec): Promise<BenchClient> {
    const index = this.clients.length
    // One source address has about 28,000 ports: past that, the next one of 127.0.0.0/8.
    const localAddress = `127.0.0.${1 + Math.floor(index / CLIENTS_PER_ADDRESS)}`
    const ws = new WebSocket(this.wsUrls[index % this.wsUrls.length]!, { perMessageDeflate: false, localAddress })
    const client: BenchClient = { index, roomId: spec.roomId, name: spec.name, ws, joined: false, pingSentAt: 0 }
    this.clients.push(client)
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer)
        if (!client.joined) ws.terminate()
        reject(new Error(reason))
      }
      const timer = setTimeout(() => fail('join timed out'), JOIN_TIMEOUT_MS)
      ws.on('open', () => ws.send(JSON.stringify({ type: 'join', roomId: spec.roomId, name: spec.name, create: true, ...spec.extra })))
      ws.on('error', (error: NodeJS.ErrnoException) => {
        if (!client.joined) fail(error.code ?? error.message)
      })
      ws.on('close', (code) => {
        if (!client.joined) fail(`closed ${code}`)
        else if (!this.closing) this.unexpectedCloses += 1
      })
      ws.on('message', (data: Buffer) => {
        const text = data.toString()
        const type = frameType(text)
        if (type === 'pong') return this.pong(client)
        if (type === 'presence') return this.taps.presence?.(client, text, performance.now())
        if (type === 'chat') return this.taps.chat?.(client, text, performance.now())
        if (type === 'joined' && !client.joined) {
          client.joined = true
          clearTimeout(timer)
          return resolve(client)
        }
        if (type === 'error' && !client.joined) fail((JSON.parse(text) as { code: string }).code)
        else if (type === 'error') this.taps.error?.(client, text)
      })
    })
  }

  private pong(client: BenchClient): void {
    this.pongs += 1
    if (this.collectRtt && client.pingSentAt > 0) this.rttSamples.push(performance.now() - client.pingSentAt)
  }
}

/** One socket outside the pool, for a newcomer: parses everything it is sent. */
export async function openNewcomer(wsUrl: string): Promise<{ ws: WebSocket, next: (type: string, timeoutMs: number) => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false })
  const frames: Record<string, unknown>[] = []
  let wake: (() => void) | undefined
  ws.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString()) as Record<string, unknown>)
    wake?.()
  })
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const next = async (type: string, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const index = frames.findIndex(frame => frame.type === type || frame.type === 'error')
      if (index >= 0) {
        const [frame] = frames.splice(index, 1)
        if (frame!.type === 'error') throw new Error(`newcomer got ${JSON.stringify(frame)}`)
        return frame!
      }
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`newcomer got no ${type} within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }
  return { ws, next }
}
