import type { ServerResponse } from 'node:http'
import type { Connection } from '../rooms/session-index'
import type { SendBudget } from './send-budget'
import type { StreamReplay } from './stream-replay'

/** What a session tells its registry: it ended (closed, cut or reaped) and the hub must hear so. */
export interface StreamSessionEvents {
  ended: (session: StreamSession) => void
}

/** One SSE event: `event` names a control event of the fallback; a server frame has none. */
export function sseEvent(data: string, options: { id?: number, event?: string } = {}): string {
  return `${options.event ? `event: ${options.event}\n` : ''}${options.id === undefined ? '' : `id: ${options.id}\n`}data: ${data}\n\n`
}

/**
 * One fallback session as the hub sees it: a connection like a socket. Its
 * frames go down an SSE response as events whose id is the stream position;
 * its client's frames come up in POSTs (server/routes/ws/send.post.ts). The
 * response may drop and come back (a resume) without the hub noticing: the
 * frames sent meanwhile wait in the replay.
 */
export class StreamSession implements Connection {
  private response: ServerResponse | undefined
  private position = 0
  private ended = false
  /** Since when no stream is attached; the registry ends the session past the resume window. */
  detachedSince: number | undefined
  lastWriteAt = 0

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    private readonly budget: SendBudget,
    private readonly replay: StreamReplay,
    private readonly events: StreamSessionEvents,
  ) {}

  get bufferedAmount(): number {
    return this.response?.writableLength ?? 0
  }

  get isEnded(): boolean {
    return this.ended
  }

  /** Attaches a response; the frames after `lastEventId` still held are written first. False when some are gone. */
  attach(response: ServerResponse, lastEventId: number | undefined, now: number): boolean {
    const missed = lastEventId === undefined ? [] : this.replay.after(lastEventId)
    if (!missed) return false
    this.response?.destroy()
    this.response = response
    this.detachedSince = undefined
    response.on('close', () => {
      if (this.response !== response) return
      this.response = undefined
      this.budget.forget(this)
      if (!this.ended) this.detachedSince = Date.now()
    })
    for (const entry of missed) this.write(sseEvent(entry.data, { id: entry.position }), now)
    return true
  }

  send(data: string, options?: { droppable?: boolean }): void {
    if (this.ended) return
    const droppable = options?.droppable ?? false
    const now = Date.now()
    const position = ++this.position
    // A pong is superseded by the next one: it is not worth a resume.
    if (!droppable && !this.replay.keep(position, data, now) && !this.response) return this.terminate()
    if (this.response && this.budget.admit(this, droppable)) this.write(sseEvent(data, { id: position }), now)
  }

  /** An SSE comment: proxies that close quiet connections see traffic; the page ignores it. */
  keepAlive(now: number): void {
    if (this.response) this.write(':\n\n', now)
  }

  acknowledge(position: number): void {
    this.replay.acknowledge(position)
  }

  expireReplay(now: number): void {
    this.replay.expire(now)
  }

  /** Tells the page the code and reason, as a socket's close frame would, then ends the stream. */
  close(code: number, reason: string): void {
    if (this.ended) return
    this.response?.end(sseEvent(JSON.stringify({ code, reason }), { event: 'close' }))
    this.end()
  }

  /** For the send budget: the client stopped reading; as a socket, it is cut and resumes by lastSeq. */
  cut(): void {
    this.terminate()
  }

  terminate(): void {
    if (this.ended) return
    this.response?.destroy()
    this.end()
  }

  private write(text: string, now: number): void {
    this.lastWriteAt = now
    this.response!.write(text)
  }

  private end(): void {
    this.ended = true
    this.response = undefined
    this.replay.clear()
    this.budget.forget(this)
    this.events.ended(this)
  }
}
