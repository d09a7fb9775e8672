import type { ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { BlobRange, BlobStore } from './blob-store'
import { blobKeyOfPath, contentDisposition } from './file-keys'

/** On every file answer, the 404 included: a file is never a page that runs anything. */
export const FILE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': 'default-src \'none\'; sandbox',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
} as const

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`, one range only; 'unsatisfiable' for a range past the end, undefined to send the whole file. */
export function resolveRange(header: string | undefined, size: number): BlobRange | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  let start: number
  let end: number
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  }
  else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

/**
 * Answers GET /files/<path>. A file the store does not have (never was,
 * removed, or a guess) is a 404 whatever the reason. Files never change once
 * written (a new upload is a new id), so they may be cached for good, but only
 * by the browser: a password room's file must not sit in a shared cache.
 */
export async function serveFile(blobs: BlobStore, path: string, rangeHeader: string | undefined, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(FILE_HEADERS)) res.setHeader(name, value)
  const key = blobKeyOfPath(path)
  const notFound = () => {
    res.statusCode = 404
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ code: 'NOT_FOUND', message: 'no such file' }))
  }
  if (!key) return notFound()
  let range: BlobRange | undefined
  if (rangeHeader) {
    const head = await blobs.head(key)
    if (!head) return notFound()
    const resolved = resolveRange(rangeHeader, head.size)
    if (resolved === 'unsatisfiable') {
      res.statusCode = 416
      res.setHeader('content-range', `bytes */${head.size}`)
      return void res.end()
    }
    range = resolved
  }
  const blob = await blobs.get(key, range)
  if (!blob) return notFound()
  res.setHeader('content-type', blob.meta.type)
  res.setHeader('content-disposition', contentDisposition(blob.meta.disposition, blob.meta.name))
  res.setHeader('cache-control', 'private, max-age=31536000, immutable')
  res.setHeader('accept-ranges', 'bytes')
  if (range) {
    res.statusCode = 206
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${blob.size}`)
    res.setHeader('content-length', range.end - range.start + 1)
  }
  else {
    res.setHeader('content-length', blob.size)
  }
  // A client that goes away mid-file ends the pipeline; nothing to report.
  await pipeline(blob.body, res).catch(() => {})
}
