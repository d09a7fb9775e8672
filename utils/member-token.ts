import type { MaybeRefOrGetter } from 'vue'
import { toValue } from 'vue'
import { ignoreStorageErrors } from './client-storage'
import type { ClientStorage } from './client-storage'

export interface MemberTokenStore {
  /** The storage key, for telling this room's storage events from others. */
  key: () => string
  read: () => string | undefined
  write: (token: string) => void
  forget: () => void
}

/**
 * The member token of the room, kept under `heartbeat:token:<roomId>` so that a
 * reconnect, a reload or a second tab joins as the same member. Without
 * storage the member just gets a new token at the next join.
 */
export function memberTokenStore(storage: ClientStorage | undefined, roomId: MaybeRefOrGetter<string>): MemberTokenStore {
  const key = () => `heartbeat:token:${toValue(roomId)}`
  return {
    key,
    read: () => ignoreStorageErrors(() => storage?.getItem(key()) ?? undefined),
    write: token => ignoreStorageErrors(() => storage?.setItem(key(), token)),
    forget: () => ignoreStorageErrors(() => storage?.removeItem(key())),
  }
}
