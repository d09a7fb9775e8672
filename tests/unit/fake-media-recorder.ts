import { vi } from 'vitest'

// MediaRecorder as the browser drives it: start, chunks on stop, then 'stop'.
export class FakeRecorder extends EventTarget {
  static supported = new Set(['audio/webm;codecs=opus', 'audio/webm'])
  static last: FakeRecorder | undefined
  static isTypeSupported(type: string) {
    return FakeRecorder.supported.has(type)
  }

  state: 'inactive' | 'recording' = 'inactive'
  mimeType: string
  constructor(readonly stream: MediaStream, options?: { mimeType?: string }) {
    super()
    this.mimeType = options?.mimeType ?? ''
    FakeRecorder.last = this
  }

  start() {
    this.state = 'recording'
  }

  stop() {
    if (this.state === 'inactive') return
    this.state = 'inactive'
    const data = Object.assign(new Event('dataavailable'), { data: new Blob(['opus bytes'], { type: this.mimeType }) })
    queueMicrotask(() => {
      this.dispatchEvent(data)
      this.dispatchEvent(new Event('stop'))
    })
  }
}

export function fakeStream() {
  const track = { stop: vi.fn() }
  return { stream: { getTracks: () => [track] } as unknown as MediaStream, track }
}
