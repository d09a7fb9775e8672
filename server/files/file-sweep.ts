import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobEntry } from './blob-store'
import { blobKeys, fileIdOfKey, parseRoomKey } from './file-keys'
import type { FileServiceOptions } from './file-service'

/**
 * A file past its pending time is removed only after a twelfth more (5
 * minutes for the hour), so that a claim that went through just in time (on
 * another instance, its clock a little ahead) has written its marker first.
 */
const CLAIM_MARGIN = 1 / 12

type RoomSweepOptions = Pick<FileServiceOptions, 'blobs' | 'ledger' | 'getRoom' | 'lastHeardAt' | 'idleRoomFilesTtlMs' | 'pendingTtlMs'>

/** The files sweep's work for one room's blobs; returns the bytes it removed. */
export async function sweepRoomFiles(roomKey: string, entries: BlobEntry[], now: number, options: RoomSweepOptions): Promise<number> {
  const life = parseRoomKey(roomKey)
  const room = life && await options.getRoom(life.roomId)
  // A room nobody has been heard from in long keeps its text, not its files: files are what fill a disk.
  const idle = room && room.createdAt === life.createdAt
    && now - Math.max(await options.lastHeardAt(room.id) ?? 0, ...entries.map(entry => entry.modifiedAt)) > options.idleRoomFilesTtlMs
  if (!room || room.createdAt !== life.createdAt || idle) {
    await options.blobs.delete(entries.map(entry => entry.key))
    await options.ledger.forgetRoom(roomKey)
    return entries.reduce((sum, entry) => sum + entry.size, 0)
  }
  const sent = new Set(entries.filter(entry => entry.key.endsWith('.sent')).map(entry => fileIdOfKey(entry.key)?.fileId))
  const expired: string[] = []
  let bytes = 0
  for (const entry of entries) {
    const fileId = fileIdOfKey(entry.key)?.fileId
    if (!fileId || sent.has(fileId) || now - entry.modifiedAt < options.pendingTtlMs * (1 + CLAIM_MARGIN)) continue
    expired.push(entry.key)
    if (entry.key === blobKeys(roomKey, fileId).file) bytes += entry.size
  }
  if (expired.length === 0) return 0
  await options.blobs.delete(expired)
  await options.ledger.release(roomKey, bytes)
  return bytes
}

/** Staging leftovers of a crash: an upload being received is never this old. */
export async function sweepStagingFolder(stagingDir: string, pendingTtlMs: number, now: number): Promise<void> {
  for (const name of await readdir(stagingDir).catch(() => [] as string[])) {
    const path = join(stagingDir, name)
    const info = await stat(path).catch(() => undefined)
    if (info && now - info.mtimeMs > pendingTtlMs) await unlink(path).catch(() => {})
  }
}
