import type { ServerFrame } from '../../shared/protocol'

export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>

/**
 * The frames a test client received, and `next(type)`: the next frame of a
 * type not yet taken, waiting for it up to a timeout. Shared by the socket
 * client and the fallback stream's, so one scenario reads either the same way.
 */
export function frameQueue() {
  const frames: ServerFrame[] = []
  const taken = new Map<string, number>()
  let wake: (() => void) | undefined
  return {
    frames,
    push(frame: ServerFrame): void {
      frames.push(frame)
      wake?.()
    },
    /** Wakes a waiting next() without a frame (the stream ended). */
    poke(): void {
      wake?.()
    },
    async next<T extends ServerFrame['type']>(type: T, timeoutMs = 5000): Promise<FrameOf<T>> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const from = taken.get(type) ?? 0
        const index = frames.findIndex((frame, i) => i >= from && frame.type === type)
        if (index >= 0) {
          taken.set(type, index + 1)
          return frames[index] as FrameOf<T>
        }
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`no "${type}" frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
    },
  }
}
