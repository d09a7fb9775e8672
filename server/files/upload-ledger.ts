import type { FileInfo } from '../../shared/protocol'

export interface PendingUpload {
  roomId: string
  /** The room's life the file belongs to (file-keys.ts). */
  roomKey: string
  memberId: string
  info: FileInfo
  /** Bytes the room's quota counts for it: the file as served (its thumbnail is left out). */
  bytes: number
}

/**
 * Uploads waiting to be sent, and the bytes each room's life holds. With
 * Redis it lives there, so that an upload made through one instance can be
 * sent through another and an id is taken once whichever instance is asked;
 * with one process it lives in memory (a restart forgets pending uploads:
 * they cannot be sent any more and the sweep removes them within the hour).
 * A room's byte count is only a cache of what storage holds: the file
 * service seeds it from the room's blobs when the ledger has none, so a
 * restart (or Redis losing the key) does not reset a room's quota.
 */
export interface UploadLedger {
  /** Records the upload unless the room's life would then hold more than `quotaBytes`. */
  add(upload: PendingUpload, quotaBytes: number, ttlMs: number): Promise<boolean>
  /** The bytes counted for the room's life, or undefined when this ledger has no count for it yet (after a restart). */
  usedBytes(roomKey: string): Promise<number | undefined>
  /**
   * Starts the room life's count at `bytes` (what storage holds for it)
   * unless a count exists: the first to seed after a restart wins, and
   * uploads counted meanwhile are not lost.
   */
  seed(roomKey: string, bytes: number): Promise<void>
  /**
   * Takes the uploads for one chat message: all of them or none. Each id must
   * be this member's upload to this room, not yet taken; a resend of the same
   * message (the same clientId) gets the same files again, so that the
   * store's exactly-once check answers it with the original message.
   */
  claim(roomId: string, memberId: string, ids: string[], clientId: string | undefined): Promise<FileInfo[] | undefined>
  /** Files left storage (a deleted message, an upload never sent): their bytes no longer count. */
  release(roomKey: string, bytes: number): Promise<void>
  /** The room's life is over and its files gone. */
  forgetRoom(roomKey: string): Promise<void>
  prune(now: number): void
  close(): Promise<void>
}

interface MemoryEntry { upload: PendingUpload, expiresAt: number, claimedBy: string | undefined }

/** One process: everything in two maps, pruned by the files sweep. */
export class MemoryUploadLedger implements UploadLedger {
  private readonly uploads = new Map<string, MemoryEntry>()
  private readonly bytes = new Map<string, number>()

  async add(upload: PendingUpload, quotaBytes: number, ttlMs: number): Promise<boolean> {
    const used = this.bytes.get(upload.roomKey) ?? 0
    if (used + upload.bytes > quotaBytes) return false
    this.bytes.set(upload.roomKey, used + upload.bytes)
    this.uploads.set(upload.info.id, { upload, expiresAt: Date.now() + ttlMs, claimedBy: undefined })
    return true
  }

  async usedBytes(roomKey: string): Promise<number | undefined> {
    return this.bytes.get(roomKey)
  }

  async seed(roomKey: string, bytes: number): Promise<void> {
    if (!this.bytes.has(roomKey)) this.bytes.set(roomKey, bytes)
  }

  async claim(roomId: string, memberId: string, ids: string[], clientId: string | undefined): Promise<FileInfo[] | undefined> {
    const now = Date.now()
    const entries: MemoryEntry[] = []
    for (const id of ids) {
      const entry = this.uploads.get(id)
      if (!entry || entry.expiresAt <= now || entry.upload.roomId !== roomId || entry.upload.memberId !== memberId) return undefined
      if (entry.claimedBy !== undefined && (clientId === undefined || entry.claimedBy !== clientId)) return undefined
      entries.push(entry)
    }
    // An empty string never equals a clientId: a message without one takes its files for good.
    for (const entry of entries) entry.claimedBy = clientId ?? ''
    return entries.map(entry => entry.upload.info)
  }

  async release(roomKey: string, bytes: number): Promise<void> {
    const used = this.bytes.get(roomKey)
    if (used !== undefined) this.bytes.set(roomKey, Math.max(0, used - bytes))
  }

  async forgetRoom(roomKey: string): Promise<void> {
    this.bytes.delete(roomKey)
  }

  prune(now: number): void {
    for (const [id, entry] of this.uploads) if (entry.expiresAt <= now) this.uploads.delete(id)
  }

  async close(): Promise<void> {}
}
