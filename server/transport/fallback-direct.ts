import type { IncomingMessage, ServerResponse } from 'node:http'
import { createEvent, isError } from 'h3'
import type { EventHandler } from 'h3'
import sendRoute from '../routes/ws/send.post'
import streamRoute from '../routes/ws/stream.get'
import { log } from '../log'
import { useHttpBuckets } from '../utils/http-buckets'
import { useTrustedProxies } from '../utils/client-address'
import { useStreamTransport } from '../utils/stream-transport'
import { clientAddress } from './client-address'
import { admitPost, POST_MAX_BYTES, queryOf, takeFrames } from './stream-post'

/**
 * The fallback's two routes, answered by the production server before
 * Nitro's app, as a socket's frames skip crossws (docs/performance.md): a
 * ping over the fallback is a POST, every 6 s from every such page, and
 * Nitro's request pipeline would cost several times what the frame does, and
 * keep its per-request context alive as long as each stream. A POST whose
 * length is declared within bounds (what a page sends) is answered here
 * without an h3 event: the client address is worked out once, the body read
 * once into one string. Anything else goes to the routes' own handlers
 * (server/routes/ws/*, which `nuxt dev` serves) on a bare event. The HTTP
 * bucket per address is taken here, since the rate-limit middleware does not
 * run. Returns false for any other request.
 */
export function serveFallbackDirectly(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? ''
  const path = url.split('?', 1)[0]
  const route: EventHandler | undefined = req.method === 'POST' && path === '/ws/send'
    ? sendRoute
    : req.method === 'GET' && path === '/ws/stream' ? streamRoute : undefined
  if (!route) return false
  const address = clientAddress(req.socket.remoteAddress, req.headers, useTrustedProxies())
  const waitMs = useHttpBuckets().requests.take(address)
  if (waitMs > 0) {
    answer(res, 429, { code: 'RATE_LIMITED', message: 'too many requests from this address; slow down', retryAfterMs: waitMs }, { 'retry-after': String(Math.ceil(waitMs / 1000)) })
    return true
  }
  const declared = Number(req.headers['content-length'])
  if (route === sendRoute && declared >= 0 && declared <= POST_MAX_BYTES) servePost(req, res, address)
  else serveRoute(route, req, res)
  return true
}

/** POST /ws/send with a body of a declared, allowed length (Node's parser holds the body to it). */
function servePost(req: IncomingMessage, res: ServerResponse, address: string): void {
  const transport = useStreamTransport()
  const query = queryOf(req.url)
  const session = admitPost(req, address, query, transport)
  if ('status' in session) {
    // Unread, the body would be taken for the next request on this connection.
    req.resume()
    return answer(res, session.status, { code: session.code, message: session.message })
  }
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.once('end', () => {
    const raw = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')
    let refused
    try {
      refused = takeFrames(transport, session, query, raw)
    }
    catch (error) {
      log('fallback_failed', `a fallback request failed: ${error instanceof Error ? error.message : String(error)}`, {}, 'error')
      return answer(res, 500, { code: 'INTERNAL', message: 'the server failed on this request' })
    }
    if (refused) answer(res, refused.status, { code: refused.code, message: refused.message })
    else answer(res, 204)
  })
}

function serveRoute(route: EventHandler, req: IncomingMessage, res: ServerResponse): void {
  Promise.resolve(route(createEvent(req, res))).then(
    (body: unknown) => {
      if (res.headersSent || res.writableEnded) return
      if (body === null || body === undefined) answer(res, res.statusCode === 200 ? 204 : res.statusCode)
      else answer(res, res.statusCode, body)
    },
    (error: unknown) => {
      if (res.headersSent || res.writableEnded) return
      if (isError(error)) return answer(res, error.statusCode, error.data ?? { code: 'INTERNAL', message: error.statusMessage })
      log('fallback_failed', `a fallback request failed: ${error instanceof Error ? error.message : String(error)}`, {}, 'error')
      answer(res, 500, { code: 'INTERNAL', message: 'the server failed on this request' })
    },
  )
}

function answer(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text)
}
