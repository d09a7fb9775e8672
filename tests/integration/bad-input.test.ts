import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

describe('bad input over a real socket', () => {
  it.each([
    ['invalid JSON', '{"type":', 'BAD_REQUEST'],
    ['an unknown type', '{"type":"shout"}', 'BAD_REQUEST'],
    ['a wrong field type', '{"type":"join","roomId":42,"name":"Ada"}', 'BAD_REQUEST'],
    ['an over-long name', JSON.stringify({ type: 'join', roomId: 'r', name: 'x'.repeat(33) }), 'BAD_REQUEST'],
    ['chat before join', '{"type":"chat","text":"hi"}', 'NOT_JOINED'],
    ['a frame over 16 KiB', JSON.stringify({ type: 'chat', text: 'x'.repeat(20 * 1024) }), 'TOO_LARGE'],
  ])('%s gets %s and the socket stays usable', async (_case, raw, code) => {
    const client = await connect(server.wsUrl)
    client.send(raw)
    expect(await client.next('error')).toMatchObject({ code, message: expect.any(String) })
    client.send({ type: 'join', roomId: `bad-${code}`, create: true, name: `n${Math.random().toString(36).slice(2, 8)}` })
    expect(await client.next('joined')).toMatchObject({ type: 'joined' })
  })

  it('a binary frame gets BAD_REQUEST', async () => {
    const client = await connect(server.wsUrl)
    client.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x01]))
    expect(await client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('a frame far over the limit closes that socket with 1009 and nobody else notices', async () => {
    const bystander = await joinRoom(server.wsUrl, 'bystanders', 'Ada')
    const client = await connect(server.wsUrl)
    client.send('x'.repeat(1024 * 1024))
    expect(await client.closed).toBe(1009)
    bystander.client.send({ type: 'ping' })
    expect(await bystander.client.next('pong')).toMatchObject({ online: 1 })
  })

  it('a request with no Origin header is served (non-browser clients)', async () => {
    const client = await connect(server.wsUrl)
    client.send({ type: 'ping' })
    expect(await client.next('error')).toMatchObject({ code: 'NOT_JOINED' })
  })

  it('a foreign Origin is refused with 403 before a socket exists; the app\'s own is let in', async () => {
    for (const origin of ['http://evil.example', 'http://127.0.0.1.evil.example']) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(server.wsUrl, { origin })
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.once('open', () => reject(new Error(`${origin} was let in`)))
        ws.once('error', () => {})
      })
      expect(status).toBe(403)
    }
    const own = await connect(server.wsUrl, { origin: server.url })
    expect(own.ws.readyState).toBe(WebSocket.OPEN)
  })
})
