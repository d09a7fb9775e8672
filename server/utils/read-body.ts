import type { H3Event } from 'h3'

/** Once a 413 is out, how long the client may go on sending before the connection is cut. */
const LINGER_MS = 2000
/** How much more of the body is read and dropped in that time; past it the server stops reading. */
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
 * connection with unread data resets it, and a reset that reaches the client
 * before it has read the 413 loses the answer with it. So, as nginx's
 * lingering close does: once the 413 is out, the server's side is shut (the
 * client reads the answer and then the end), the body is drained up to a
 * bound and then no longer read (the client's writes stall, they cost
 * nothing), and only after a moment is the socket destroyed. A client that
 * had finished sending keeps its connection.
 */
export function dropRest(event: H3Event): void {
  const { req, res } = event.node
  let answered = false
  let dropped = 0
  req.on('data', (chunk: Buffer) => {
    if (!answered) return
    dropped += chunk.length
    if (dropped > LINGER_BYTES) req.pause()
  })
  req.resume()
  res.once('finish', () => {
    answered = true
    if (req.complete) return
    req.socket.end()
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS)
    timer.unref()
    req.socket.once('close', () => clearTimeout(timer))
  })
}
