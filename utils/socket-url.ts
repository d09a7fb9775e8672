/** `ws(s)://<host>/ws` of the current page, wss when the page is https; '' on the server. */
export function defaultSocketUrl(): string {
  if (typeof window === 'undefined') return ''
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}

/** The HTTP endpoint of a member action (`away`, `leave`), on the same host as the socket. */
export function memberActionUrl(socketUrl: string, roomId: string, action: 'away' | 'leave', base?: string): string {
  const origin = new URL(socketUrl, base)
  origin.protocol = origin.protocol === 'wss:' ? 'https:' : 'http:'
  return `${origin.origin}/api/rooms/${encodeURIComponent(roomId)}/${action}`
}
