import { isOriginAllowed } from '../rooms/origin'

// ws already rejects text frames that are not UTF-8, and crossws hides the
// binary flag, so bytes that do not decode can only be a binary frame.
const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes)
  }
  catch {
    return undefined
  }
}

export default defineWebSocketHandler({
  upgrade(request) {
    const config = useRuntimeConfig()
    const allowed = String(config.allowedOrigins || '').split(',').filter(Boolean)
    if (!isOriginAllowed(request.headers.get('origin'), request.url, allowed, Boolean(config.requireOrigin))) {
      return new Response('origin not allowed', { status: 403 })
    }
  },
  open(peer) {
    useRoomHub().open(peer)
  },
  message(peer, message) {
    const bytes = message.uint8Array()
    useRoomHub().receive(peer, decodeText(bytes), bytes.byteLength)
  },
  close(peer) {
    useRoomHub().close(peer)
  },
})
