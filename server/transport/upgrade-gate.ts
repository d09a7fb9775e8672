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

type OriginRefusal = UpgradeVerdict & { ok: false }

const ORIGIN_REFUSED: OriginRefusal = { ok: false, status: 403, code: 'ORIGIN_NOT_ALLOWED', message: 'this origin may not open a connection here' }
/** Verdicts by Origin and Host, per gate: a page on the fallback sends the same pair with every POST. */
const verdicts = new WeakMap<object, Map<string, boolean>>()
/** Pairs remembered per gate; past it they are forgotten at once (a client inventing Origins only costs itself the parsing). */
const MAX_REMEMBERED_ORIGINS = 256

/** The Origin check alone, for a caller that has the client address already: a refusal, or undefined. */
export function originRefusal(request: IncomingMessage, pathname: string, options: Omit<UpgradeGateOptions, 'path'>): OriginRefusal | undefined {
  const origin = request.headers.origin
  // No Origin: not a browser, which the check below lets in unless required.
  if (!origin && !options.requireOrigin) return undefined
  const host = request.headers.host ?? 'localhost'
  let remembered = verdicts.get(options)
  if (!remembered) verdicts.set(options, remembered = new Map())
  // The path does not change an origin: the pair decides.
  const key = `${origin ?? ''}\n${host}`
  let allowed = remembered.get(key)
  if (allowed === undefined) {
    allowed = isOwnOrAllowed(origin, host, pathname, options)
    if (remembered.size >= MAX_REMEMBERED_ORIGINS) remembered.clear()
    remembered.set(key, allowed)
  }
  return allowed ? undefined : ORIGIN_REFUSED
}

function isOwnOrAllowed(origin: string | undefined, host: string, pathname: string, options: Omit<UpgradeGateOptions, 'path'>): boolean {
  // Without a configured public origin, "our own" is whatever Host the
  // request names, which a DNS-rebinding page controls (docs/security.md).
  const ownUrl = options.publicOrigin || `http://${host}${pathname}`
  const allowed = [...options.allowedOrigins]
  // A page served over https behind a TLS-terminating proxy still counts as our own origin.
  if (!options.publicOrigin) allowed.push(`https://${host}`)
  return isOriginAllowed(origin ?? null, ownUrl, allowed, options.requireOrigin)
}
