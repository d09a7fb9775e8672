import { request } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

const MiB = 1024 * 1024
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ NUXT_HTTP_REQUESTS_PER_SECOND: '5', NUXT_HTTP_BURST: '10' })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

interface Answer { status: number, body: string, headers: Record<string, string | string[] | undefined> }

/**
 * A POST of `bytes`, with a declared length or chunked, from a plain socket
 * that reads while it writes, as a browser does: it sends 64 KiB a turn and
 * stops once an answer has come.
 */
function postLarge(path: string, bytes: number, declareLength: boolean, localAddress = '127.0.5.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url)
    const socket = tcpConnect({ host: url.hostname, port: Number(url.port), localAddress })
    let received = ''
    let sent = 0
    const answered = () => received.includes('\r\n\r\n')
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1')
      const [head = '', body = ''] = received.split('\r\n\r\n')
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? -1)
      if (length >= 0 && Buffer.byteLength(body) >= length) {
        socket.destroy()
        resolve({ status: Number(head.split(' ')[1]), body, headers: {} })
      }
    })
    socket.on('error', () => {})
    socket.once('close', () => answered() || reject(new Error(`closed with no answer after ${sent} bytes`)))
    const framing = declareLength ? `Content-Length: ${bytes}` : 'Transfer-Encoding: chunked'
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n${framing}\r\n\r\n`)
    const payload = Buffer.alloc(64 * 1024, 0x7b)
    const chunk = declareLength ? payload : Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n')])
    const write = () => {
      if (answered() || socket.destroyed || sent >= bytes) return
      sent += payload.length
      if (socket.write(chunk)) setImmediate(write)
      else socket.once('drain', write)
    }
    // A refusal on the declared length alone comes before any body is sent.
    setTimeout(write, 200)
  })
}

function get(path: string, localAddress: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url)
    request({ host: url.hostname, port: url.port, path: url.pathname, localAddress, agent: false, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    }).on('error', reject).end()
  })
}

describe('HTTP bodies are bounded', () => {
  it.each([true, false])('a 256 MiB POST (declared length: %s) gets 413 and the server holds far less than it', async (declareLength) => {
    const rssBefore = (await healthDetails(server.url)).process.rssBytes
    const answer = await postLarge('/api/rooms/some-room/away', 256 * MiB, declareLength)
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toMatchObject({ data: { code: 'TOO_LARGE' } })
    expect((await healthDetails(server.url)).process.rssBytes - rssBefore).toBeLessThan(16 * MiB)
  })

  it('a member action with a small body still works', async () => {
    const { joined } = await joinRoom(server.wsUrl, 'bodies', 'Ada')
    const res = await fetch(`${server.url}/api/rooms/bodies/away`, { method: 'POST', body: JSON.stringify({ token: joined.token }) })
    expect(res.status).toBe(204)
  })
})

describe('health and HTTP rate limits', () => {
  it('/api/health tells the public only its status; the metrics token unlocks the counts', async () => {
    const open = JSON.parse((await get('/api/health', '127.0.6.1')).body) as Record<string, unknown>
    expect(open).toEqual({ status: 'ok' })
    const wrong = JSON.parse((await get('/api/health', '127.0.6.1', { authorization: 'Bearer nope' })).body) as Record<string, unknown>
    expect(wrong).toEqual({ status: 'ok' })
    const details = JSON.parse((await get('/api/health', '127.0.6.1', METRICS_HEADERS)).body) as Record<string, unknown>
    expect(details).toMatchObject({ status: 'ok', connections: expect.any(Number), process: { rssBytes: expect.any(Number) } })
  })

  it('one address past its HTTP budget gets 429 with RATE_LIMITED and Retry-After; another address is served', async () => {
    const answers = []
    for (let i = 0; i < 15; i++) answers.push(await get('/api/rooms/nosuchroom', '127.0.7.1'))
    expect(answers.slice(0, 10).every(answer => answer.status === 200)).toBe(true)
    const limited = answers.filter(answer => answer.status === 429)
    expect(limited.length).toBeGreaterThanOrEqual(4)
    expect(JSON.parse(limited[0]!.body)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) })
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await get('/api/rooms/nosuchroom', '127.0.7.2')).status).toBe(200)
  })

  it('page renders count against the same budget', async () => {
    const statuses = []
    for (let i = 0; i < 14; i++) statuses.push((await get('/', '127.0.8.1')).status)
    expect(statuses.slice(0, 10).every(status => status === 200)).toBe(true)
    expect(statuses.slice(10)).toContain(429)
  })
})
