import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { BlobEntry, BlobMeta, BlobRange, BlobStore, StoredBlob } from './blob-store'

export interface S3BlobStoreOptions {
  /** Empty for AWS itself. */
  endpoint: string | undefined
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle: boolean
}

/** Every key lives under this prefix, so the bucket may hold other things. */
const PREFIX = 'heartbeat-files/'
/** DeleteObjects takes at most this many keys a call. */
const DELETE_BATCH = 1000

/**
 * Files in an S3-compatible bucket, for several instances without a shared
 * folder. An upload is staged on the local disk first (judged, thumbnailed),
 * then streamed in with its length known, so nothing is held in memory; the
 * type and name ride as the object's own metadata.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3'
  private readonly client: S3Client

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Checksums only where S3 requires them: the newer default (a CRC32
      // trailer on every upload) is not understood by many S3-compatible stores.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } } : {}),
    })
  }

  async put(key: string, sourcePath: string, meta?: BlobMeta): Promise<void> {
    const { size } = await stat(sourcePath)
    await this.client.send(new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: PREFIX + key,
      Body: createReadStream(sourcePath),
      ContentLength: size,
      ...(meta ? { ContentType: meta.type, Metadata: { name: encodeURIComponent(meta.name), disposition: meta.disposition } } : {}),
    }))
    await unlink(sourcePath)
  }

  async mark(key: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: PREFIX + key, Body: '', ContentLength: 0 }))
  }

  async head(key: string): Promise<{ size: number, meta: BlobMeta } | undefined> {
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: PREFIX + key }))
      return { size: Number(answer.ContentLength ?? 0), meta: metaOf(answer) }
    }
    catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async get(key: string, range?: BlobRange): Promise<StoredBlob | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: PREFIX + key,
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }))
      const total = answer.ContentRange ? Number(answer.ContentRange.split('/')[1]) : Number(answer.ContentLength ?? 0)
      return { body: answer.Body as Readable, size: total, meta: metaOf(answer) }
    }
    catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async* list(roomKey?: string): AsyncIterable<BlobEntry> {
    let token: string | undefined
    const prefix = roomKey === undefined ? PREFIX : `${PREFIX}${roomKey}/`
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key.slice(PREFIX.length), size: object.Size ?? 0, modifiedAt: object.LastModified?.getTime() ?? 0 }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async delete(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH)
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch.map(key => ({ Key: PREFIX + key })), Quiet: true } }))
    }
  }
}

function metaOf(answer: { ContentType?: string, Metadata?: Record<string, string> }): BlobMeta {
  const name = answer.Metadata?.name
  return {
    type: answer.ContentType ?? 'application/octet-stream',
    name: name ? decodeURIComponent(name) : 'file',
    disposition: answer.Metadata?.disposition === 'inline' ? 'inline' : 'attachment',
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name
  return error instanceof NoSuchKey || name === 'NoSuchKey' || name === 'NotFound'
}
