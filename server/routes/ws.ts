import { isOriginAllowed } from '../rooms/origin'

// Only the upgrade runs here; the open socket goes straight to the hub
// (server/transport/hub-socket-server.ts).
export default defineWebSocketHandler({
  upgrade(request) {
    const config = useRuntimeConfig()
    const allowed = String(config.allowedOrigins || '').split(',').filter(Boolean)
    if (!isOriginAllowed(request.headers.get('origin'), request.url, allowed, Boolean(config.requireOrigin))) {
      return new Response('origin not allowed', { status: 403 })
    }
  },
})
