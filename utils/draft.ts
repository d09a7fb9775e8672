import { ignoreStorageErrors } from './client-storage'
import type { ClientStorage } from './client-storage'

export interface DraftStore {
  read: () => string
  write: (text: string) => void
}

/** What is typed and not yet sent in a room, kept under `heartbeat:draft:<roomId>` so a reload keeps it. */
export function draftStore(storage: ClientStorage | undefined, roomId: string | undefined): DraftStore {
  const key = `heartbeat:draft:${roomId}`
  return {
    read: () => (roomId && ignoreStorageErrors(() => storage?.getItem(key))) || '',
    write: text => void (roomId && ignoreStorageErrors(() => (text ? storage?.setItem(key, text) : storage?.removeItem(key)))),
  }
}
