import type { H3Event } from 'h3'
import { clientAddress, TrustedProxies } from '../transport/client-address'

let trusted: TrustedProxies | undefined

/** NUXT_TRUSTED_PROXIES, parsed once; a bad entry stops the start with a message that names it. */
export function useTrustedProxies(): TrustedProxies {
  trusted ??= new TrustedProxies(String(useRuntimeConfig().trustedProxies || ''))
  return trusted
}

/** The address that per-address limits count for this request (docs/deploy.md). */
export function requestClientAddress(event: H3Event): string {
  const req = event.node.req
  return clientAddress(req.socket.remoteAddress, req.headers, useTrustedProxies())
}
