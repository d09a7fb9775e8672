import type { IncomingMessage, ServerResponse } from 'node:http'
import { createEvent, isError } from 'h3'
import type { EventHandler } from 'h3'
import sendRoute from '../routes/ws/send.post'
import streamRoute from '../routes/ws/stream.get'
import { log } from '../log'
import { useHttpBuckets } from '../utils/http-buckets'
import { requestClientAddress } from '../utils/client-address'

/**
 * The fallback's two routes, answered by the production server before
 * Nitro's app, as a socket's frames skip crossws (docs/performance.md): a
 * ping over the fallback is a POST, every 6 s from every such page, and
 * Nitro's request pipeline would cost several times what the frame does, and
 * keep its per-request context alive as long as each stream. The handlers
 * are the routes' own (server/routes/ws/*, which `nuxt dev` serves), on a
 * bare event; the HTTP bucket per address is taken here, since the
 * rate-limit middleware does not run. Returns false for any other request.
 */
export function serveFallbackDirectly(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?', 1)[0]
  const route: EventHandler | undefined = req.method === 'POST' && path === '/ws/send'
    ? sendRoute
    : req.method === 'GET' && path === '/ws/stream' ? streamRoute : undefined
  if (!route) return false
  const event = createEvent(req, res)
  const waitMs = useHttpBuckets().requests.take(requestClientAddress(event))
  if (waitMs > 0) {
    answer(res, 429, { code: 'RATE_LIMITED', message: 'too many requests from this address; slow down', retryAfterMs: waitMs }, { 'retry-after': String(Math.ceil(waitMs / 1000)) })
    return true
  }
  Promise.resolve(route(event)).then(
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
  return true
}

function answer(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text)
}
