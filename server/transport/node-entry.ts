// The production server: Nitro's node-server entry (nitropack's
// presets/node/runtime/node-server.mjs) with what it does not let a plugin
// set: short header and request timeouts, a cap on TCP connections per client
// address and in total, checked before any byte is read. nuxt.config.ts
// uses it for production builds only; `nuxt dev` keeps Nitro's own.
import './production-env'
import '#nitro-internal-pollyfills'
import { Server as HttpServer } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import wsAdapter from 'crossws/adapters/node'
import { toNodeListener } from 'h3'
import { useNitroApp, useRuntimeConfig } from 'nitropack/runtime'
import { setupGracefulShutdown, trapUnhandledNodeErrors } from 'nitropack/runtime/internal/index'
import { AddressSlots } from './address-slots'
import { log } from '../log'
import { useTrustedProxies } from '../utils/client-address'
import { peerGroup } from './client-address'
import { connectionBudget } from './connection-budget'
import { serveFallbackDirectly } from './fallback-direct'

const nitroApp = useNitroApp()
const config = useRuntimeConfig()
const nitroListener = toNodeListener(nitroApp.h3App)
const server = new HttpServer({
  headersTimeout: Number(config.headersTimeoutMs),
  requestTimeout: Number(config.requestTimeoutMs),
  // The timeouts above are enforced on this beat (Node's default is 30 s).
  connectionsCheckingInterval: 1000,
  // A page on the fallback POSTs a ping every heartbeat (6 s): Node's default
  // of 5 s closes its connection between two, and every ping would cost a
  // new TCP connection (accepted, parsed, closed) where a socket's costs a
  // frame. Two heartbeats keep it; the per-address TCP cap still bounds them.
  keepAliveTimeout: Math.max(5000, 2 * Number(config.public.heartbeatIntervalMs)),
}, (req, res) => {
  if (!serveFallbackDirectly(req, res)) void nitroListener(req, res)
})

const budget = connectionBudget(Number(config.maxConnections))
if (budget.maxConnections > 0) server.maxConnections = budget.maxConnections
log('connection_budget', budget.describe())

// Counted by the peer: a trusted proxy's connections carry many clients (the
// per-client limits behind it use X-Forwarded-For, server/utils/client-address.ts).
const tcpSlots = new AddressSlots(Number(config.maxTcpConnectionsPerAddress))
server.on('connection', (socket: Socket) => {
  const peer = socket.remoteAddress ?? 'unknown'
  if (useTrustedProxies().has(peer)) return
  const address = peerGroup(peer)
  if (!tcpSlots.take(address)) return void socket.destroy()
  // `on`: close comes once, and `once` would hold a wrapper and a bound
  // function for every open connection.
  socket.on('close', () => tcpSlots.release(address))
})

const port = Number(process.env.NITRO_PORT || process.env.PORT || 3000)
const host = process.env.NITRO_HOST || process.env.HOST
const listener = server.listen({ port, host }, () => {
  const address = listener.address()
  if (!address || typeof address === 'string') return
  const baseURL = String(config.app.baseURL || '').replace(/\/$/, '')
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  log('start', `Listening on http://${shown}:${address.port}${baseURL}`, { port: address.port, node: process.version })
})
trapUnhandledNodeErrors()
setupGracefulShutdown(listener, nitroApp)
const { handleUpgrade } = wsAdapter(nitroApp.h3App.websocket)
server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
  // Nitro's graceful shutdown destroys at once every connection it marks
  // idle, and an upgraded one never had a 'request' to unmark it: marked
  // busy, it is waited for while SIGTERM closes the sockets a few at a time
  // (server/plugins/websocket.ts), within that shutdown's own deadline.
  Object.assign(socket, { _isIdle: false })
  // crossws answers an upgrade asynchronously; should that fail, the socket
  // is cut rather than left open with nobody answering it.
  handleUpgrade(request, socket, head).catch((error: unknown) => {
    log('upgrade_failed', `an upgrade failed: ${error instanceof Error ? error.message : String(error)}`)
    socket.destroy()
  })
})

export default {}
