import type { LobbyEntry, LobbyUpdate } from './lobby-entry'
import { emptyEntry, mergeUpdate } from './lobby-entry'
import type { LobbyIndex } from './lobby-index'

/** What the writer reads of a room from the store, for the changes it learns of without the numbers. */
export interface LobbyRoomSource {
  /** The room's title and whether it is listed; undefined when the room is gone. */
  meta(roomId: string): Promise<{ title: string, listed: boolean } | undefined>
  /** Counts from the store (for a room this process holds no view of). */
  counts(roomId: string): Promise<{ online: number, members: number }>
  /** The room's newest chat seq, 0 before the first message. */
  lastSeq(roomId: string): Promise<number>
}

export interface LobbyWriterOptions {
  index: LobbyIndex
  source: LobbyRoomSource
  /** Changes this close together are written as one batch. @default 250 */
  flushDelayMs?: number
  log: (message: string) => void
}

interface Pending {
  counts?: { online: number, members: number, at: number }
  /** The counts must be read from the store: this process saw a change without the numbers. */
  recount: boolean
  lastSeq?: number
  rereadMeta: boolean
  gone: boolean
}

/**
 * Keeps the lobby index in step with what this process sees: a view's
 * counts as it tells its sockets, a chat's seq, a change it made without a
 * view (a last socket released, a member removed by the idle sweep), a room
 * deleted. Changes to one room within the flush delay are one write; one
 * timer for the whole process.
 */
export class LobbyWriter {
  private readonly pending = new Map<string, Pending>()
  /** Rooms whose title and visibility this process has written: read from the store once, then on a change. */
  private readonly metaWritten = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> | undefined
  private readonly flushDelayMs: number

  constructor(private readonly options: LobbyWriterOptions) {
    this.flushDelayMs = options.flushDelayMs ?? 250
  }

  countsChanged(roomId: string, online: number, members: number): void {
    const pending = this.pendingOf(roomId)
    pending.counts = { online, members, at: Date.now() }
    pending.recount = false
  }

  /** Counts changed where this process holds no view: read them from the store at the flush. */
  roomChanged(roomId: string): void {
    this.pendingOf(roomId).recount = true
  }

  chatPosted(roomId: string, seq: number): void {
    const pending = this.pendingOf(roomId)
    pending.lastSeq = Math.max(pending.lastSeq ?? 0, seq)
  }

  /** The title or visibility changed. */
  metaChanged(roomId: string): void {
    this.pendingOf(roomId).rereadMeta = true
  }

  roomGone(roomId: string): void {
    this.pendingOf(roomId).gone = true
  }

  /** The room's entry as the store has it now, for a room the index may not hold yet. */
  async compute(roomId: string): Promise<LobbyEntry | undefined> {
    const meta = await this.options.source.meta(roomId)
    if (!meta) return undefined
    const entry = emptyEntry(roomId)
    const [counts, lastSeq] = await Promise.all([this.options.source.counts(roomId), this.options.source.lastSeq(roomId)])
    mergeUpdate(entry, { id: roomId, meta, lastSeq, counts: { ...counts, at: Date.now() } })
    return entry
  }

  /** Writes what is pending now; the timer calls it, and so can a test or a shutdown. */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.flushing) await this.flushing
    if (this.pending.size === 0) return
    const batch = [...this.pending]
    this.pending.clear()
    this.flushing = this.write(batch)
    try {
      await this.flushing
    }
    finally {
      this.flushing = undefined
    }
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private async write(batch: Array<[string, Pending]>): Promise<void> {
    const updates: LobbyUpdate[] = []
    let failure: unknown
    for (const [roomId, pending] of batch) {
      try {
        updates.push(await this.updateOf(roomId, pending))
      }
      catch (error) {
        failure = error
        this.retry(roomId, pending)
      }
    }
    try {
      await this.options.index.apply(updates)
    }
    catch (error) {
      failure = error
      for (const [roomId, pending] of batch) this.retry(roomId, pending)
    }
    if (failure !== undefined) this.options.log(`lobby index write failed, tried again shortly: ${failure instanceof Error ? failure.message : String(failure)}`)
  }

  private async updateOf(roomId: string, pending: Pending): Promise<LobbyUpdate> {
    const { source } = this.options
    const update: LobbyUpdate = { id: roomId }
    // A room deleted may have been made again under the same id since: the store says which.
    if (pending.gone || pending.rereadMeta || !this.metaWritten.has(roomId)) {
      const meta = await source.meta(roomId)
      if (!meta) {
        this.metaWritten.delete(roomId)
        return { id: roomId, gone: true }
      }
      update.meta = meta
      this.metaWritten.add(roomId)
      if (pending.gone) pending.recount = true
    }
    if (pending.recount) update.counts = { ...await source.counts(roomId), at: Date.now() }
    else if (pending.counts) update.counts = pending.counts
    // A room written for the first time gets its newest seq, so "your rooms" count from the right place.
    if (pending.lastSeq !== undefined) update.lastSeq = pending.lastSeq
    else if (update.meta && !pending.rereadMeta) update.lastSeq = await source.lastSeq(roomId)
    return update
  }

  /** A write the store or the index refused is tried again at a later flush, merged with what came since. */
  private retry(roomId: string, failed: Pending): void {
    this.metaWritten.delete(roomId)
    const pending = this.pendingOf(roomId)
    pending.recount ||= failed.recount
    pending.counts ??= failed.counts
    if (failed.lastSeq !== undefined) pending.lastSeq = Math.max(pending.lastSeq ?? 0, failed.lastSeq)
    pending.gone ||= failed.gone
  }

  private pendingOf(roomId: string): Pending {
    let pending = this.pending.get(roomId)
    if (!pending) {
      this.pending.set(roomId, pending = { recount: false, rereadMeta: false, gone: false })
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushDelayMs)
      this.timer.unref?.()
    }
    return pending
  }
}
