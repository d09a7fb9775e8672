/**
 * Whether a WebSocket upgrade may proceed. Browsers always send Origin, so a
 * missing one is a non-browser client, allowed unless `requireOrigin`.
 * Origins are compared whole (scheme, host and port), never as substrings.
 */
export function isOriginAllowed(origin: string | null, requestUrl: string, allowedOrigins: readonly string[], requireOrigin = false): boolean {
  if (!origin) return !requireOrigin
  let candidate: string
  try {
    candidate = new URL(origin).origin
  }
  catch {
    return false
  }
  if (candidate === new URL(requestUrl).origin) return true
  return allowedOrigins.some(allowed => safeOrigin(allowed) === candidate)
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value.trim()).origin
  }
  catch {
    return undefined
  }
}
