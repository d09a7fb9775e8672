import type { ServerFrame } from '../../shared/protocol'
import type { Connection } from '../../server/rooms/room-hub'

/** A socket for the hub's unit tests: records every frame it is sent. */
export class FakeConnection implements Connection {
  readonly frames: ServerFrame[] = []
  closedWith: { code: number, reason: string } | undefined
  terminated = false
  private waiters: Array<() => void> = []

  constructor(readonly remoteAddress?: string) {}

  send(data: string): void {
    this.frames.push(JSON.parse(data) as ServerFrame)
    for (const wake of this.waiters.splice(0)) wake()
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason }
  }

  terminate(): void {
    this.terminated = true
  }

  of<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter(frame => frame.type === type) as Extract<ServerFrame, { type: T }>[]
  }

  last(): ServerFrame | undefined {
    return this.frames.at(-1)
  }

  /** Resolves once the connection holds a frame of that type (scrypt runs off the timer queue). */
  async waitFor<T extends ServerFrame['type']>(type: T, count = 1): Promise<Extract<ServerFrame, { type: T }>> {
    while (this.of(type).length < count) await new Promise<void>(resolve => this.waiters.push(resolve))
    return this.of(type)[count - 1]!
  }
}
