import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import crossws from 'crossws/adapters/node'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { TrustedProxies } from '../../server/transport/client-address'
import { createHubSocketServer } from '../../server/transport/hub-socket-server'

// The transport hands crossws its own `ws` server (the adapter's `wss`
// option) and counts on crossws 0.3's node adapter to upgrade through that
// server's handleUpgrade and to announce the socket with
// `wss.emit('connection')`, which the transport takes over so that frames go
// from ws to the hub without crossws (docs/performance.md, "The transport's
// seam"). Nothing in crossws's documentation promises either, so this pins it.
const crosswsVersion = (JSON.parse(readFileSync(new URL('../../node_modules/crossws/package.json', import.meta.url), 'utf8')) as { version: string }).version
const seamBroken = (what: string) => `crossws ${crosswsVersion} ${what}. server/transport/hub-socket-server.ts relies on crossws 0.3.5's node adapter; see "The transport's seam" in docs/performance.md before updating`

type Hub = ReturnType<Parameters<typeof createHubSocketServer>[0]>
type Conn = Parameters<Hub['open']>[0]

async function until(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  for (const start = Date.now(); !condition(); await new Promise(resolve => setTimeout(resolve, 10))) {
    if (Date.now() - start > timeoutMs) return false
  }
  return true
}

let server: Server | undefined
const clients: WebSocket[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate()
  await new Promise(resolve => server ? server.close(resolve) : resolve(undefined))
  server = undefined
})

/** The production wiring (server/transport/node-entry.ts, server/plugins/websocket.ts) on a random port, with every party's calls recorded. */
async function start() {
  const hub = { opened: [] as Conn[], received: [] as Array<string | undefined>, closed: [] as Conn[] }
  const fakeHub = {
    open: (conn: Conn) => void hub.opened.push(conn),
    receive: (_conn: Conn, raw: string | undefined) => void hub.received.push(raw),
    close: (conn: Conn) => void hub.closed.push(conn),
  } as unknown as Hub
  const transport = createHubSocketServer(() => fakeHub, {
    path: '/ws',
    allowedOrigins: [],
    requireOrigin: false,
    publicOrigin: '',
    trustedProxies: new TrustedProxies(''),
    maxSocketsPerAddress: 5,
    ws: { maxPayload: 4096, perMessageDeflate: false },
  })
  const crosswsHooks = { upgrade: 0, open: 0, message: 0, close: 0 }
  const adapter = crossws({
    // crossws types `wss` with its own bundled copy of ws's types.
    wss: transport.server as unknown as NonNullable<Parameters<typeof crossws>[0]>['wss'],
    hooks: {
      upgrade: () => void crosswsHooks.upgrade++,
      open: () => void crosswsHooks.open++,
      message: () => void crosswsHooks.message++,
      close: () => void crosswsHooks.close++,
    },
  })
  const http = createServer()
  server = http
  http.on('upgrade', (request, socket, head) => void adapter.handleUpgrade(request, socket, head))
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return { hub, crosswsHooks, url: `ws://127.0.0.1:${port}`, dispose: transport.dispose }
}

function open(url: string): Promise<WebSocket | Error> {
  const client = new WebSocket(url)
  clients.push(client)
  return new Promise((resolve) => {
    client.once('open', () => resolve(client))
    client.once('error', error => resolve(error))
  })
}

describe('the transport\'s seam in crossws', () => {
  it('crossws upgrades through the transport\'s ws server, whose gate refuses a wrong path before a socket exists', async () => {
    const { hub, crosswsHooks, url, dispose } = await start()
    const refused = await open(`${url}/elsewhere`)
    expect(refused instanceof Error && refused.message, seamBroken('no longer upgrades through the `wss` it is given (the gate in handleUpgrade did not answer 404)')).toContain('404')
    expect(hub.opened, seamBroken('opened a socket past the gate')).toHaveLength(0)
    expect(crosswsHooks.upgrade, seamBroken('no longer runs its upgrade hook before the ws server\'s handleUpgrade')).toBe(1)
    dispose()
  })

  it('each socket and its frames go to the hub, and crossws sees none of them after the upgrade', async () => {
    const { hub, crosswsHooks, url, dispose } = await start()
    const client = await open(`${url}/ws`)
    expect(client, seamBroken('refused an upgrade the gate admits')).toBeInstanceOf(WebSocket)
    expect(await until(() => hub.opened.length === 1), seamBroken('no longer announces a socket with `wss.emit(\'connection\')`, so the hub never gets it')).toBe(true)
    ;(client as WebSocket).send('{"type":"ping"}')
    expect(await until(() => hub.received.length === 1), seamBroken('kept the socket\'s frames from the hub')).toBe(true)
    expect(hub.received).toEqual(['{"type":"ping"}'])
    ;(client as WebSocket).close()
    expect(await until(() => hub.closed.length === 1), seamBroken('kept the socket\'s close from the hub')).toBe(true)
    expect(crosswsHooks, seamBroken('handles the socket itself again (its own `connection` listener ran), at a cost on every frame')).toEqual({ upgrade: 1, open: 0, message: 0, close: 0 })
    dispose()
  })
})
