import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { defineNuxtModule } from 'nuxt/kit'

type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown

/**
 * Development only. `nuxt dev` proxies each WebSocket upgrade to its Nitro
 * worker, and the proxy's promise rejects when the browser resets the
 * connection (a closed laptop, a killed tab): nothing awaits it, so the dev
 * server logs an unhandled `read ECONNRESET` and restarts, cutting every other
 * socket. A reset is how browsers leave; the socket is simply dropped.
 */
export default defineNuxtModule({
  meta: { name: 'dev-socket-resets' },
  setup(_options, nuxt) {
    if (!nuxt.options.dev) return
    // nuxt.server exists by the time the dev server listens; it is looked up at every upgrade.
    nuxt.hook('listen', () => {
      const server = nuxt.server as { upgrade?: Upgrade } | undefined
      const upgrade = server?.upgrade
      if (!server || typeof upgrade !== 'function') return
      server.upgrade = (req, socket, head) => Promise.resolve(upgrade.call(server, req, socket, head)).catch(() => socket.destroy())
    })
  },
})
