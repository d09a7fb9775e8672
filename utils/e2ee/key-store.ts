// "Remember on this device": a room's content keys kept in IndexedDB as
// CryptoKey objects. They are not extractable, so the page can use them after
// a reload, but no script (this page's included) can read their bytes out.
// One entry per key generation: the first under the room's id (as before rooms
// could change their password), each later one under `id#generation`.
import { FIRST_KEY_GENERATION } from '../../shared/protocol'

const DB_NAME = 'heartbeat-e2ee'
const STORE = 'room-keys'

function openKeyDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openKeyDatabase()
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE))
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
  }
  finally {
    db.close()
  }
}

const available = () => typeof indexedDB !== 'undefined'

/** The entry's name of a room's key of one generation. */
export function storedKeyName(roomId: string, generation = FIRST_KEY_GENERATION): string {
  return generation === FIRST_KEY_GENERATION ? roomId : `${roomId}#${generation}`
}

export async function storeRoomKey(roomId: string, key: CryptoKey, generation = FIRST_KEY_GENERATION): Promise<void> {
  if (available()) await withStore('readwrite', store => store.put(key, storedKeyName(roomId, generation)))
}

/** The remembered key, or undefined (none, or no IndexedDB, as in a private window of some browsers). */
export async function loadRoomKey(roomId: string, generation = FIRST_KEY_GENERATION): Promise<CryptoKey | undefined> {
  if (!available()) return undefined
  try {
    const key = await withStore<unknown>('readonly', store => store.get(storedKeyName(roomId, generation)))
    return key instanceof CryptoKey ? key : undefined
  }
  catch {
    return undefined
  }
}

/** Forgets the key of `generation`, or every generation's (room ids hold no '#', so the range is this room's alone). */
export async function forgetStoredRoomKeys(roomId: string, generation?: number): Promise<void> {
  if (!available()) return
  if (generation !== undefined) return withStore('readwrite', store => store.delete(storedKeyName(roomId, generation))).catch(() => {})
  await withStore('readwrite', store => store.delete(roomId)).catch(() => {})
  await withStore('readwrite', store => store.delete(IDBKeyRange.bound(`${roomId}#`, `${roomId}#\uffff`))).catch(() => {})
}
