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

const BROWSER_ID_KEY = 'heartbeat:browser'

/**
 * This browser's own random id, made once and kept across rooms and page
 * loads: a removal bans it with the member, so that dropping the room's
 * token is not enough to come back. It says nothing about the person (it is
 * random), and without storage it lives as long as the page.
 */
export function browserIdOf(storage: ClientStorage | undefined, makeId: () => string): string {
  const kept = ignoreStorageErrors(() => storage?.getItem(BROWSER_ID_KEY) ?? undefined)
  if (kept) return kept
  const made = makeId()
  ignoreStorageErrors(() => storage?.setItem(BROWSER_ID_KEY, made))
  return made
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
