import type { H3Event } from 'h3'

/** Once a 413 is out, how long, and how much more of the body, the client may go on sending before the connection is cut. */
const LINGER_MS = 1000
const LINGER_BYTES = 16 * 1024 * 1024

/**
 * Reads a request body of at most `maxBytes`, without holding more: a
 * declared length over it is refused before a byte is read, and a body that
 * grows past it is no longer kept. Either way the answer is 413 and the rest
 * of the body is never held.
 */
export function readBoundedBody(event: H3Event, maxBytes: number): Promise<string> {
  const req = event.node.req
  const refuse = () => {
    dropRest(event)
    return createError({ statusCode: 413, statusMessage: 'Payload Too Large', data: { code: 'TOO_LARGE', message: `request bodies are limited to ${maxBytes} bytes` } })
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(refuse())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      stop()
      reject(refuse())
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

/**
 * The rest of a refused body is read and dropped, not left unread: closing a
 * connection with unread data resets it, and the client would lose the 413
 * with it. Once the 413 is out, a client that goes on sending past a moment
 * or a megabyte is cut; one that stops keeps its connection.
 */
export function dropRest(event: H3Event): void {
  const { req, res } = event.node
  let answered = false
  let dropped = 0
  const cut = () => req.socket.destroy()
  req.on('data', (chunk: Buffer) => {
    if (!answered) return
    dropped += chunk.length
    if (dropped > LINGER_BYTES) cut()
  })
  req.resume()
  res.once('finish', () => {
    answered = true
    if (req.complete) return
    const timer = setTimeout(cut, LINGER_MS)
    timer.unref()
    req.once('end', () => clearTimeout(timer))
  })
}
