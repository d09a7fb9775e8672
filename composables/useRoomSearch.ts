import type { Ref } from 'vue'
import { getCurrentScope, onScopeDispose, shallowRef } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { LobbyRoom } from '../shared/protocol'

export interface UseRoomSearchOptions {
  /** Asks `GET /api/rooms?q=&limit=`. @default `fetch` of `/api/rooms` on the page's origin */
  fetchPage?: (query: string, limit: number) => Promise<{ rooms: LobbyRoom[] }>
  /** Typing pause before asking the server. @default 300 */
  debounceMs?: number
  /** Rooms asked for per search. @default 20 */
  limit?: number
}

export interface UseRoomSearchReturn {
  /** Public rooms matching the last query, as the server listed them when asked (not kept live). */
  found: Readonly<Ref<LobbyRoom[]>>
  search: (query: string) => void
  close: () => void
}

async function fetchListing(query: string, limit: number): Promise<{ rooms: LobbyRoom[] }> {
  const params = new URLSearchParams({ q: query, limit: String(limit) })
  const response = await fetch(`/api/rooms?${params}`)
  if (!response.ok) return { rooms: [] }
  return await response.json() as { rooms: LobbyRoom[] }
}

/**
 * The lobby's live list holds the busiest rooms only; a search also asks the
 * server's listing, which holds every public room, once the person stops
 * typing. An answer to an older query is dropped.
 */
export function useRoomSearch(options: UseRoomSearchOptions = {}): UseRoomSearchReturn {
  const { fetchPage = fetchListing, debounceMs = 300, limit = 20 } = options
  const found = shallowRef<LobbyRoom[]>([])
  let timer: ReturnType<typeof setTimeout> | undefined
  let latest = ''

  function search(query: string) {
    clearTimeout(timer)
    latest = query.trim().slice(0, LIMITS.lobbySearchMaxLength)
    found.value = []
    if (!latest) return
    const asked = latest
    timer = setTimeout(() => {
      fetchPage(asked, limit)
        .then(({ rooms }) => { if (asked === latest) found.value = rooms })
        .catch(() => {})
    }, debounceMs)
  }

  function close() {
    clearTimeout(timer)
    latest = ''
  }

  if (getCurrentScope()) onScopeDispose(close)
  return { found, search, close }
}
