import type { IncomingMessage } from 'node:http'
import { isOriginAllowed } from '../rooms/origin'
import { clientAddress } from './client-address'
import type { TrustedProxies } from './client-address'

export interface UpgradeGateOptions {
  /** The one path that upgrades, e.g. '/ws'. */
  path: string
  /** Origins allowed besides the app's own. */
  allowedOrigins: readonly string[]
  requireOrigin: boolean
  /** The app's public origin (`NUXT_PUBLIC_ORIGIN`): when set, it replaces the Host header as "our own origin". */
  publicOrigin: string
  trustedProxies: TrustedProxies
}

export type UpgradeVerdict
  = | { ok: true, address: string }
    | { ok: false, status: number, code: string, message: string }

/**
 * Every upgrade the server accepts passes here, whatever its path: crossws
 * would otherwise hand a socket to any path that has no WebSocket handler,
 * without the route's origin check.
 */
export function judgeUpgrade(request: IncomingMessage, options: UpgradeGateOptions): UpgradeVerdict {
  const pathname = (request.url ?? '').split('?', 1)[0]!
  if (pathname !== options.path) return { ok: false, status: 404, code: 'NOT_FOUND', message: `WebSocket connections are served on ${options.path} only` }
  return judgeOrigin(request, pathname, options)
}

/**
 * The Origin check of the socket, shared with the fallback's stream and
 * POSTs (server/transport/stream-gate.ts): a page on another site gains
 * nothing by choosing the HTTP transport.
 */
export function judgeOrigin(request: IncomingMessage, pathname: string, options: Omit<UpgradeGateOptions, 'path'>): UpgradeVerdict {
  return originRefusal(request, pathname, options)
    ?? { ok: true, address: clientAddress(request.socket.remoteAddress, request.headers, options.trustedProxies) }
}

/** The Origin check alone, for a caller that has the client address already: a refusal, or undefined. */
export function originRefusal(request: IncomingMessage, pathname: string, options: Omit<UpgradeGateOptions, 'path'>): (UpgradeVerdict & { ok: false }) | undefined {
  const origin = request.headers.origin
  // No Origin: not a browser, which the check below lets in unless required.
  if (!origin && !options.requireOrigin) return undefined
  const host = request.headers.host ?? 'localhost'
  // Without a configured public origin, "our own" is whatever Host the
  // request names, which a DNS-rebinding page controls (docs/security.md).
  const ownUrl = options.publicOrigin || `http://${host}${pathname}`
  const allowed = [...options.allowedOrigins]
  // A page served over https behind a TLS-terminating proxy still counts as our own origin.
  if (!options.publicOrigin) allowed.push(`https://${host}`)
  if (!isOriginAllowed(origin ?? null, ownUrl, allowed, options.requireOrigin)) {
    return { ok: false, status: 403, code: 'ORIGIN_NOT_ALLOWED', message: 'this origin may not open a connection here' }
  }
  return undefined
}
