/** Which transport carries the link: a WebSocket, or the SSE + POST fallback (utils/fallback-socket.ts). */
export type LinkTransport = 'websocket' | 'fallback'

/** sessionStorage key: this browser session went to the fallback, so a reload does not wait for sockets again. */
export const TRANSPORT_STORAGE_KEY = 'heartbeat:transport'

export interface TransportChoiceOptions {
  /** Socket attempts that fail in a row (no open in time, or a close before the join answered) before the fallback. */
  failuresBeforeFallback: number
  /** Whether there is a fallback at all (none in tests that drive a fake socket). */
  fallbackAvailable: boolean
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined
}

/**
 * The page's choice between the two transports, as Phoenix's
 * longPollFallbackMs makes it: WebSocket first; after a few failed sockets in
 * a row, the fallback, remembered for the browser session; back to WebSocket
 * when a background probe opens one.
 */
export function createTransportChoice({ failuresBeforeFallback, fallbackAvailable, storage }: TransportChoiceOptions) {
  let failures = 0
  let current: LinkTransport = fallbackAvailable && readStorage(storage) === 'fallback' ? 'fallback' : 'websocket'
  return {
    get current(): LinkTransport {
      return current
    },
    /** A socket failed before its join answered; true when that makes the fallback the transport now. */
    socketFailed(): boolean {
      if (current !== 'websocket' || !fallbackAvailable) return false
      if (++failures < failuresBeforeFallback) return false
      current = 'fallback'
      failures = 0
      writeStorage(storage, 'fallback')
      return true
    },
    /** A join answered: the failures no longer count as "in a row". */
    joined(): void {
      failures = 0
    },
    /** A probe socket opened: WebSocket works again. */
    socketWorks(): void {
      current = 'websocket'
      failures = 0
      writeStorage(storage, undefined)
    },
  }
}

// Storage throws in some private modes and sandboxed frames: the choice then lasts for the page only.
function readStorage(storage: TransportChoiceOptions['storage']): string | null {
  try {
    return storage?.getItem(TRANSPORT_STORAGE_KEY) ?? null
  }
  catch {
    return null
  }
}

function writeStorage(storage: TransportChoiceOptions['storage'], value: LinkTransport | undefined): void {
  try {
    if (value) storage?.setItem(TRANSPORT_STORAGE_KEY, value)
    else storage?.removeItem(TRANSPORT_STORAGE_KEY)
  }
  catch {
    // As above: nothing to remember it in.
  }
}
