import { mkdir } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import type { FileInfo } from '../../shared/protocol'
import type { Attachments } from '../rooms/attachments'
import { TokenBuckets } from '../rooms/rate-limits'
import type { RoomRecord } from '../rooms/types'
import type { BlobEntry, BlobStore } from './blob-store'
import { blobKeyOfPath, blobKeys, fileIdOfKey, roomKeyOf } from './file-keys'
import { sweepRoomFiles, sweepStagingFolder } from './file-sweep'
import { ImageGate } from './image-gate'
import { UploadProblem } from './receive-upload'
import { AddressByteBudget, freeBytes, insufficientStorage } from './storage-budget'
import { quotaProblem, storeUpload } from './store-upload'
import type { UploadLedger } from './upload-ledger'

export interface FileServiceOptions {
  blobs: BlobStore
  ledger: UploadLedger
  /** A local folder for uploads being received and judged (on the same disk as a disk store). */
  stagingDir: string
  maxUploadBytes: number
  uploadsPerMinute: number
  roomQuotaBytes: number
  /** Bytes one client address may upload an hour, also its burst (429 past it). */
  uploadBytesPerAddressPerHour: number
  /** Bytes of files the server holds in all, thumbnails included (507 past it); 0 for no such budget. */
  maxStoredBytes: number
  /** Uploads are refused (507) rather than leave the staging disk with less free than this. */
  minFreeBytes: number
  /** The files of a room nobody was heard from in this long are removed (its messages stay, their files shown as expired). */
  idleRoomFilesTtlMs: number
  /** When a member of the room was last heard from; undefined when it has none. */
  lastHeardAt: (roomId: string) => Promise<number | undefined>
  /** An upload not sent within this is removed. */
  pendingTtlMs: number
  sweepIntervalMs: number
  /** The room store's answer for a room id; the sweep removes the files of rooms it no longer has. */
  getRoom: (roomId: string) => Promise<RoomRecord | undefined>
  log: (message: string) => void
}

/**
 * Uploads from receipt to removal: the upload route hands it a request, the
 * hub claims the files a chat message names and hands back those of deleted
 * messages, and one timer removes what nobody needs any more.
 */
export class FileService implements Attachments {
  private readonly rate: TokenBuckets
  private readonly images = new ImageGate()
  private sweepTimer: ReturnType<typeof setInterval> | undefined
  private sweeping = false
  private started: Promise<void> | undefined
  private readonly addressBytes: AddressByteBudget
  /** What storage held at the last listing, plus what this process stored since, less what it removed. */
  private storedBytes = 0
  /** Bytes reserved by uploads being received: they count against the budget before they land. */
  private reservedBytes = 0

  constructor(private readonly options: FileServiceOptions) {
    this.rate = new TokenBuckets(options.uploadsPerMinute)
    this.addressBytes = new AddressByteBudget(options.uploadBytesPerAddressPerHour)
  }

  get blobs(): BlobStore {
    return this.options.blobs
  }

  /** Makes the staging folder (every upload waits for it) and starts the one sweep timer. */
  start(): Promise<void> {
    this.sweepTimer ??= setInterval(() => void this.sweep(), this.options.sweepIntervalMs)
    this.sweepTimer.unref?.()
    // A failure (a disk not mounted yet) is tried again by the next upload.
    this.started ??= mkdir(this.options.stagingDir, { recursive: true }).then(() => this.countStored(), (error: unknown) => {
      this.started = undefined
      throw error
    })
    return this.started
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    await this.options.ledger.close()
  }

  /**
   * Nothing of the body has been read yet: refusals that need no body come
   * first. The bytes the upload may carry (its declared length, at most the
   * file limit) are reserved against the address's hourly budget and the
   * server's; upload() gives back what it does not keep.
   */
  async admit(room: RoomRecord, memberId: string, address: string, declaredBytes: number): Promise<UploadReservation> {
    await this.start()
    const waitMs = this.rate.take(`${room.id}\n${memberId}`)
    if (waitMs > 0) throw new UploadProblem(429, 'RATE_LIMITED', `at most ${this.options.uploadsPerMinute} uploads a minute`, waitMs)
    if (await this.usedBytes(roomKeyOf(room)) >= this.options.roomQuotaBytes) throw quotaProblem(this.options.roomQuotaBytes)
    const bytes = Math.min(declaredBytes > 0 ? declaredBytes : this.options.maxUploadBytes, this.options.maxUploadBytes)
    const { maxStoredBytes, minFreeBytes } = this.options
    if (maxStoredBytes > 0 && this.storedBytes + this.reservedBytes + bytes > maxStoredBytes) throw insufficientStorage('its files budget is full')
    if (await freeBytes(this.options.stagingDir) - this.reservedBytes - bytes < minFreeBytes) throw insufficientStorage('its disk is nearly full')
    const budgetWaitMs = this.addressBytes.reserve(address, bytes)
    if (budgetWaitMs > 0) throw new UploadProblem(429, 'RATE_LIMITED', `at most ${this.options.uploadBytesPerAddressPerHour} bytes of uploads an hour from one address`, budgetWaitMs)
    this.reservedBytes += bytes
    return { address, bytes }
  }

  /**
   * The bytes the room's life holds, sent or pending. The ledger's count is a
   * cache: when it has none (this process restarted, or Redis lost the key),
   * it is counted again from the room's blobs, so the quota survives both.
   */
  async usedBytes(roomKey: string): Promise<number> {
    const counted = await this.options.ledger.usedBytes(roomKey)
    if (counted !== undefined) return counted
    let stored = 0
    for await (const entry of this.options.blobs.list(roomKey)) {
      const owner = fileIdOfKey(entry.key)
      if (owner && entry.key === blobKeys(roomKey, owner.fileId).file) stored += entry.size
    }
    await this.options.ledger.seed(roomKey, stored)
    return await this.options.ledger.usedBytes(roomKey) ?? stored
  }

  /** Receives, judges and stores one upload; throws an UploadProblem for the sender. */
  async upload(req: IncomingMessage, room: RoomRecord, memberId: string, reservation: UploadReservation): Promise<FileInfo> {
    let kept = 0
    try {
      const info = await storeUpload(req, room, memberId, reservation.address, this.options, this.images)
      kept = info.size + (info.thumbBytes ?? 0)
      return info.file
    }
    finally {
      this.reservedBytes -= reservation.bytes
      this.storedBytes += kept
      this.addressBytes.refund(reservation.address, reservation.bytes - kept)
    }
  }

  /** For the hub: the files of one chat message (Attachments). */
  async claim(roomId: string, memberId: string, ids: string[], clientId: string | undefined): Promise<FileInfo[] | undefined> {
    const files = await this.options.ledger.claim(roomId, memberId, ids, clientId)
    if (!files) return undefined
    // The marker keeps a sent file from the sweep of unsent ones.
    await Promise.all(files.map(keysOfFile).filter(keys => keys !== undefined).map(keys => this.options.blobs.mark(keys.sent)))
    return files
  }

  /** For the hub: the files of a deleted message leave storage. */
  async discard(_roomId: string, files: FileInfo[]): Promise<void> {
    const keys: string[] = []
    const released = new Map<string, number>()
    for (const file of files) {
      const fileKeys = keysOfFile(file)
      if (!fileKeys) continue
      keys.push(fileKeys.file, fileKeys.thumb, fileKeys.sent)
      released.set(fileKeys.roomKey, (released.get(fileKeys.roomKey) ?? 0) + file.size)
    }
    await this.options.blobs.delete(keys)
    for (const [roomKey, bytes] of released) {
      this.storedBytes -= bytes
      await this.options.ledger.release(roomKey, bytes)
    }
  }

  /**
   * Removes the files of rooms the store no longer has (removed by retention
   * or after their empty grace, in any instance), uploads never sent, and
   * staging leftovers of a crash. Every instance may run it: each removal is
   * one that any of them would make.
   */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      this.options.ledger.prune(now)
      this.addressBytes.prune(now)
      this.rate.prune(now)
      const byRoom = new Map<string, BlobEntry[]>()
      let listed = 0
      for await (const entry of this.options.blobs.list()) {
        listed += entry.size
        const roomKey = entry.key.split('/')[0]!
        let entries = byRoom.get(roomKey)
        if (!entries) byRoom.set(roomKey, entries = [])
        entries.push(entry)
      }
      for (const [roomKey, entries] of byRoom) listed -= await sweepRoomFiles(roomKey, entries, now, this.options)
      this.storedBytes = listed
      await sweepStagingFolder(this.options.stagingDir, this.options.pendingTtlMs, now)
    }
    catch (error) {
      this.options.log(`files sweep failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    finally {
      this.sweeping = false
    }
  }

  private async countStored(): Promise<void> {
    let listed = 0
    for await (const entry of this.options.blobs.list()) listed += entry.size
    this.storedBytes = listed
  }
}

/** What admit() reserved for one upload, handed to upload(). */
export interface UploadReservation { address: string, bytes: number }

/** A sent file's blob keys, from its URL (which the server made). */
function keysOfFile(file: FileInfo): (ReturnType<typeof blobKeys> & { roomKey: string }) | undefined {
  const key = blobKeyOfPath(file.url.slice('/files/'.length))
  const owner = key && fileIdOfKey(key)
  return owner ? { ...blobKeys(owner.roomKey, owner.fileId), roomKey: owner.roomKey } : undefined
}
