import { resolve } from 'node:path'
import { DiskBlobStore } from '../files/disk-store'
import { FileService } from '../files/file-service'
import { RedisUploadLedger } from '../files/redis-ledger'
import { S3BlobStore } from '../files/s3-store'
import { MemoryUploadLedger } from '../files/upload-ledger'
import { log } from '../log'
import { useRedisSettings } from './redis-settings'
import type { BlobStore } from '../files/blob-store'

let service: FileService | undefined

/**
 * The process's one file service: files on the local disk under
 * NUXT_DATA_DIR/files, or in an S3 bucket when NUXT_S3_BUCKET is set; the
 * pending uploads in Redis when NUXT_REDIS_URL is set (several instances),
 * in memory otherwise.
 */
export function useFileService(): FileService {
  if (!service) {
    const config = useRuntimeConfig()
    const redis = useRedisSettings()
    const filesDir = resolve(String(config.dataDir || '.data'), 'files')
    const disk = new DiskBlobStore(filesDir)
    const blobs: BlobStore = config.s3Bucket
      ? new S3BlobStore({
          endpoint: String(config.s3Endpoint || '') || undefined,
          region: String(config.s3Region || 'us-east-1'),
          bucket: String(config.s3Bucket),
          accessKeyId: String(config.s3AccessKeyId || ''),
          secretAccessKey: String(config.s3SecretAccessKey || ''),
          forcePathStyle: Boolean(config.s3ForcePathStyle),
        })
      : disk
    service = new FileService({
      blobs,
      ledger: redis ? new RedisUploadLedger(redis) : new MemoryUploadLedger(),
      stagingDir: disk.stagingFolder(),
      maxUploadBytes: Number(config.maxUploadBytes),
      uploadsPerMinute: Number(config.uploadsPerMinute),
      roomQuotaBytes: Number(config.roomFileQuotaBytes),
      uploadBytesPerAddressPerHour: Number(config.uploadBytesPerAddressPerHour),
      maxStoredBytes: Number(config.filesMaxBytes),
      minFreeBytes: Number(config.filesMinFreeBytes),
      idleRoomFilesTtlMs: Number(config.idleRoomFilesTtlMs),
      // Someone online is heard now; otherwise the store's last-seen, which
      // is told of live members only at a slow pace (issue 20).
      lastHeardAt: async (roomId) => {
        const hub = useRoomHub()
        if (((await hub.summary(roomId))?.online ?? 0) > 0) return Date.now()
        const members = await hub.store.listMembers(roomId)
        return members.length > 0 ? Math.max(...members.map(member => member.lastSeenAt)) : undefined
      },
      pendingTtlMs: Number(config.uploadPendingTtlMs),
      sweepIntervalMs: Number(config.fileSweepIntervalMs),
      getRoom: roomId => useRoomHub().store.getRoom(roomId),
      log: message => log('files', message),
    })
    log('files_location', `files are kept ${blobs.kind === 's3' ? `in the S3 bucket ${String(config.s3Bucket)}` : `under ${filesDir}`}`)
    service.start().catch((error: unknown) => log('files_start_failed', `files could not start: ${String(error)}`))
  }
  return service
}
