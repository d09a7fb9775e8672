import type { ChatMessage } from '../../shared/protocol'

export interface AnswerBudgetOptions {
  /** Bytes of answers one socket may be sent each second. @default 128 KiB */
  socketBytesPerSecond?: number
  /** What one socket may save up. @default 512 KiB */
  socketBurstBytes?: number
  /** Bytes of answers all sockets of one client address may be sent each second. @default 512 KiB */
  addressBytesPerSecond?: number
  /** What one address may save up. @default 2 MiB */
  addressBurstBytes?: number
  /** Addresses short of a full budget that are remembered; past it the oldest is forgotten. @default 100000 */
  maxAddresses?: number
}

interface Bucket { bytes: number, at: number }

/**
 * Bytes of answers (history pages, the history of a join) that one socket
 * and one client address may be sent over time. An answer is built only
 * while both have budget left; a whole page is reserved before the store is
 * read (answers of one address are read concurrently, and must not all pass
 * on the same budget), and what the page did not weigh is given back. A
 * budget may go into debt by one page: the cost of a frame to the server is
 * bounded by what it returns, not only by how many frames come.
 */
export class AnswerBudget {
  private readonly socketRate: number
  private readonly socketBurst: number
  private readonly addressRate: number
  private readonly addressBurst: number
  private readonly maxAddresses: number
  private readonly sockets = new WeakMap<object, Bucket>()
  private readonly addresses = new Map<string, Bucket>()

  constructor(options: AnswerBudgetOptions = {}) {
    // A page of ordinary messages is a few KiB: these bind only pages of heavy ones.
    this.socketRate = options.socketBytesPerSecond ?? 128 * 1024
    this.socketBurst = options.socketBurstBytes ?? 512 * 1024
    this.addressRate = options.addressBytesPerSecond ?? 512 * 1024
    this.addressBurst = options.addressBurstBytes ?? 2 * 1024 * 1024
    this.maxAddresses = options.maxAddresses ?? 100_000
  }

  /** 0 when the socket and its address may be answered now, else the ms until both may. */
  waitMs(socket: object, address: string, now = Date.now()): number {
    const socketBytes = this.level(this.sockets.get(socket), this.socketRate, this.socketBurst, now)
    const addressBytes = this.level(this.addresses.get(address), this.addressRate, this.addressBurst, now)
    return Math.max(waitFor(socketBytes, this.socketRate), waitFor(addressBytes, this.addressRate))
  }

  /** 0 and `bytes` taken from both budgets when they have some left; else the ms until they will, and nothing taken. */
  reserve(socket: object, address: string, bytes: number, now = Date.now()): number {
    const waitMs = this.waitMs(socket, address, now)
    if (waitMs === 0) this.charge(socket, address, bytes, now)
    return waitMs
  }

  /** Takes an answer's bytes from the socket's budget and its address's (negative: gives them back). */
  charge(socket: object, address: string, bytes: number, now = Date.now()): void {
    this.sockets.set(socket, { bytes: this.level(this.sockets.get(socket), this.socketRate, this.socketBurst, now) - bytes, at: now })
    const addressBytes = this.level(this.addresses.get(address), this.addressRate, this.addressBurst, now) - bytes
    this.addresses.delete(address)
    if (this.addresses.size >= this.maxAddresses) this.addresses.delete(this.addresses.keys().next().value!)
    this.addresses.set(address, { bytes: addressBytes, at: now })
  }

  /** Forgets addresses whose budget is full again, so the map holds only those spending. */
  prune(now = Date.now()): void {
    for (const [address, bucket] of this.addresses) {
      if (this.level(bucket, this.addressRate, this.addressBurst, now) >= this.addressBurst) this.addresses.delete(address)
    }
  }

  get addressCount(): number {
    return this.addresses.size
  }

  private level(bucket: Bucket | undefined, rate: number, burst: number, now: number): number {
    if (!bucket) return burst
    return Math.min(burst, bucket.bytes + (now - bucket.at) * rate / 1000)
  }
}

function waitFor(bytes: number, rate: number): number {
  return bytes > 0 ? 0 : Math.ceil((1 - bytes) * 1000 / rate)
}

/**
 * The newest of `messages` (oldest first) that together weigh at most
 * `maxBytes` as JSON, and whether older ones were left out. The newest one
 * is always kept: a message is at most `LIMITS.textMaxBytes` of text, far
 * under a page.
 */
export function newestWithinBytes(messages: ChatMessage[], maxBytes: number): { messages: ChatMessage[], trimmed: boolean, bytes: number } {
  let total = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    const bytes = Buffer.byteLength(JSON.stringify(messages[i]))
    if (total + bytes > maxBytes && i < messages.length - 1) return { messages: messages.slice(i + 1), trimmed: true, bytes: total }
    total += bytes
  }
  return { messages, trimmed: false, bytes: total }
}
