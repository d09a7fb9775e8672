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
  /** The heartbeat window: counts read at start hold members still online from before it. */
  windowMs: number
  log: (message: string) => void
}

/** Index entries of rooms the store no longer holds (removed without the lobby hearing of it) are looked for this often. */
const PRUNE_INTERVAL_MS = 30_000

/** The lobby of one process: the index writer, the live feed, the listing. */
export class Lobby {
  readonly writer: LobbyWriter
  readonly feed: LobbyFeed
  private recountTimer: ReturnType<typeof setTimeout> | undefined
  private lastPruneAt = -Infinity

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

  /**
   * Brings the index in line with the store at start: a restart on a kept
   * SQLite file, or an instance joining (or coming back to) Redis. Members
   * heard from just before the start count as online for one more window,
   * and no socket here will tell when they stop: every room is counted again
   * once the window has passed.
   */
  async rebuild(): Promise<void> {
    const roomIds = await this.options.store.listRoomIds()
    for (const roomId of roomIds) this.writer.roomChanged(roomId)
    this.recountTimer = setTimeout(() => {
      for (const roomId of roomIds) this.writer.roomChanged(roomId)
    }, this.options.windowMs + 1000)
    this.recountTimer.unref?.()
  }

  /**
   * Given every room the store holds (the idle sweep reads them anyway):
   * entries of other rooms are checked against the store and dropped, so a
   * room removed without the lobby hearing of it (replaced at the room cap,
   * expired in Redis) does not stay in the index. At most every 30 s.
   */
  async prune(roomIds: string[], now = Date.now()): Promise<void> {
    if (now - this.lastPruneAt < PRUNE_INTERVAL_MS) return
    this.lastPruneAt = now
    const held = new Set(roomIds)
    for (const roomId of await this.options.index.ids()) if (!held.has(roomId)) this.writer.roomGone(roomId)
  }

  dispose(): void {
    clearTimeout(this.recountTimer)
    this.writer.dispose()
    this.feed.dispose()
  }
}
