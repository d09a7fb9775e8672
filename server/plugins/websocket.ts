import { LIMITS } from '../../shared/protocol'
import { log } from '../log'
import { createHubSocketServer } from '../transport/hub-socket-server'
import { StreamSessions } from '../transport/stream-sessions'

/** SIGTERM closes the sockets over this long, in random order, so that their reconnects to the other instances are spread out. */
const SHUTDOWN_SPREAD_MS = 1500
/** After asking the last sockets to close, how long before the stragglers are cut. */
const SHUTDOWN_GRACE_MS = 1000
/** However the shutdown goes, the process is gone this long after the signal. */
const SHUTDOWN_DEADLINE_MS = 4000

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  // The Origin rules of the socket, and of the HTTP fallback (server/routes/ws/*).
  const gate = {
    allowedOrigins: String(config.allowedOrigins || '').split(',').map(origin => origin.trim()).filter(Boolean),
    requireOrigin: Boolean(config.requireOrigin),
    publicOrigin: String(config.public.origin || ''),
    trustedProxies: useTrustedProxies(),
  }
  // crossws upgrades through this `ws` server when the node server starts.
  // Without maxPayload, ws would buffer a frame of up to 100 MiB: frames up
  // to 4x the protocol limit get a TOO_LARGE answer, larger ones close the
  // socket with 1009 before they are read into memory.
  const transport = createHubSocketServer(useRoomHub, {
    path: `${String(config.app.baseURL || '/').replace(/\/$/, '')}/ws`,
    ...gate,
    maxSocketsPerAddress: Number(config.maxConnectionsPerAddress),
    sendBudget: {
      hardMarkBytes: Number(config.socketBufferMaxBytes),
      totalBytes: Number(config.socketBuffersTotalMaxBytes),
    },
    ws: { maxPayload: LIMITS.frameMaxBytes * 4, perMessageDeflate: false },
  })
  Object.assign(nitroApp.h3App.websocket, { wss: transport.server })
  // The HTTP fallback shares the sockets' slots per address and send budget.
  const streams = new StreamSessions(useRoomHub, transport.slots, transport.budget, { resumeWindowMs: Number(config.streamResumeWindowMs) })
  useStreamTransport({ sessions: streams, gate })
  useTransportStats(() => ({ ...transport.stats(), streamSessions: streams.size }))
  const hub = useRoomHub()

  // Nitro's graceful shutdown stops accepting connections on SIGTERM and then
  // waits for open ones, but an upgraded socket never goes idle on its own:
  // ask every client to reconnect elsewhere (1001, which the page answers by
  // reconnecting with its shortest backoff), a few at a time, so the wait ends in time and the
  // other instances are not hit by every client in the same instant.
  // Nitro then waits for every HTTP request in flight, for up to 30 s, and
  // a request can wait on a Redis that hangs (each command is bounded by the
  // command timeout, but a request may issue several): the deadline bounds
  // the whole shutdown whatever Redis does.
  const shutdown = () => {
    log('shutdown', `shutting down: no more upgrades; closing sockets with 1001 over ${SHUTDOWN_SPREAD_MS} ms`, { sockets: hub.stats().connections })
    transport.stopUpgrades()
    hub.shutdown(SHUTDOWN_SPREAD_MS)
    setTimeout(() => hub.terminateAll(), SHUTDOWN_SPREAD_MS + SHUTDOWN_GRACE_MS).unref()
    setTimeout(() => {
      log('shutdown_overdue', `shutdown took over ${SHUTDOWN_DEADLINE_MS} ms: exiting now`)
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
  nitroApp.hooks.hook('close', async () => {
    transport.dispose()
    streams.dispose()
    hub.stop()
    await useFileService().stop()
    await hub.store.close()
    log('stop', 'stopped: every socket closed and the store written')
  })
})
