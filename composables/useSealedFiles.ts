import { shallowRef, triggerRef } from 'vue'
import type { ChatMessage, FileInfo } from '../shared/protocol'
import { openFile } from '../utils/e2ee/sealed-file'
import type { SealedFileMeta } from '../utils/e2ee/sealed-message'
import { tryOnScopeDispose } from '../utils/scope'

export interface UseSealedFilesOptions {
  roomId: string
  /** The content key that opens this message's files (its generation's); undefined while it is not held. */
  key: (message: ChatMessage) => CryptoKey | undefined
  /** fetch, replaceable in tests. @default globalThis.fetch */
  fetch?: typeof fetch
}

export interface UseSealedFilesReturn {
  /**
   * The files of a sealed message as the page shows them: their own names,
   * types and sizes, and object URLs of their opened bytes once fetched (the
   * server's URLs serve only ciphertext). Fetching starts on the first ask.
   */
  filesOf: (message: ChatMessage, sealed: readonly SealedFileMeta[]) => FileInfo[]
}

/** Opened files kept at most; past it the oldest are let go (and their URLs revoked). */
const OPENED_FILES_MAX = 200

interface Opened { url?: string, thumbUrl?: string, failed?: true }

export function useSealedFiles({ roomId, key, fetch: fetchFile = (...args) => globalThis.fetch(...args) }: UseSealedFilesOptions): UseSealedFilesReturn {
  const opened = shallowRef(new Map<string, Opened>())
  let stopped = false

  async function fetchOpened(url: string, authorId: string, meta: SealedFileMeta, purpose: 'file' | 'thumb', roomKey: CryptoKey): Promise<string | undefined> {
    const answer = await fetchFile(url).catch(() => undefined)
    if (!answer?.ok) return undefined
    const blob = await openFile(roomKey, roomId, authorId, await answer.arrayBuffer(), meta, purpose)
    return blob && !stopped ? URL.createObjectURL(blob) : undefined
  }

  function forgetOldest(map: Map<string, Opened>) {
    while (map.size > OPENED_FILES_MAX) {
      const [oldest, entry] = map.entries().next().value as [string, Opened]
      for (const url of [entry.url, entry.thumbUrl]) if (url) URL.revokeObjectURL(url)
      map.delete(oldest)
    }
  }

  async function open(message: ChatMessage, meta: SealedFileMeta, roomKey: CryptoKey) {
    const server = new Map(message.attachments?.map(file => [file.id, file]))
    const file = server.get(meta.id)
    const thumb = meta.thumbId ? server.get(meta.thumbId) : undefined
    const [url, thumbUrl] = await Promise.all([
      file ? fetchOpened(file.url, message.from.id, meta, 'file', roomKey) : undefined,
      thumb ? fetchOpened(thumb.url, message.from.id, meta, 'thumb', roomKey) : undefined,
    ])
    if (stopped) return
    opened.value.set(meta.id, url ? { url, ...(thumbUrl ? { thumbUrl } : {}) } : { failed: true })
    forgetOldest(opened.value)
    triggerRef(opened)
  }

  function filesOf(message: ChatMessage, sealed: readonly SealedFileMeta[]): FileInfo[] {
    const roomKey = key(message)
    return sealed.map((meta) => {
      const shown = opened.value.get(meta.id)
      if (!shown && roomKey) {
        opened.value.set(meta.id, {})
        void open(message, meta, roomKey)
      }
      // Until opened (or when it will not open) the file shows by name, with no address to fetch.
      const { name, type, size, width, height } = meta
      return { id: meta.id, name, type, size, url: shown?.url ?? '', ...(width && height ? { width, height } : {}), ...(shown?.thumbUrl ? { thumbUrl: shown.thumbUrl } : {}) }
    })
  }

  tryOnScopeDispose(() => {
    stopped = true
    for (const entry of opened.value.values()) for (const url of [entry.url, entry.thumbUrl]) if (url) URL.revokeObjectURL(url)
  })

  return { filesOf }
}
