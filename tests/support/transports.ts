import type { RunningServer } from './server'
import { closeAllStreams, connectStream } from './stream-client'
import type { StreamClient } from './stream-client'
import { closeAllClients, connect } from './ws-client'
import type { TestClient } from './ws-client'

/** What a scenario uses of a client, whichever transport carries it. */
export type AnyClient = Omit<TestClient, 'ws'> | StreamClient

export interface TestTransport {
  name: string
  connect: (server: RunningServer, localAddress?: string) => Promise<AnyClient>
}

/**
 * The two ways a page reaches the hub: a WebSocket, and the fallback (SSE
 * down, POSTs up). A scenario written once against `TestTransport` runs over
 * both (describe.each), so the fallback is held to what the socket does.
 */
export const TRANSPORTS: TestTransport[] = [
  { name: 'WebSocket', connect: (server, localAddress) => connect(server.wsUrl, localAddress ? { localAddress } : {}) },
  { name: 'the fallback (SSE and POST)', connect: (server, localAddress) => connectStream(server.url, { localAddress }) },
]

/**
 * Each fallback frame is a POST, and every test client comes from 127.0.0.1:
 * the HTTP bucket per address has its own tests (http-limits, fallback-hostile).
 */
export const ROOMY_HTTP_ENV = { NUXT_HTTP_REQUESTS_PER_SECOND: '10000', NUXT_HTTP_BURST: '10000' }

/** Joins over the transport (creating the room if new, as the ws helper's joinRoom does). */
export async function joinOver(transport: TestTransport, server: RunningServer, roomId: string, name: string, extra: Record<string, unknown> = {}, localAddress?: string) {
  const client = await transport.connect(server, localAddress)
  client.send({ type: 'join', roomId, name, create: true, ...extra })
  const joined = await client.next('joined')
  return { client, joined }
}

/** For afterEach: no socket or stream outlives its test. */
export function closeEveryClient(): void {
  closeAllClients()
  closeAllStreams()
}
