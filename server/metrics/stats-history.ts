/** One point of the admin page's charts: what this instance held at `at`. */
export interface StatsSample {
  at: number
  connections: number
  rooms: number
  membersOnline: number
  messagesPerSecond: number
}

export interface LiveFigures {
  connections: number
  roomsWithSockets: number
  membersOnline: number
}

/** The admin page charts this much, from a sample every `HISTORY_SAMPLE_MS`. */
export const HISTORY_SPAN_MS = 15 * 60 * 1000
export const HISTORY_SAMPLE_MS = 5000

/**
 * The last 15 minutes of this instance's figures, kept in the server so that
 * a page opened now has history to draw. A fixed ring: 180 samples whatever
 * the uptime. Messages a second are the change of the accepted-messages
 * counter between two samples, so nothing on the chat path knows of it.
 */
export class StatsHistory {
  private readonly ring: Array<StatsSample | undefined>
  private next = 0
  private lastMessages: { at: number, total: number } | undefined

  constructor(readonly capacity = HISTORY_SPAN_MS / HISTORY_SAMPLE_MS) {
    this.ring = Array.from({ length: capacity })
  }

  record(now: number, live: LiveFigures, messagesTotal: number): StatsSample {
    const sample = { at: now, ...this.current(now, live, messagesTotal) }
    this.ring[this.next] = sample
    this.next = (this.next + 1) % this.capacity
    this.lastMessages = { at: now, total: messagesTotal }
    return sample
  }

  /** The figures now, without recording them: messages a second since the last sample. */
  current(now: number, live: LiveFigures, messagesTotal: number): Omit<StatsSample, 'at'> {
    const last = this.lastMessages
    const seconds = last ? (now - last.at) / 1000 : 0
    return {
      connections: live.connections,
      rooms: live.roomsWithSockets,
      membersOnline: live.membersOnline,
      messagesPerSecond: last && seconds > 0 ? Math.max(0, messagesTotal - last.total) / seconds : 0,
    }
  }

  /** Oldest first. */
  samples(): StatsSample[] {
    const ordered: StatsSample[] = []
    for (let i = 0; i < this.capacity; i++) {
      const sample = this.ring[(this.next + i) % this.capacity]
      if (sample) ordered.push(sample)
    }
    return ordered
  }
}
