import { emptyEntry, isShown, mergeUpdate } from './lobby-entry'
import type { LobbyEntry, LobbyUpdate } from './lobby-entry'
import { CHANGE_LOG_LIMIT, SEARCH_SCAN_LIMIT } from './lobby-index'
import type { LobbyIndex, LobbyPage, LobbyPoll } from './lobby-index'
import { idOfOrderKey, matchesSearch, orderKey } from './lobby-order'

/**
 * The lobby index of one process (the memory and SQLite stores): a map of
 * entries, and the listed rooms' order keys in a sorted array, so a page is a
 * binary search and a slice, and a count change moves one key.
 */
export class MemoryLobbyIndex implements LobbyIndex {
  private readonly byId = new Map<string, LobbyEntry>()
  private readonly order: string[] = []
  private version = 0
  /** Ids changed at versions logBase+1, logBase+2, …: the feed reads what came after its version. */
  private changeLog: string[] = []
  private logBase = 0

  async apply(updates: LobbyUpdate[]): Promise<void> {
    for (const update of updates) this.applyOne(update)
  }

  async page(afterKey: string | undefined, limit: number, foldedQuery?: string): Promise<LobbyPage> {
    let at = afterKey === undefined ? 0 : this.firstAfter(afterKey)
    const entries: LobbyEntry[] = []
    if (foldedQuery === undefined) {
      for (; at < this.order.length && entries.length < limit; at++) entries.push(this.entryOf(this.order[at]!))
      return { entries, nextKey: at < this.order.length && entries.length > 0 ? this.order[at - 1] : undefined }
    }
    const end = Math.min(this.order.length, at + SEARCH_SCAN_LIMIT)
    for (; at < end && entries.length < limit; at++) {
      const entry = this.entryOf(this.order[at]!)
      if (matchesSearch(entry, foldedQuery)) entries.push(entry)
    }
    return { entries, nextKey: at < this.order.length && at > 0 ? this.order[at - 1] : undefined }
  }

  async poll(sinceVersion: number, topCount: number): Promise<LobbyPoll> {
    if (sinceVersion === this.version) return { version: this.version }
    const known = sinceVersion >= this.logBase && sinceVersion <= this.version
    return {
      version: this.version,
      top: this.order.slice(0, topCount).map(key => this.entryOf(key)),
      changedIds: known ? [...new Set(this.changeLog.slice(sinceVersion - this.logBase))] : undefined,
    }
  }

  async entries(ids: string[]): Promise<Map<string, LobbyEntry>> {
    const found = new Map<string, LobbyEntry>()
    for (const id of ids) {
      const entry = this.byId.get(id)
      if (entry) found.set(id, { ...entry })
    }
    return found
  }

  async ids(): Promise<string[]> {
    return [...this.byId.keys()]
  }

  private applyOne(update: LobbyUpdate): void {
    const existing = this.byId.get(update.id)
    if (update.gone) {
      if (!existing) return
      if (isShown(existing)) this.removeKey(orderKey(existing))
      this.byId.delete(update.id)
      return this.logChange(update.id)
    }
    const entry = existing ?? emptyEntry(update.id)
    const oldKey = existing && isShown(existing) ? orderKey(existing) : undefined
    if (!mergeUpdate(entry, update) && existing) return
    this.byId.set(entry.id, entry)
    const newKey = isShown(entry) ? orderKey(entry) : undefined
    if (oldKey !== newKey) {
      if (oldKey !== undefined) this.removeKey(oldKey)
      if (newKey !== undefined) this.order.splice(this.firstAfter(newKey), 0, newKey)
    }
    this.logChange(entry.id)
  }

  private logChange(id: string): void {
    this.version++
    this.changeLog.push(id)
    if (this.changeLog.length > CHANGE_LOG_LIMIT) {
      const dropped = this.changeLog.length - CHANGE_LOG_LIMIT / 2
      this.changeLog = this.changeLog.slice(dropped)
      this.logBase += dropped
    }
  }

  private entryOf(key: string): LobbyEntry {
    return { ...this.byId.get(idOfOrderKey(key))! }
  }

  /** The index of the first key greater than `key`. */
  private firstAfter(key: string): number {
    let low = 0
    let high = this.order.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.order[mid]! <= key) low = mid + 1
      else high = mid
    }
    return low
  }

  private removeKey(key: string): void {
    const at = this.firstAfter(key) - 1
    if (at >= 0 && this.order[at] === key) this.order.splice(at, 1)
  }
}
