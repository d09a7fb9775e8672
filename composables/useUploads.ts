import type { MaybeRefOrGetter, Ref, ComputedRef } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue } from 'vue'
import { LIMITS } from '../shared/protocol'
import type { FileInfo } from '../shared/protocol'
import { SEALED_NAME } from '../utils/e2ee/sealed-file'
import type { SealedUpload } from '../utils/e2ee/sealed-file'
import type { SealableFile } from './useSealedSending'

/** Why an upload did not finish, as the row says it (translated under `media.uploadError.*`). */
export type UploadFailure = 'unauthorized' | 'tooLarge' | 'typeNotAllowed' | 'rateLimited' | 'roomFull' | 'unavailable' | 'tooMany' | 'failed'

export interface Upload {
  /** This page's own id for the row. */
  key: string
  name: string
  size: number
  /** Bytes sent so far. */
  loaded: number
  state: 'uploading' | 'done' | 'failed'
  /** What the server made of it, once done. */
  file?: FileInfo
  failure?: UploadFailure
  /** An object URL of the image's own bytes, for a thumbnail before it is sent; revoked when the row goes. */
  preview?: string
  /** In an end-to-end encrypted room: the sealed thumbnail of an image, uploaded with it and sent with it. */
  thumb?: FileInfo
}

export interface UseUploadsOptions {
  roomId: MaybeRefOrGetter<string>
  /** The member token the server asks for; read when each upload starts. */
  token: () => string | undefined
  /** Files one batch may hold at once, failed ones not counted. @default LIMITS.attachmentsPerMessage */
  maxFiles?: number
  /** XMLHttpRequest constructor, replaceable in tests: fetch reports no upload progress and cannot be aborted mid-body everywhere. @default globalThis.XMLHttpRequest */
  XMLHttpRequest?: typeof XMLHttpRequest
  /**
   * In an end-to-end encrypted room: seals a file (and makes its thumbnail)
   * before it is uploaded; undefined when it cannot be sealed now.
   * @default undefined (files go as they are)
   */
  seal?: MaybeRefOrGetter<FileSealer | undefined>
}

export type FileSealer = (file: Blob, name: string) => Promise<SealedUpload | undefined>

export interface UseUploadsReturn {
  uploads: Readonly<Ref<Upload[]>>
  /** Some upload is still sending. */
  busy: ComputedRef<boolean>
  /** Files uploaded and not yet sent, in the order they were added. */
  files: ComputedRef<FileInfo[]>
  /** Starts uploading; `durationMs` goes with a voice clip. Resolves with the file, or undefined when it failed or was cancelled. */
  add: (file: Blob, options?: { name?: string, durationMs?: number }) => { key: string, done: Promise<FileInfo | undefined> }
  /** Aborts a running upload, or removes a finished or failed row. */
  cancel: (key: string) => void
  /** Forgets the finished rows (their files were sent). */
  clearDone: () => void
  /** Resolves once nothing is uploading any more. */
  settled: () => Promise<void>
  /** Aborts everything. */
  close: () => void
}

const FAILURE_BY_STATUS: Record<number, UploadFailure> = { 401: 'unauthorized', 403: 'unauthorized', 413: 'tooLarge', 415: 'typeNotAllowed', 429: 'rateLimited', 503: 'unavailable', 507: 'unavailable' }

// The answer's status says most; a 429 may also be the room's byte quota, which waiting does not cure.
function failureOf(status: number, body: string): UploadFailure {
  if (status === 429 && errorCode(body) === 'QUOTA_EXCEEDED') return 'roomFull'
  return FAILURE_BY_STATUS[status] ?? 'failed'
}

function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  catch {
    return undefined
  }
}

let uploadCount = 0

/**
 * Uploads to `POST /api/rooms/<id>/files` (docs/protocol.md, "Files"), one
 * request per file, each with its progress and its own abort. The rows stay
 * until the message carrying them is sent, or the person removes them.
 */
export function useUploads(options: UseUploadsOptions): UseUploadsReturn {
  const { roomId, token, maxFiles = LIMITS.attachmentsPerMessage } = options
  const XHR = options.XMLHttpRequest ?? (typeof XMLHttpRequest === 'undefined' ? undefined : XMLHttpRequest)
  const uploads = shallowRef<Upload[]>([])
  const requests = new Map<string, XMLHttpRequest>()
  // Rows being sealed, or between their thumbnail's upload and their file's: not settled though no request is open.
  const sealing = new Set<string>()
  let waiting: Array<() => void> = []

  const busy = computed(() => uploads.value.some(upload => upload.state === 'uploading'))
  const files = computed(() => uploads.value.flatMap(upload => (upload.file ? [upload.file, ...(upload.thumb ? [upload.thumb] : [])] : [])))

  // An object URL holds its blob in memory until revoked: every row that goes lets go of its preview.
  function previewOf(blob: Blob): string | undefined {
    if (!blob.type.startsWith('image/') || typeof URL === 'undefined' || typeof URL.createObjectURL !== 'function') return undefined
    return URL.createObjectURL(blob)
  }

  function dropRows(gone: (upload: Upload) => boolean) {
    const kept: Upload[] = []
    for (const upload of uploads.value) {
      if (!gone(upload)) kept.push(upload)
      else if (upload.preview) URL.revokeObjectURL(upload.preview)
    }
    uploads.value = kept
  }

  function update(key: string, change: Partial<Upload>) {
    uploads.value = uploads.value.map(upload => (upload.key === key ? { ...upload, ...change } : upload))
  }

  function finish(key: string) {
    requests.delete(key)
    if (requests.size > 0 || sealing.size > 0) return
    const resolve = waiting
    waiting = []
    for (const done of resolve) done()
  }

  function add(blob: Blob, { name, durationMs }: { name?: string, durationMs?: number } = {}) {
    const key = `upload-${++uploadCount}`
    const fileName = name ?? (blob instanceof File ? blob.name : 'file')
    const counted = uploads.value.filter(upload => upload.state !== 'failed').length
    const upload: Upload = { key, name: fileName, size: blob.size, loaded: 0, state: 'uploading' }
    if (counted >= maxFiles || !XHR) {
      uploads.value = [...uploads.value, { ...upload, state: 'failed', failure: counted >= maxFiles ? 'tooMany' : 'failed' }]
      return { key, done: Promise.resolve(undefined) }
    }
    const preview = previewOf(blob)
    uploads.value = [...uploads.value, preview ? { ...upload, preview } : upload]
    const sealer = toValue(options.seal)
    const done = sealer ? sealThenSend(key, blob, fileName, sealer) : send(key, blob, fileName, durationMs)
    return { key, done }
  }

  // The thumbnail goes first, so the file's row is done only once both are up.
  async function sealThenSend(key: string, blob: Blob, fileName: string, seal: FileSealer): Promise<FileInfo | undefined> {
    sealing.add(key)
    try {
      return await sealAndSend(key, blob, fileName, seal)
    }
    finally {
      sealing.delete(key)
      finish(key)
    }
  }

  async function sealAndSend(key: string, blob: Blob, fileName: string, seal: FileSealer): Promise<FileInfo | undefined> {
    const sealed = await seal(blob, fileName).catch(() => undefined)
    if (!uploads.value.some(upload => upload.key === key)) return undefined
    if (!sealed) {
      update(key, { state: 'failed', failure: 'failed' })
      return undefined
    }
    const thumb = sealed.thumb && await send(key, sealed.thumb, SEALED_NAME, undefined, false)
    if (sealed.thumb && !thumb) return undefined
    const file = await send(key, sealed.blob, SEALED_NAME, undefined, false)
    if (!file) return undefined
    const shown: SealableFile = { ...file, name: sealed.draft.name, type: sealed.draft.type, size: sealed.draft.size, sealed: { ...sealed.draft, ...(thumb ? { thumbId: thumb.id } : {}) } }
    update(key, { state: 'done', loaded: blob.size, file: shown, ...(thumb ? { thumb } : {}) })
    return shown
  }

  /** One request; `last`: its answer settles the row (a sealed thumbnail's does not). */
  function send(key: string, blob: Blob, fileName: string, durationMs: number | undefined, last = true): Promise<FileInfo | undefined> {
    return new Promise<FileInfo | undefined>((resolve) => {
      const request = new XHR!()
      requests.set(key, request)
      const fail = (failure: UploadFailure) => {
        update(key, { state: 'failed', failure })
        finish(key)
        resolve(undefined)
      }
      request.upload.addEventListener('progress', (event) => {
        if (requests.get(key) === request) update(key, { loaded: event.loaded })
      })
      request.addEventListener('load', () => {
        const file = request.status === 201 ? parseFile(request.responseText) : undefined
        if (!file) return fail(failureOf(request.status, request.responseText))
        if (last) update(key, { state: 'done', loaded: blob.size, file })
        finish(key)
        resolve(file)
      })
      request.addEventListener('error', () => fail('failed'))
      // A cancelled row is already gone; only the promise is left to settle.
      request.addEventListener('abort', () => {
        finish(key)
        resolve(undefined)
      })
      request.open('POST', `/api/rooms/${encodeURIComponent(toValue(roomId))}/files`)
      const memberToken = token()
      if (memberToken) request.setRequestHeader('Authorization', `Bearer ${memberToken}`)
      const form = new FormData()
      // Before the file, so that the server has it when the file's bytes stream past.
      if (durationMs !== undefined) form.append('durationMs', String(Math.round(durationMs)))
      form.append('file', blob instanceof File ? blob : new File([blob], fileName, { type: blob.type }))
      request.send(form)
    })
  }

  function cancel(key: string) {
    dropRows(upload => upload.key === key)
    requests.get(key)?.abort()
  }

  function clearDone() {
    dropRows(upload => upload.state === 'done')
  }

  function settled(): Promise<void> {
    if (requests.size === 0 && sealing.size === 0) return Promise.resolve()
    return new Promise(resolve => waiting.push(resolve))
  }

  function close() {
    for (const request of [...requests.values()]) request.abort()
    requests.clear()
    dropRows(() => true)
  }

  if (getCurrentScope()) onScopeDispose(close)

  return { uploads, busy, files, add, cancel, clearDone, settled, close }
}

function parseFile(body: string): FileInfo | undefined {
  try {
    const file = (JSON.parse(body) as { file?: FileInfo }).file
    return file && typeof file.id === 'string' && typeof file.url === 'string' ? file : undefined
  }
  catch {
    return undefined
  }
}
