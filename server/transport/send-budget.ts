export interface SendBudgetOptions {
  /** Above this many bytes waiting for a socket, frames that the next one supersedes (pongs) are dropped. @default 64 KiB */
  softMarkBytes?: number
  /** Above this many bytes waiting for one socket, it is cut. @default 1 MiB */
  hardMarkBytes?: number
  /** Above this many bytes waiting for all sockets together, the most backlogged are cut. @default 64 MiB */
  totalBytes?: number
  /** How often the backlogged sockets are looked at together. @default 250 */
  checkIntervalMs?: number
}

/** What the budget needs of a socket: how much waits for it, and a way to cut it. */
export interface BudgetedSocket {
  readonly bufferedAmount: number
  cut(): void
}

/**
 * Bounds what sockets that do not read can make the server hold. Each send
 * checks its own socket (per client); sockets past the soft mark are kept in
 * a set that one timer sums up (in total), so the check costs nothing for
 * sockets that keep up.
 */
export class SendBudget {
  readonly softMarkBytes: number
  readonly hardMarkBytes: number
  readonly totalBytes: number
  private readonly backlogged = new Set<BudgetedSocket>()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(options: SendBudgetOptions = {}) {
    this.softMarkBytes = options.softMarkBytes ?? 64 * 1024
    this.hardMarkBytes = options.hardMarkBytes ?? 1024 * 1024
    this.totalBytes = options.totalBytes ?? 64 * 1024 * 1024
    this.timer = setInterval(() => this.check(), options.checkIntervalMs ?? 250)
    this.timer.unref?.()
  }

  /** Whether to write a frame now; may cut the socket instead. */
  admit(socket: BudgetedSocket, droppable: boolean): boolean {
    const waiting = socket.bufferedAmount
    if (waiting < this.softMarkBytes) return true
    this.backlogged.add(socket)
    if (waiting > this.hardMarkBytes) {
      this.cut(socket)
      return false
    }
    return !droppable
  }

  forget(socket: BudgetedSocket): void {
    this.backlogged.delete(socket)
  }

  /** Sums what waits for the backlogged sockets; cuts the largest while the sum is over the total. */
  check(): void {
    if (this.backlogged.size === 0) return
    let total = 0
    const waiting: Array<[BudgetedSocket, number]> = []
    for (const socket of this.backlogged) {
      const bytes = socket.bufferedAmount
      if (bytes < this.softMarkBytes) {
        this.backlogged.delete(socket)
        continue
      }
      total += bytes
      waiting.push([socket, bytes])
    }
    if (total <= this.totalBytes) return
    waiting.sort((a, b) => b[1] - a[1])
    for (const [socket, bytes] of waiting) {
      if (total <= this.totalBytes) break
      this.cut(socket)
      total -= bytes
    }
  }

  get backloggedCount(): number {
    return this.backlogged.size
  }

  dispose(): void {
    clearInterval(this.timer)
  }

  private cut(socket: BudgetedSocket): void {
    this.backlogged.delete(socket)
    socket.cut()
  }
}
