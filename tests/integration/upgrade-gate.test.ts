import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect } from '../support/ws-client'

let server: RunningServer
let rebindingGuarded: RunningServer

beforeAll(async () => {
  server = await startServer()
  rebindingGuarded = await startServer({ NUXT_PUBLIC_ORIGIN: 'http://chat.example' })
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await server.stop()
  await rebindingGuarded.stop()
})

/** The HTTP status an upgrade gets, or 101 when a socket opens. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

describe('every upgrade passes the gate', () => {
  const paths = ['/', '/WS', '/anything', '/api/health', '/room/x', '/_nuxt/x', '/ws/', '/ws/x']
  it.each(paths)('an upgrade on %s gets no socket, whatever its Origin', async (path) => {
    const base = server.url.replace('http', 'ws')
    expect(await upgradeStatus(`${base}${path}`, { origin: 'http://evil.com' })).toBe(404)
    expect(await upgradeStatus(`${base}${path}`, { origin: 'null' })).toBe(404)
    expect(await upgradeStatus(`${base}${path}`)).toBe(404)
  })

  it.each(['http://evil.com', 'null'])('an upgrade on /ws from Origin %s gets 403', async (origin) => {
    expect(await upgradeStatus(server.wsUrl, { origin })).toBe(403)
  })

  it('the app\'s own origin and a query string on /ws are served', async () => {
    expect(await upgradeStatus(server.wsUrl, { origin: server.url })).toBe(101)
    expect(await upgradeStatus(`${server.wsUrl}?v=1`, { origin: server.url })).toBe(101)
  })
})

describe('DNS rebinding, with NUXT_PUBLIC_ORIGIN set', () => {
  it('a page whose Origin matches the Host it sent is refused unless it is the public origin', async () => {
    // A rebinding page at http://evil.test:PORT reaches us with Host evil.test:PORT and the same Origin.
    const port = new URL(rebindingGuarded.url).port
    expect(await upgradeStatus(rebindingGuarded.wsUrl, { host: `evil.test:${port}`, origin: `http://evil.test:${port}` })).toBe(403)
    expect(await upgradeStatus(rebindingGuarded.wsUrl, { origin: 'http://chat.example' })).toBe(101)
  })

  it('without NUXT_PUBLIC_ORIGIN the same request passes, which docs/security.md warns about', async () => {
    const port = new URL(server.url).port
    expect(await upgradeStatus(server.wsUrl, { host: `evil.test:${port}`, origin: `http://evil.test:${port}` })).toBe(101)
  })

  it('a socket from the public origin works end to end', async () => {
    const client = await connect(rebindingGuarded.wsUrl, { headers: { origin: 'http://chat.example' } })
    client.send({ type: 'join', roomId: 'gate', name: 'Ada', create: true })
    expect(await client.next('joined')).toMatchObject({ you: { name: 'Ada' } })
  })
})
