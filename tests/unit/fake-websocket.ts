import type { ClientFrame } from '../../shared/protocol'

/**
 * A WebSocket the test drives: it records what the client sends, and opens,
 * answers and drops when told to. Every instance is kept in `instances`.
 */
export class FakeWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static instances: FakeWebSocket[] = []

  readyState = FakeWebSocket.CONNECTING
  readonly sent: string[] = []
  closedByClient = false
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this)
  }

  static reset(): void {
    FakeWebSocket.instances = []
  }

  /** The socket created last. */
  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1)
    if (!socket) throw new Error('no socket has been created')
    return socket
  }

  /** Frames the client sent, parsed. */
  get frames(): ClientFrame[] {
    return this.sent.map(data => JSON.parse(data) as ClientFrame)
  }

  framesOfType<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type)
  }

  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('send() on a socket that is not open')
    this.sent.push(data)
  }

  close(): void {
    if (this.readyState === FakeWebSocket.CLOSED) return
    this.closedByClient = true
    this.readyState = FakeWebSocket.CLOSED
    this.onclose?.({ code: 1000 })
  }

  // ---- driven by the test ----

  open(): void {
    this.readyState = FakeWebSocket.OPEN
    this.onopen?.({})
  }

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }

  /** The connection is lost without the client asking: 1006 for the network, or the server's close code. */
  drop(code = 1006): void {
    this.readyState = FakeWebSocket.CLOSED
    this.onclose?.({ code })
  }
}
