import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { Connection, RoomHub } from '../rooms/room-hub'
import type { AddressSlots } from './address-slots'
import type { SendBudget } from './send-budget'
import { ReplayTotal, StreamReplay } from './stream-replay'
import { sseEvent, StreamSession } from './stream-session'
import type { StreamSessionEvents } from './stream-session'

export interface StreamSessionsOptions {
  /** A stream that dropped may come back within this and resume its session. @default 10000 */
  resumeWindowMs?: number
  /** Bytes of frames one session keeps for a resume. @default 1 MiB */
  replayMaxBytes?: number
  /** The same for every session together. @default 64 MiB */
  replayTotalMaxBytes?: number
  /** Frames are kept for a resume this long at most (the page acknowledges sooner). @default 15000 */
  replayKeepMs?: number
  /** An attached stream that was written nothing this long gets a comment. @default 15000 */
  keepAliveMs?: number
  /** Sessions this process holds, attached or waiting for a resume. @default 100000 */
  maxSessions?: number
  /** How often the one timer looks at every session. @default 1000 */
  sweepIntervalMs?: number
}

export type AttachVerdict = 'attached' | 'gone'

/**
 * The fallback transport's sessions in this process. Each holds one of the
 * client address's socket slots (the same AddressSlots as the WebSocket
 * server) and writes through the same SendBudget, so a client gains nothing
 * by choosing it. One timer reaps sessions whose stream did not come back,
 * expires replays and keeps quiet streams alive.
 */
export class StreamSessions {
  private readonly sessions = new Map<string, StreamSession>()
  private readonly total: ReplayTotal
  private readonly timer: ReturnType<typeof setInterval>
  readonly resumeWindowMs: number
  private readonly replayMaxBytes: number
  private readonly replayKeepMs: number
  private readonly keepAliveMs: number
  private readonly maxSessions: number
  // One for every session: a closure each would be kept as long as it.
  private readonly events: StreamSessionEvents = {
    ended: (ended) => {
      this.sessions.delete(ended.id)
      this.slots.release(ended.remoteAddress)
      this.hub().close(ended)
    },
  }

  constructor(
    private readonly hub: () => RoomHub,
    private readonly slots: AddressSlots,
    private readonly budget: SendBudget,
    options: StreamSessionsOptions = {},
  ) {
    this.resumeWindowMs = options.resumeWindowMs ?? 10_000
    this.replayMaxBytes = options.replayMaxBytes ?? 1024 * 1024
    this.replayKeepMs = options.replayKeepMs ?? 15_000
    this.keepAliveMs = options.keepAliveMs ?? 15_000
    this.maxSessions = options.maxSessions ?? 100_000
    this.total = new ReplayTotal(options.replayTotalMaxBytes ?? 64 * 1024 * 1024)
    this.timer = setInterval(() => this.sweep(Date.now()), options.sweepIntervalMs ?? 1000)
    this.timer.unref?.()
  }

  get size(): number {
    return this.sessions.size
  }

  find(id: string): StreamSession | undefined {
    return this.sessions.get(id)
  }

  /**
   * A new session on this response, or a refusal written as a socket would
   * say it (an error frame, then a close with 4029) when the address holds
   * its share of sockets already.
   */
  open(response: ServerResponse, address: string, refuse: (response: ServerResponse) => void): StreamSession | undefined {
    if (this.sessions.size >= this.maxSessions || !this.slots.take(address)) {
      refuse(response)
      return undefined
    }
    const id = randomBytes(24).toString('base64url')
    const replay = new StreamReplay(this.total, this.replayMaxBytes, this.replayKeepMs)
    const session = new StreamSession(id, address, this.budget, replay, this.events)
    this.sessions.set(id, session)
    const now = Date.now()
    session.attach(response, undefined, now)
    response.write(sseEvent(JSON.stringify({ session: id, resumeWindowMs: this.resumeWindowMs }), { event: 'session' }))
    session.lastWriteAt = now
    this.hub().open(session)
    return session
  }

  /** A stream that comes back: the frames after `lastEventId` if they are all still held, else 'gone'. */
  resume(session: StreamSession, response: ServerResponse, lastEventId: number): AttachVerdict {
    if (session.isEnded || !session.attach(response, lastEventId, Date.now())) {
      session.terminate()
      return 'gone'
    }
    return 'attached'
  }

  /** One frame from the page, as the hub takes a socket's. */
  receive(session: Connection, raw: string): void {
    this.hub().receive(session, raw, Buffer.byteLength(raw))
  }

  sweep(now: number): void {
    for (const session of this.sessions.values()) {
      if (session.detachedSince !== undefined && now - session.detachedSince > this.resumeWindowMs) {
        session.terminate()
        continue
      }
      session.expireReplay(now)
      if (now - session.lastWriteAt >= this.keepAliveMs) session.keepAlive(now)
    }
  }

  dispose(): void {
    clearInterval(this.timer)
  }
}
