// "Remember on this device": a room's content key kept in IndexedDB as a
// CryptoKey object. It is not extractable, so the page can use it after a
// reload, but no script (this page's included) can read its bytes out.

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

export async function storeRoomKey(roomId: string, key: CryptoKey): Promise<void> {
  if (available()) await withStore('readwrite', store => store.put(key, roomId))
}

/** The remembered key, or undefined (none, or no IndexedDB, as in a private window of some browsers). */
export async function loadRoomKey(roomId: string): Promise<CryptoKey | undefined> {
  if (!available()) return undefined
  try {
    const key = await withStore<unknown>('readonly', store => store.get(roomId))
    return key instanceof CryptoKey ? key : undefined
  }
  catch {
    return undefined
  }
}

export async function forgetStoredRoomKey(roomId: string): Promise<void> {
  if (available()) await withStore('readwrite', store => store.delete(roomId)).catch(() => {})
}
