import { LIMITS } from '../../shared/protocol'
import { log } from '../log'
import { createHubSocketServer } from '../transport/hub-socket-server'
import { StreamSessions } from '../transport/stream-sessions'

/** After asking sockets to close, how long before the stragglers are cut. */
const SHUTDOWN_GRACE_MS = 2000
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
  // ask every client to reconnect elsewhere (1001), so the wait ends in time.
  // Nitro then waits for every HTTP request in flight, for up to 30 s, and
  // a request can wait on a Redis that hangs (each command is bounded by the
  // command timeout, but a request may issue several): the deadline bounds
  // the whole shutdown whatever Redis does.
  const shutdown = () => {
    log('shutdown', 'shutting down: closing sockets with 1001')
    hub.shutdown()
    setTimeout(() => hub.terminateAll(), SHUTDOWN_GRACE_MS).unref()
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
  })
})
