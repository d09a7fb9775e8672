import type { MaybeRefOrGetter } from 'vue'
import { toValue } from 'vue'

export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export interface MemberTokenStore {
  read: () => string | undefined
  write: (token: string) => void
  forget: () => void
}

/**
 * The member token of the room, kept under `heartbeat:token:<roomId>` so that a
 * reconnect, a reload or a second tab joins as the same member.
 */
export function memberTokenStore(storage: TokenStorage | undefined, roomId: MaybeRefOrGetter<string>): MemberTokenStore {
  const key = () => `heartbeat:token:${toValue(roomId)}`
  return {
    read: () => ignoreStorageErrors(() => storage?.getItem(key()) ?? undefined),
    write: token => ignoreStorageErrors(() => storage?.setItem(key(), token)),
    forget: () => ignoreStorageErrors(() => storage?.removeItem(key())),
  }
}

/** localStorage in a browser; undefined on the server or where storage is blocked. */
export function defaultTokenStorage(): TokenStorage | undefined {
  return ignoreStorageErrors(() => (typeof window === 'undefined' ? undefined : window.localStorage))
}

// Storage throws where it is blocked (some private modes, full quota); the
// member then just gets a new token at the next join.
function ignoreStorageErrors<T>(action: () => T): T | undefined {
  try {
    return action()
  }
  catch {
    return undefined
  }
}
