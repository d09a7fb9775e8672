import type { H3Event } from 'h3'

/** How long, and how much more of, a refused body is read and dropped before the connection is cut. */
const LINGER_MS = 500
const LINGER_BYTES = 1024 * 1024

/**
 * Reads a request body of at most `maxBytes`, without holding more: a
 * declared length over it is refused before a byte is read, and a body that
 * grows past it is no longer kept. Either way the answer is 413 and the
 * connection closes, so the rest of the body is never held.
 */
export function readBoundedBody(event: H3Event, maxBytes: number): Promise<string> {
  const req = event.node.req
  const tooLarge = () => {
    setResponseHeader(event, 'connection', 'close')
    return createError({ statusCode: 413, statusMessage: 'Payload Too Large', data: { code: 'TOO_LARGE', message: `request bodies are limited to ${maxBytes} bytes` } })
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      stop()
      reject(tooLarge())
      // The rest is read and dropped for a moment, not left unread: closing
      // on unread data resets the connection, and the client would lose the
      // 413 along with it. Past that moment the connection is cut.
      let dropped = 0
      req.on('data', (more: Buffer) => {
        dropped += more.length
        if (dropped > LINGER_BYTES) req.socket.destroy()
      })
      setTimeout(() => req.socket.destroy(), LINGER_MS).unref()
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}
