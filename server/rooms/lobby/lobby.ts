import { LIMITS } from '../../../shared/protocol'
import type { LobbyRoom } from '../../../shared/protocol'
import { hashToken } from '../secrets'
import type { RoomStore } from '../types'
import { lobbyRoom } from './lobby-entry'
import { LobbyFeed } from './lobby-feed'
import type { LobbyIndex } from './lobby-index'
import { lobbyMetaOf } from './lobby-meta'
import { encodeCursor } from './lobby-order'
import { LobbyWriter } from './lobby-writer'

export interface LobbyOptions {
  store: RoomStore
  index: LobbyIndex
  /** A room's counts as this process sees them (its view, or the store). */
  counts: (roomId: string) => Promise<{ online: number, members: number }>
  maxWatchers: number
  watchersPerAddress: number
  log: (message: string) => void
}

/** The lobby of one process: the index writer, the live feed, the listing. */
export class Lobby {
  readonly writer: LobbyWriter
  readonly feed: LobbyFeed

  constructor(private readonly options: LobbyOptions) {
    const { store, index, log } = options
    this.writer = new LobbyWriter({
      index,
      log,
      source: {
        meta: async roomId => lobbyMetaOf(await store.getRoom(roomId)),
        counts: options.counts,
        lastSeq: async roomId => (await store.recentMessages(roomId, 1)).at(-1)?.seq ?? 0,
      },
    })
    this.feed = new LobbyFeed({
      index,
      topCount: LIMITS.lobbyTopRooms,
      mergeMs: LIMITS.lobbyMergeMs,
      maxWatchers: options.maxWatchers,
      watchersPerAddress: options.watchersPerAddress,
      verifyToken: async (roomId, token) => {
        const tokenHash = hashToken(token)
        if (await store.findMemberByTokenHash(roomId, tokenHash)) return true
        // A private room's token from `dm` proves its seat before the first join with it.
        return (await store.getRoom(roomId))?.private?.seats.some(seat => seat.tokenHashes.includes(tokenHash)) ?? false
      },
      compute: roomId => this.writer.compute(roomId),
      log,
    })
  }

  /** Public rooms after the cursor's room, busiest first. */
  async page(afterKey: string | undefined, limit: number, foldedQuery?: string): Promise<{ rooms: LobbyRoom[], next?: string }> {
    const page = await this.options.index.page(afterKey, limit, foldedQuery)
    return { rooms: page.entries.map(lobbyRoom), ...(page.nextKey ? { next: encodeCursor(page.nextKey) } : {}) }
  }

  /** Brings the index in line with the store at start: a restart on a kept SQLite file, or an instance joining Redis. */
  async rebuild(): Promise<void> {
    for (const roomId of await this.options.store.listRoomIds()) this.writer.roomChanged(roomId)
  }

  dispose(): void {
    this.writer.dispose()
    this.feed.dispose()
  }
}
