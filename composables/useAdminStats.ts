import type { ShallowRef } from 'vue'
import { getCurrentScope, onScopeDispose, shallowRef, watch } from 'vue'

export interface AdminSample { at: number, connections: number, rooms: number, membersOnline: number, messagesPerSecond: number }
/** One instance of a Redis fleet; the first is the one that answered. */
export interface AdminInstance { instanceId: string, name?: string, beatAgeMs: number, connections?: number }

/** GET /api/admin/stats (server/api/admin/stats.get.ts). */
export interface AdminStats {
  /** The answering instance's name (NUXT_METRICS_INSTANCE) in Redis mode. */
  instance: string | null
  sampleMs: number
  spanMs: number
  /** Oldest first; the last one is the figures at the time of the answer. */
  samples: AdminSample[]
  lobbyWatchers: number
  busiest: { rooms: Array<{ title: string, connections: number }>, others: { rooms: number, connections: number } }
  /** Empty without Redis; null when Redis did not answer. */
  instances: AdminInstance[] | null
}

/** `wrong`: 401; `off`: 404, no token configured; `rate-limited`: 429; `unreachable`: anything else, retried. */
export type AdminStatus = 'no-token' | 'loading' | 'ok' | 'wrong' | 'off' | 'rate-limited' | 'unreachable'

export interface UseAdminStatsOptions {
  /** How often the figures are asked for while a token is set. @default 5000 */
  pollMs?: number
  /** Where the token is kept for the browser session (never a URL). @default window.sessionStorage */
  storage?: () => Storage | undefined
}

export interface UseAdminStatsReturn {
  status: ShallowRef<AdminStatus>
  stats: ShallowRef<AdminStats | undefined>
  /** When the last answer came, ms. */
  updatedAt: ShallowRef<number | undefined>
  retryAfterMs: ShallowRef<number>
  hasToken: ShallowRef<boolean>
  useToken: (token: string) => void
  forgetToken: () => void
  close: () => void
}

export const ADMIN_TOKEN_KEY = 'heartbeat:admin-token'

/**
 * The admin page's figures: the token from the browser session, sent as a
 * bearer header, and a poll while it is accepted. A wrong token stops the
 * poll (asking again would only count as another wrong guess).
 */
export function useAdminStats(options: UseAdminStatsOptions = {}): UseAdminStatsReturn {
  const {
    pollMs = 5000,
    storage = () => (typeof window === 'undefined' ? undefined : window.sessionStorage),
  } = options
  const status = shallowRef<AdminStatus>('no-token')
  const stats = shallowRef<AdminStats>()
  const updatedAt = shallowRef<number>()
  const retryAfterMs = shallowRef(0)
  const hasToken = shallowRef(false)
  let token = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  let asking: AbortController | undefined

  function stop() {
    clearTimeout(timer)
    timer = undefined
    asking?.abort()
    asking = undefined
  }

  async function ask() {
    stop()
    const controller = asking = new AbortController()
    const sent = token
    let next: number | undefined = pollMs
    try {
      const res = await fetch('/api/admin/stats', { headers: { authorization: `Bearer ${sent}` }, signal: controller.signal, cache: 'no-store' })
      if (controller !== asking) return
      if (res.ok) {
        stats.value = await res.json() as AdminStats
        updatedAt.value = Date.now()
        status.value = 'ok'
      }
      else if (res.status === 401) {
        status.value = 'wrong'
        next = undefined
      }
      else if (res.status === 404) {
        status.value = 'off'
        next = undefined
      }
      else if (res.status === 429) {
        retryAfterMs.value = Number(res.headers.get('retry-after') ?? 10) * 1000
        status.value = 'rate-limited'
        next = retryAfterMs.value
      }
      else status.value = 'unreachable'
    }
    catch {
      if (controller !== asking) return
      status.value = 'unreachable'
    }
    if (controller !== asking) return
    asking = undefined
    if (next !== undefined) timer = setTimeout(() => void ask(), next)
  }

  function useToken(value: string) {
    token = value.trim()
    if (!token) return forgetToken()
    storage()?.setItem(ADMIN_TOKEN_KEY, token)
    hasToken.value = true
    status.value = 'loading'
    void ask()
  }

  function forgetToken() {
    stop()
    token = ''
    storage()?.removeItem(ADMIN_TOKEN_KEY)
    hasToken.value = false
    stats.value = undefined
    status.value = 'no-token'
  }

  function close() {
    stop()
  }

  if (import.meta.client) {
    const kept = storage()?.getItem(ADMIN_TOKEN_KEY)
    if (kept) useToken(kept)
  }
  // A wrong token is forgotten from storage, so that a reload asks again rather than guessing again.
  watch(status, (now) => {
    if (now === 'wrong') storage()?.removeItem(ADMIN_TOKEN_KEY)
  })
  if (getCurrentScope()) onScopeDispose(close)

  return { status, stats, updatedAt, retryAfterMs, hasToken, useToken, forgetToken, close }
}
