import { connect } from 'node:net'
import type { Socket } from 'node:net'

/** A WebSocket client that upgrades, then never reads another byte: the hostile reader. */
export interface NonReadingClient {
  socket: Socket
  /** Writes one text frame; false when the client's own buffer is full (wait for drain()). */
  sendText: (text: string) => boolean
  drain: () => Promise<void>
  /** Resolves when the server has closed or cut the connection. */
  closed: Promise<void>
  isClosed: () => boolean
}

/** A masked client text frame; the mask key is zero, which leaves the payload as it is. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const length = payload.length
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
  return Buffer.concat([header, Buffer.alloc(4), payload])
}

export function openNonReadingClient(wsUrl: string, options: { localAddress?: string, headers?: Record<string, string> } = {}): Promise<NonReadingClient> {
  const url = new URL(wsUrl)
  const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: options.localAddress })
  let closed = false
  const closedPromise = new Promise<void>(resolve => socket.once('close', () => {
    closed = true
    resolve()
  }))
  socket.on('error', () => {})
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      const extra = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('')
      socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`)
    })
    let head = ''
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      // From here on nothing is read: the kernel buffers fill, then the server's.
      socket.pause()
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
      resolve({
        socket,
        sendText: text => socket.write(textFrame(text)),
        drain: () => new Promise(done => socket.once('drain', done)),
        closed: closedPromise,
        isClosed: () => closed,
      })
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
}
