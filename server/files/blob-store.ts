import type { Readable } from 'node:stream'

/** What is kept beside a blob: enough to serve it without reading it first. */
export interface BlobMeta {
  /** The Content-Type it is served with. */
  type: string
  /** The sender's file name, for Content-Disposition. */
  name: string
  /** `inline` for images and audio, `attachment` for everything else. */
  disposition: 'inline' | 'attachment'
}

export interface BlobRange { start: number, end: number }

export interface StoredBlob {
  body: Readable
  /** The whole blob's size, whatever the range. */
  size: number
  meta: BlobMeta
}

export interface BlobEntry { key: string, size: number, modifiedAt: number }

/**
 * Where uploaded files live: the local disk (one instance, or several over a
 * shared folder) or an S3-compatible bucket. Keys are `<roomKey>/<name>`,
 * made only of [A-Za-z0-9._-]; the store never sees a client's string.
 */
export interface BlobStore {
  readonly kind: string
  /** Moves the staged file at `sourcePath` in (it is gone afterwards); `meta` undefined for a marker. */
  put(key: string, sourcePath: string, meta?: BlobMeta): Promise<void>
  /** Stores an empty marker (a file that was sent: the sweep keeps it). */
  mark(key: string): Promise<void>
  /** Size and metadata without the body (for a Range request, which needs the size first). */
  head(key: string): Promise<{ size: number, meta: BlobMeta } | undefined>
  get(key: string, range?: BlobRange): Promise<StoredBlob | undefined>
  /** Every key (or only those of one room's life), in no order, with its time of writing. */
  list(roomKey?: string): AsyncIterable<BlobEntry>
  delete(keys: string[]): Promise<void>
}
