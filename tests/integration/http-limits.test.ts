import { request } from 'node:http'
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

/** A POST whose body is streamed in 64 KiB chunks, with or without a declared length; like a browser, it stops writing once answered. */
function postLarge(path: string, bytes: number, declareLength: boolean, localAddress = '127.0.5.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url)
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, agent: false,
      headers: declareLength ? { 'content-length': String(bytes) } : { 'transfer-encoding': 'chunked' } })
    let answered = false
    req.on('response', (res) => {
      answered = true
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    // The server may answer and close before the body is sent: the write then fails, the answer stands.
    req.on('error', () => {})
    setTimeout(() => answered || reject(new Error('no answer within 20 s')), 20_000).unref()
    const chunk = Buffer.alloc(64 * 1024, 0x7b)
    let sent = 0
    const write = () => {
      if (answered) return
      if (sent >= bytes) return void req.end()
      sent += chunk.length
      // One chunk a turn, so an answer is noticed as soon as it comes.
      if (req.write(chunk)) setImmediate(write)
      else req.once('drain', write)
    }
    req.flushHeaders()
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
    expect(answers.slice(0, 10).every(answer => answer.status === 404)).toBe(true)
    const limited = answers.filter(answer => answer.status === 429)
    expect(limited.length).toBeGreaterThanOrEqual(4)
    expect(JSON.parse(limited[0]!.body)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) })
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await get('/api/rooms/nosuchroom', '127.0.7.2')).status).toBe(404)
  })

  it('page renders count against the same budget', async () => {
    const statuses = []
    for (let i = 0; i < 14; i++) statuses.push((await get('/', '127.0.8.1')).status)
    expect(statuses.slice(0, 10).every(status => status === 200)).toBe(true)
    expect(statuses.slice(10)).toContain(429)
  })
})
