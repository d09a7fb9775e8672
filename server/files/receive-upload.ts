import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'

/** An upload refused, with the HTTP status and code the route answers. */
export class UploadProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message)
  }
}

export interface ReceivedFile {
  /** The staged file: the caller moves it into storage or removes it. */
  path: string
  size: number
  /** The name the sender gave, unchecked. */
  name: string
  durationMs?: number
}

/** The longest voice clip a `durationMs` field may claim. */
export const MAX_DURATION_MS = 10 * 60 * 1000
/** Multipart framing around the file: part headers, boundaries, the durationMs field. */
const FRAMING_ALLOWANCE = 16 * 1024

export function tooLarge(maxBytes: number): UploadProblem {
  return new UploadProblem(413, 'TOO_LARGE', `files are limited to ${maxBytes} bytes`)
}

/**
 * Streams the `file` part of a multipart body to a staging file, never
 * holding more than a chunk of it. A declared length past `maxBytes` is
 * refused before a byte is read; a body that turns out longer (chunked, or
 * lying) is refused as soon as the file passes `maxBytes`, and nothing more
 * of it is parsed. The caller answers and drops the rest (read-body.ts).
 */
export function receiveUpload(req: IncomingMessage, maxBytes: number, stagingDir: string): Promise<ReceivedFile> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes + FRAMING_ALLOWANCE) return Promise.reject(tooLarge(maxBytes))
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    // busboy calls a file that reaches its limit truncated: one byte more tells a file of exactly maxBytes from a longer one.
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 2, parts: 3, fieldSize: 64, fieldNameSize: 32, headerPairs: 16, fileSize: maxBytes + 1 } })
    }
    catch {
      return reject(new UploadProblem(400, 'BAD_REQUEST', 'the body must be multipart/form-data with a "file" part'))
    }
    let durationMs: number | undefined
    let badField: string | undefined
    let staged: { path: string, name: string, size: number, written: Promise<void>, out: NodeJS.WritableStream & { destroy(): void } } | undefined
    let settled = false
    const fail = (problem: UploadProblem) => {
      if (settled) return
      settled = true
      req.unpipe(parser)
      parser.removeAllListeners('close')
      if (staged) {
        staged.out.destroy()
        void staged.written.catch(() => {}).then(() => unlink(staged!.path).catch(() => {}))
      }
      reject(problem)
    }
    parser.on('field', (name, value) => {
      if (name !== 'durationMs') return
      const parsed = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN
      if (parsed >= 1 && parsed <= MAX_DURATION_MS) durationMs = parsed
      else badField = `durationMs must be a whole number of 1-${MAX_DURATION_MS} milliseconds`
    })
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || staged || settled) return void stream.resume()
      const path = join(stagingDir, randomUUID())
      const out = createWriteStream(path, { flags: 'wx' })
      const file = { path, name: info.filename ?? '', size: 0, out, written: Promise.resolve() }
      stream.on('data', (chunk: Buffer) => (file.size += chunk.length))
      stream.on('limit', () => fail(tooLarge(maxBytes)))
      file.written = pipeline(stream, out)
      file.written.catch(() => {})
      staged = file
    })
    parser.on('close', () => {
      if (settled) return
      if (!staged) return fail(new UploadProblem(400, 'BAD_REQUEST', 'the body has no "file" part'))
      const file = staged
      file.written.then(() => {
        if (settled) return
        if (badField) return fail(new UploadProblem(400, 'BAD_REQUEST', badField))
        if (file.size === 0) return fail(new UploadProblem(400, 'BAD_REQUEST', 'the file is empty'))
        settled = true
        resolve({ path: file.path, size: file.size, name: file.name, ...(durationMs === undefined ? {} : { durationMs }) })
      }, (error: unknown) => fail(new UploadProblem(500, 'INTERNAL', `the file could not be staged: ${String(error)}`)))
    })
    parser.on('error', () => fail(new UploadProblem(400, 'BAD_REQUEST', 'the multipart body is malformed')))
    req.on('close', () => {
      if (!req.complete) fail(new UploadProblem(400, 'BAD_REQUEST', 'the upload was cut off'))
    })
    req.pipe(parser)
  })
}
