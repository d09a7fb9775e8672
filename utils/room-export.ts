/** The formats a room's history downloads in. */
export type ExportFormat = 'md' | 'json'

/** How a download ended: saved, or why not (the page says which). */
export type ExportOutcome = { ok: true } | { ok: false, reason: 'notMember' | 'rateLimited' | 'failed', retryAfterS?: number }

export interface ExportDeps {
  fetch: typeof fetch
  /** Hands the file to the browser to save. */
  save: (file: Blob, name: string) => void
}

/** Saves through a link with `download`: the browser's own download, nothing opened. */
export function saveWithLink(file: Blob, name: string): void {
  const address = URL.createObjectURL(file)
  const link = Object.assign(document.createElement('a'), { href: address, download: name })
  document.body.append(link)
  link.click()
  link.remove()
  // After the click has been handled: revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(address), 10_000)
}

/**
 * Downloads the room's history as this member sees it. The token goes in the
 * Authorization header, never in the URL, where logs and history keep it;
 * that is why this is a fetch and not a plain link.
 */
// fetch is called as a plain function: taken off `window` as a method it throws "Illegal invocation".
const browserDeps: ExportDeps = { fetch: (input, init) => globalThis.fetch(input, init), save: saveWithLink }

export async function downloadRoomExport(roomId: string, token: string, format: ExportFormat, deps: ExportDeps = browserDeps): Promise<ExportOutcome> {
  try {
    const response = await deps.fetch(`/api/rooms/${encodeURIComponent(roomId)}/export?format=${format}`, { headers: { Authorization: `Bearer ${token}` } })
    if (response.status === 401 || response.status === 403) return { ok: false, reason: 'notMember' }
    if (response.status === 429) return { ok: false, reason: 'rateLimited', retryAfterS: Number(response.headers.get('Retry-After')) || 60 }
    if (!response.ok) return { ok: false, reason: 'failed' }
    deps.save(await response.blob(), `${roomId}.${format}`)
    return { ok: true }
  }
  catch {
    return { ok: false, reason: 'failed' }
  }
}
