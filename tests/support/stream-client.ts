import { connect as tcpConnect } from 'node:net'
import { request } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { ServerFrame } from '../../shared/protocol'
import type { TestClient } from './ws-client'
import { frameQueue } from './frame-queue'

/** One SSE event as the stream carried it. */
export interface StreamEvent { event: string, id?: string, data: string }

export interface StreamClientOptions {
  /** Bind the client's side to this address (127.0.0.N) to come from another client address. */
  localAddress?: string
  /** The Origin header of the stream and the POSTs, as a browser sends it; none unless given. */
  origin?: string
  /** Resume this session (`?session=`) from this event id instead of opening a new one. */
  resume?: { session: string, lastEventId: string }
}

export interface StreamClient extends Omit<TestClient, 'ws'> {
  session: string
  /** Every SSE event, control events (session, close, gone) included. */
  events: StreamEvent[]
  /** The id of the last frame received. */
  lastEventId: () => string | undefined
  /** POSTs frames as one batch; resolves with the status and the JSON body, if any. */
  post: (frames: Array<object | string>, options?: { session?: string, origin?: string, localAddress?: string }) => Promise<PostResult>
}

const openStreams = new Set<ClientRequest>()

/** Opens GET /ws/stream; resolves once the status line is in (with the `session` event for a new session). */
export function openStream(baseUrl: string, options: StreamClientOptions = {}): Promise<{ response: IncomingMessage, events: StreamEvent[], req: ClientRequest, ended: Promise<void>, onEvent: (listener: () => void) => void }> {
  const url = new URL('/ws/stream', baseUrl)
  if (options.resume) {
    url.searchParams.set('session', options.resume.session)
    url.searchParams.set('lastEventId', options.resume.lastEventId)
  }
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (options.origin) headers.origin = options.origin
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, localAddress: options.localAddress }, (response) => {
      const events: StreamEvent[] = []
      let listener: (() => void) | undefined
      let pending = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        pending += chunk
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end)
          pending = pending.slice(end + 2)
          const event: StreamEvent = { event: 'message', data: '' }
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue
            const colon = line.indexOf(':')
            const field = line.slice(0, colon)
            const value = line.slice(colon + 1).replace(/^ /, '')
            if (field === 'event') event.event = value
            else if (field === 'id') event.id = value
            else if (field === 'data') event.data += value
          }
          if (block.split('\n').every(line => line.startsWith(':'))) continue
          events.push(event)
          listener?.()
        }
      })
      response.on('error', () => {})
      const ended = new Promise<void>(done => response.once('close', done))
      resolve({ response, events, req, ended, onEvent: (fn) => { listener = fn } })
    })
    openStreams.add(req)
    req.once('close', () => openStreams.delete(req))
    req.on('error', reject)
    req.end()
  })
}

interface PostResult { status: number, body: { code?: string } | undefined }

/** POST /ws/send with frames (objects are serialized; strings go as they are). */
export function postFrames(baseUrl: string, session: string, frames: Array<object | string>, options: { origin?: string, localAddress?: string, ack?: string, rawBody?: string } = {}): Promise<PostResult> {
  const url = new URL('/ws/send', baseUrl)
  url.searchParams.set('session', session)
  if (options.ack) url.searchParams.set('ack', options.ack)
  return postRaw(url, options.rawBody ?? JSON.stringify(frames.map(frame => typeof frame === 'string' ? frame : JSON.stringify(frame))), options)
}

function postRaw(url: URL, body: string, options: { origin?: string, localAddress?: string }): Promise<PostResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
  if (options.origin) headers.origin = options.origin
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, localAddress: options.localAddress }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { text += chunk })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) as { code?: string } : undefined }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * A client of the fallback transport with the `ws` test client's surface
 * (frames, send, next, closed, close), so one scenario runs over either:
 * frames come down the SSE stream, and each `send` is one POST, sent in order.
 */
export async function connectStream(baseUrl: string, options: StreamClientOptions = {}): Promise<StreamClient> {
  const stream = await openStream(baseUrl, options)
  if (stream.response.statusCode !== 200) throw new Error(`the stream was refused with ${stream.response.statusCode}`)
  const { events } = stream
  const queue = frameQueue()
  let resolveClosed: (code: number) => void = () => {}
  const closed = new Promise<number>((resolve) => { resolveClosed = resolve })
  let seen = 0
  const take = () => {
    for (; seen < events.length; seen++) {
      const event = events[seen]!
      if (event.event === 'message') queue.push(JSON.parse(event.data) as ServerFrame)
      else if (event.event === 'close') resolveClosed((JSON.parse(event.data) as { code: number }).code)
      else if (event.event === 'gone') resolveClosed(1006)
    }
    queue.poke()
  }
  stream.onEvent(take)
  stream.response.once('close', () => resolveClosed(1006))
  const session = options.resume?.session ?? await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session event')), 5000)
    const check = () => {
      const first = events.find(event => event.event === 'session')
      if (!first) return
      clearTimeout(timer)
      resolve((JSON.parse(first.data) as { session: string }).session)
    }
    stream.onEvent(() => {
      take()
      check()
    })
    check()
  })
  stream.onEvent(take)
  take()
  let posting = Promise.resolve()
  const lastEventId = () => events.findLast(event => event.id !== undefined)?.id
  return {
    session,
    events,
    frames: queue.frames,
    closed,
    lastEventId,
    send: (frame) => {
      posting = posting.then(() => postFrames(baseUrl, session, [frame], { origin: options.origin, localAddress: options.localAddress }).then(() => {}))
    },
    post: (batch, postOptions = {}) => postFrames(baseUrl, postOptions.session ?? session, batch, { origin: postOptions.origin ?? options.origin, localAddress: postOptions.localAddress ?? options.localAddress }),
    // As a socket's close: the session ends at once, then the stream is dropped.
    close: () => {
      const url = new URL('/ws/send', baseUrl)
      url.searchParams.set('session', session)
      url.searchParams.set('close', '1')
      void posting.then(() => postRaw(url, '[]', options)).finally(() => stream.req.destroy())
    },
    terminate: () => stream.req.destroy(),
    next: queue.next,
  }
}

/** For afterEach: no stream outlives its test. */
export function closeAllStreams(): void {
  for (const req of openStreams) req.destroy()
  openStreams.clear()
}

/** A fallback stream that reads its session event, then never reads another byte: the hostile reader. */
export function openNonReadingStream(baseUrl: string, localAddress?: string): Promise<{ session: string, closed: Promise<void>, isClosed: () => boolean }> {
  const url = new URL(baseUrl)
  const socket = tcpConnect({ host: url.hostname, port: Number(url.port), localAddress })
  let closed = false
  const closedPromise = new Promise<void>(resolve => socket.once('close', () => {
    closed = true
    resolve()
  }))
  socket.on('error', () => {})
  return new Promise((resolve, reject) => {
    socket.once('connect', () => socket.write(`GET /ws/stream HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`))
    let head = ''
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1')
      const match = /"session":"([\w-]+)"/.exec(head)
      if (!match) return
      socket.off('data', onData)
      // From here on nothing is read: the kernel buffers fill, then the server's.
      socket.pause()
      resolve({ session: match[1]!, closed: closedPromise, isClosed: () => closed })
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
}
