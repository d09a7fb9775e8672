import { statfs } from 'node:fs/promises'
import { UploadProblem } from './receive-upload'

const HOUR_MS = 60 * 60 * 1000

/**
 * Bytes per client address over time: a bucket of `perHour` bytes, filled
 * again at that rate. An upload reserves what it may carry before its body
 * is read and gives back what it did not keep. Only addresses short of a full
 * bucket are kept, at most `maxKeys` (the least recently used forgotten).
 */
export class AddressByteBudget {
  private readonly buckets = new Map<string, { bytes: number, at: number }>()

  constructor(private readonly perHour: number, private readonly maxKeys = 100_000) {}

  /** Takes `bytes`: 0 when the address had them, else the ms until it will (nothing taken). */
  reserve(address: string, bytes: number, now = Date.now()): number {
    const wanted = Math.min(bytes, this.perHour)
    const left = this.bytesAt(address, now)
    if (left < wanted) return Math.ceil((wanted - left) * HOUR_MS / this.perHour)
    this.set(address, left - wanted, now)
    return 0
  }

  /** Gives back bytes reserved but not kept (a smaller file than declared, a refused one). */
  refund(address: string, bytes: number, now = Date.now()): void {
    if (bytes > 0 && this.buckets.has(address)) this.set(address, this.bytesAt(address, now) + bytes, now)
  }

  prune(now = Date.now()): void {
    for (const address of [...this.buckets.keys()]) {
      if (this.bytesAt(address, now) >= this.perHour) this.buckets.delete(address)
    }
  }

  private set(address: string, bytes: number, now: number): void {
    this.buckets.delete(address)
    if (bytes >= this.perHour) return
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
    this.buckets.set(address, { bytes, at: now })
  }

  private bytesAt(address: string, now: number): number {
    const bucket = this.buckets.get(address)
    if (!bucket) return this.perHour
    return Math.min(this.perHour, bucket.bytes + (now - bucket.at) * this.perHour / HOUR_MS)
  }
}

/** The bytes free for an unprivileged writer on the file system that holds `path`. */
export async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path)
  return stats.bavail * stats.bsize
}

export function insufficientStorage(why: string): UploadProblem {
  return new UploadProblem(507, 'INSUFFICIENT_STORAGE', `the server cannot take more files now: ${why}`)
}
