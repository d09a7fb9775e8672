import WebSocket from 'ws'
import type { ClientOptions } from 'ws'
import type { ServerFrame } from '../../shared/protocol'

import { frameQueue } from './frame-queue'
import type { FrameOf } from './frame-queue'

export interface TestClient {
  ws: WebSocket
  /** Every frame received so far, in order. */
  frames: ServerFrame[]
  send: (frame: object | string) => void
  /** The next frame of that type not yet taken by next(); waits up to timeoutMs. */
  next: <T extends ServerFrame['type']>(type: T, timeoutMs?: number) => Promise<FrameOf<T>>
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number>
  close: () => void
  /** Drops the connection without a close, as a network that fails does. */
  terminate: () => void
}

const openClients = new Set<WebSocket>()

/** Opens a real `ws` socket; resolves when it is open. */
export async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options)
  openClients.add(ws)
  const queue = frameQueue()
  ws.on('message', data => queue.push(JSON.parse(data.toString()) as ServerFrame))
  const closed = new Promise<number>(resolve => ws.once('close', (code) => {
    openClients.delete(ws)
    resolve(code)
  }))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    ws,
    frames: queue.frames,
    closed,
    send: frame => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => ws.close(),
    terminate: () => ws.terminate(),
    next: queue.next,
  }
}

/**
 * Joins and returns the client with its `joined` frame. The join creates the
 * room if it is new (`create: true`), as the page's New room does; pass
 * `{ create: undefined }` to join only a room that exists.
 */
export async function joinRoom(url: string, roomId: string, name: string, extra: Record<string, unknown> = {}, localAddress?: string) {
  const client = await connect(url, localAddress ? { localAddress } : {})
  client.send({ type: 'join', roomId, name, create: true, ...extra })
  const joined = await client.next('joined')
  return { client, joined }
}

/** For afterEach: no socket outlives its test. */
export function closeAllClients(): void {
  for (const ws of openClients) ws.terminate()
  openClients.clear()
}
