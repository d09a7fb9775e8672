export interface ReplayEntry { position: number, data: string, bytes: number, at: number }

/** What every session's replay holds together; past it, frames are no longer kept (a resume then fails, and the page resumes by lastSeq). */
export class ReplayTotal {
  bytes = 0
  constructor(readonly maxBytes: number) {}
}

/**
 * The frames a stream has been written lately, so that a stream that dropped
 * gets exactly what it missed when it comes back with its last event id. It
 * holds what the client has not acknowledged (each POST says how far it has
 * read), at most `maxBytes`, and nothing older than `keepMs`. The strings are
 * the hub's own (a broadcast is serialized once), so a room's frames are held
 * once however many streams keep them.
 */
export class StreamReplay {
  private entries: ReplayEntry[] = []
  private bytes = 0
  /** Every position up to this one is gone from the replay: a resume from before it cannot be served. */
  private forgottenThrough = 0

  constructor(private readonly total: ReplayTotal, private readonly maxBytes: number, private readonly keepMs: number) {}

  /** Keeps one frame; false when it could not be kept (over this session's or the server's bound). */
  keep(position: number, data: string, now: number): boolean {
    // The string's length: a close enough measure, and free.
    const bytes = data.length
    if (this.bytes + bytes > this.maxBytes || this.total.bytes + bytes > this.total.maxBytes) {
      this.forgetThrough(position)
      return false
    }
    this.entries.push({ position, data, bytes, at: now })
    this.bytes += bytes
    this.total.bytes += bytes
    return true
  }

  /** The frames after `position`, or undefined when some of them are no longer held. */
  after(position: number): ReplayEntry[] | undefined {
    if (position < this.forgottenThrough) return undefined
    return this.entries.filter(entry => entry.position > position)
  }

  /** The client has read up to `position`. */
  acknowledge(position: number): void {
    this.forgottenThrough = Math.max(this.forgottenThrough, position)
    let drop = 0
    while (drop < this.entries.length && this.entries[drop]!.position <= position) drop++
    this.drop(drop)
  }

  /** Forgets what is older than `keepMs`. */
  expire(now: number): void {
    let drop = 0
    while (drop < this.entries.length && now - this.entries[drop]!.at > this.keepMs) drop++
    if (drop > 0) this.forgottenThrough = Math.max(this.forgottenThrough, this.entries[drop - 1]!.position)
    this.drop(drop)
  }

  clear(): void {
    this.drop(this.entries.length)
  }

  private forgetThrough(position: number): void {
    this.forgottenThrough = position
    this.clear()
  }

  private drop(count: number): void {
    if (count === 0) return
    for (const entry of this.entries.slice(0, count)) {
      this.bytes -= entry.bytes
      this.total.bytes -= entry.bytes
    }
    this.entries = this.entries.slice(count)
  }
}
