// A bench's socket that reads frames by type, in order (bench/search.ts,
// bench/threads.ts): what each asks for, it awaits as one call.
import WebSocket from 'ws'

export interface Frame { type: string, [key: string]: unknown }

export class FrameClient {
  private readonly queue: Frame[] = []
  private waiting: (() => void) | undefined

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()) as Frame)
      this.waiting?.()
    })
  }

  static async open(url: string): Promise<FrameClient> {
    const ws = new WebSocket(url)
    await new Promise((done, fail) => ws.once('open', done).once('error', fail))
    return new FrameClient(ws)
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame))
  }

  /**
   * The next frame of that type; others are dropped. An error frame throws,
   * unless it is what was asked for, or RATE_LIMITED with `limited` (handed back).
   */
  async next(type: string, limited = false): Promise<Frame> {
    for (;;) {
      const index = this.queue.findIndex(frame => frame.type === type || frame.type === 'error')
      if (index >= 0) {
        const [frame] = this.queue.splice(0, index + 1).slice(-1)
        if (frame!.type === 'error' && type !== 'error' && !(limited && frame!.code === 'RATE_LIMITED')) throw new Error(`error frame: ${JSON.stringify(frame)}`)
        return frame!
      }
      await new Promise<void>(wake => this.waiting = wake)
    }
  }
}
