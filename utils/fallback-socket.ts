/** Frames one POST carries at most (the server's FRAMES_PER_POST). */
const FRAMES_PER_POST = 32
/** Frames waiting to be posted; the link's frame budget keeps far below it, so past it a frame is dropped (the outbox sends chat again). */
const MAX_QUEUED_FRAMES = 256
/** A dropped stream is asked for again after this long, until the resume window closes. */
const RESUME_DELAY_MS = 1000
/** The close code the link sees when the session is gone: any code that is not a refusal reconnects with backoff. */
const ABNORMAL_CLOSURE = 1006

/** What a session's first event says. */
interface SessionEvent { session: string, resumeWindowMs: number }

/** The part of EventSource the fallback uses, replaceable in tests. */
export type EventSourceLike = Pick<EventSource, 'close' | 'addEventListener' | 'readyState'> & { onerror: ((event: Event) => void) | null }

export interface FallbackSocketDeps {
  EventSource: new (url: string) => EventSourceLike
  fetch: typeof fetch
}

/**
 * The fallback transport with a WebSocket's face (readyState, send, close,
 * onopen, onmessage, onclose), so that useHeartbeatLink and everything above
 * it do not know which one carries the room: frames come down a Server-Sent
 * Events stream (GET /ws/stream) and go up as batched POSTs (/ws/send) to the
 * session the stream named (docs/protocol.md, "Fallback transport"). A stream
 * that drops is resumed from its last event id, unseen by the link; a session
 * that cannot be resumed closes like a dropped socket, and the link joins
 * again with lastSeq.
 */
export class FallbackSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  /** Set by the page's transport choice; tests give their own. */
  static deps: FallbackSocketDeps | undefined

  readyState = FallbackSocket.CONNECTING
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  private readonly base: string
  private readonly deps: FallbackSocketDeps
  private source: EventSourceLike | undefined
  private session: SessionEvent | undefined
  private lastEventId: string | undefined
  private droppedAt: number | undefined
  private queue: string[] = []
  private posting = false
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private resumeTimer: ReturnType<typeof setTimeout> | undefined

  /** `url` is the socket's (ws(s)://host/ws): the fallback's routes sit beside it. */
  constructor(url: string) {
    const http = new URL(url)
    http.protocol = http.protocol === 'wss:' ? 'https:' : 'http:'
    this.base = http.href.replace(/\/$/, '')
    const deps = FallbackSocket.deps ?? (typeof window === 'undefined' ? undefined : { EventSource: window.EventSource, fetch: window.fetch.bind(window) })
    if (!deps) throw new Error('the fallback transport needs a browser')
    this.deps = deps
    this.listen(`${this.base}/stream`)
  }

  send(data: string): void {
    if (this.readyState !== FallbackSocket.OPEN) throw new Error('send() on a fallback that is not open')
    if (this.queue.length >= MAX_QUEUED_FRAMES) return
    this.queue.push(data)
    // Frames sent in the same task go in one POST.
    if (!this.posting) queueMicrotask(() => void this.post())
  }

  close(): void {
    if (this.readyState === FallbackSocket.CLOSED) return
    const session = this.session
    this.finish(1000)
    // The server ends the session at once, as it would for a socket's close frame.
    if (session) void this.deps.fetch(this.sendUrl(session.session, true), { method: 'POST', body: '[]', keepalive: true, headers: { 'content-type': 'application/json' } }).catch(() => {})
  }

  private listen(url: string): void {
    const source = new this.deps.EventSource(url)
    this.source = source
    source.addEventListener('open', () => {
      if (source === this.source) this.droppedAt = undefined
    })
    source.addEventListener('session', (event) => {
      if (source !== this.source) return
      this.session = JSON.parse((event as MessageEvent<string>).data) as SessionEvent
      this.readyState = FallbackSocket.OPEN
      this.onopen?.({})
    })
    source.addEventListener('message', (event) => {
      if (source !== this.source) return
      const message = event as MessageEvent<string>
      this.lastEventId = message.lastEventId
      this.droppedAt = undefined
      this.onmessage?.({ data: message.data })
    })
    source.addEventListener('close', (event) => {
      if (source !== this.source) return
      this.finish((JSON.parse((event as MessageEvent<string>).data) as { code: number }).code)
    })
    source.addEventListener('gone', () => {
      if (source === this.source) this.finish(ABNORMAL_CLOSURE)
    })
    // EventSource would reconnect by itself to the same URL, without the
    // session: the stream is resumed here instead, by session and last id.
    source.onerror = () => {
      if (source !== this.source) return
      source.close()
      // No session yet: the fallback did not work either; the link backs off.
      if (!this.session) return this.finish(ABNORMAL_CLOSURE)
      this.droppedAt ??= Date.now()
      this.resumeTimer = setTimeout(() => this.resume(), RESUME_DELAY_MS)
    }
  }

  private resume(): void {
    const session = this.session
    if (this.readyState === FallbackSocket.CLOSED) return
    // Half the server's window: a resume that cannot make it in time would only be told `gone`.
    if (!session || this.lastEventId === undefined || Date.now() - this.droppedAt! > session.resumeWindowMs / 2) return this.finish(ABNORMAL_CLOSURE)
    const url = new URL(`${this.base}/stream`)
    url.searchParams.set('session', session.session)
    url.searchParams.set('lastEventId', this.lastEventId)
    this.listen(url.href)
  }

  private sendUrl(session: string, close = false): string {
    const url = new URL(`${this.base}/send`)
    url.searchParams.set('session', session)
    if (this.lastEventId !== undefined) url.searchParams.set('ack', this.lastEventId)
    if (close) url.searchParams.set('close', '1')
    return url.href
  }

  // One POST at a time, so the server takes the frames in the order they were sent.
  private async post(): Promise<void> {
    if (this.posting || !this.session || this.queue.length === 0) return
    this.posting = true
    const batch = this.queue.splice(0, FRAMES_PER_POST)
    try {
      const response = await this.deps.fetch(this.sendUrl(this.session.session), { method: 'POST', body: JSON.stringify(batch), headers: { 'content-type': 'application/json' } })
      if (this.readyState !== FallbackSocket.OPEN) return
      if (response.status === 429) {
        // The HTTP bucket: the same frames go again once it has a token.
        this.queue.unshift(...batch)
        const retryAfterS = Number(response.headers.get('retry-after')) || 1
        this.retryTimer = setTimeout(() => void this.post(), retryAfterS * 1000)
        return
      }
      // Gone (ended, or another instance), another address, or a proxy that
      // could not reach the server (502, 504): the frames were not taken, and
      // nobody will answer them. As a dropped socket: the link joins again
      // with lastSeq and the outbox sends what was not acknowledged.
      if (!response.ok) return this.finish(ABNORMAL_CLOSURE)
    }
    catch {
      // The network failed: as a dropped socket.
      return this.finish(ABNORMAL_CLOSURE)
    }
    finally {
      this.posting = false
    }
    if (this.queue.length > 0) void this.post()
  }

  private finish(code: number): void {
    if (this.readyState === FallbackSocket.CLOSED) return
    this.readyState = FallbackSocket.CLOSED
    this.source?.close()
    this.source = undefined
    clearTimeout(this.retryTimer)
    clearTimeout(this.resumeTimer)
    this.queue = []
    this.onclose?.({ code })
  }
}
