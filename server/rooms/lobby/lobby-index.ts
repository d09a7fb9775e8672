import type { LobbyEntry, LobbyUpdate } from './lobby-entry'

/** Rooms a search looks at per page at most: a search page costs the same however many rooms there are. */
export const SEARCH_SCAN_LIMIT = 2000
/** Changes the index remembers for the feed; a feed further behind reads everything again. */
export const CHANGE_LOG_LIMIT = 10_000

export interface LobbyPage {
  entries: LobbyEntry[]
  /** The order key of the last room looked at, when more may follow. */
  nextKey?: string
}

export interface LobbyPoll {
  version: number
  /** The top listed rooms now; only when the version moved. */
  top?: LobbyEntry[]
  /** Rooms whose entry changed since the version asked about; undefined when the index cannot say (read them all). */
  changedIds?: string[]
}

/**
 * Every room's title, visibility, counts and newest seq, kept as they change
 * (never by walking sockets), with the listed ones in lobby order. One per
 * process in memory; in Redis, one for every instance.
 */
export interface LobbyIndex {
  apply(updates: LobbyUpdate[]): Promise<void>
  /** Listed rooms after `afterKey` in lobby order; with `foldedQuery`, only those whose id or title contains it. */
  page(afterKey: string | undefined, limit: number, foldedQuery?: string): Promise<LobbyPage>
  /** What changed since `sinceVersion` (-1: everything), and the top `topCount` listed rooms if anything did. */
  poll(sinceVersion: number, topCount: number): Promise<LobbyPoll>
  /** Entries of these rooms; a room the index does not hold is missing from the map. */
  entries(ids: string[]): Promise<Map<string, LobbyEntry>>
  /** Every room the index holds an entry for. */
  ids(): Promise<string[]>
}
