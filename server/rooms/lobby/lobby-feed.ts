import type { ErrorCode, LobbyRoom, LobbyWatchRoom } from '../../../shared/protocol'
import type { Connection } from '../session-index'
import { diffTop } from './lobby-diff'
import { lobbyMyRoom, lobbyRoom } from './lobby-entry'
import type { LobbyEntry } from './lobby-entry'
import type { LobbyIndex } from './lobby-index'

export interface LobbyFeedOptions {
  index: LobbyIndex
  /** Rooms the top list holds. */
  topCount: number
  /** Diffs go out at most this often. */
  mergeMs: number
  maxWatchers: number
  watchersPerAddress: number
  /** Whether `token` is a member token of the room. */
  verifyToken: (roomId: string, token: string) => Promise<boolean>
  /** A room's entry read from the store, for a room the index does not hold yet. */
  compute: (roomId: string) => Promise<LobbyEntry | undefined>
  log: (message: string) => void
}

interface Watcher {
  conn: Connection
  address: string
  /** Rooms this watcher proved a member token for. */
  mine: Set<string>
  /** Set once its first frame went out: diffs before it would be diffs of nothing. */
  ready: boolean
}

export type WatchRefusal = { code: ErrorCode, message: string, retryAfterMs?: number }

/**
 * A socket may `watch` once a second, in bursts of 5 (a page that learns of
 * a new room of its own watches again): each watch checks up to 50 tokens
 * against the store.
 */
export const WATCH_INTERVAL_MS = 1000
export const WATCH_BURST = 5

/**
 * The live lobby of this process: one timer, one read of the index per tick
 * whatever the number of watchers, and each diff serialized once. A watcher's
 * own rooms ("mine") are added to its frame as strings serialized once per
 * room, so a tick costs one read, one diff, and a send per watcher.
 */
export class LobbyFeed {
  private readonly watchers = new Map<Connection, Watcher>()
  private readonly perAddress = new Map<string, number>()
  /** roomId -> watchers that hold a token for it. */
  private readonly followers = new Map<string, Set<Watcher>>()
  /** Each open socket's watch bucket, unwatching or not: kept until the socket closes. */
  private readonly watchBuckets = new Map<Connection, { creditMs: number, at: number }>()
  private top: LobbyRoom[] = []
  private topJson = '[]'
  private version = -1
  private timer: ReturnType<typeof setInterval> | undefined
  private ticking: Promise<void> | undefined

  constructor(private readonly options: LobbyFeedOptions) {}

  get watcherCount(): number {
    return this.watchers.size
  }

  isWatching(conn: Connection): boolean {
    return this.watchers.has(conn)
  }

  /** Starts (or restarts, with new rooms) the feed of one socket; a refusal leaves it as it was. */
  async watch(conn: Connection, address: string, rooms: LobbyWatchRoom[] = []): Promise<WatchRefusal | undefined> {
    const now = Date.now()
    // The bucket holds ms of credit, so the arithmetic stays whole.
    const bucket = this.watchBuckets.get(conn) ?? { creditMs: WATCH_BURST * WATCH_INTERVAL_MS, at: now }
    bucket.creditMs = Math.min(WATCH_BURST * WATCH_INTERVAL_MS, bucket.creditMs + now - bucket.at)
    bucket.at = now
    if (bucket.creditMs < WATCH_INTERVAL_MS) return { code: 'RATE_LIMITED', message: `watch at most once a second (bursts of ${WATCH_BURST})`, retryAfterMs: WATCH_INTERVAL_MS - bucket.creditMs }
    let watcher = this.watchers.get(conn)
    if (watcher) {
      this.unfollow(watcher)
      watcher.ready = false
    }
    else {
      if (this.watchers.size >= this.options.maxWatchers) return { code: 'TOO_MANY_WATCHERS', message: `this server holds its maximum of ${this.options.maxWatchers} lobby watchers` }
      if ((this.perAddress.get(address) ?? 0) >= this.options.watchersPerAddress) return { code: 'TOO_MANY_WATCHERS', message: `at most ${this.options.watchersPerAddress} lobby watchers per client address` }
      watcher = { conn, address, mine: new Set(), ready: false }
      this.watchers.set(conn, watcher)
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1)
      this.startTimer()
    }
    bucket.creditMs -= WATCH_INTERVAL_MS
    this.watchBuckets.set(conn, bucket)
    const unique = [...new Map(rooms.map(room => [room.id, room])).values()]
    const verified = await Promise.all(unique.map(room => this.options.verifyToken(room.id, room.token)))
    const proven = unique.filter((_, n) => verified[n]).map(room => room.id)
    const entries = await this.options.index.entries(proven)
    for (const id of proven) {
      if (!entries.has(id)) {
        const computed = await this.options.compute(id)
        if (computed) entries.set(id, computed)
      }
    }
    if (this.version < 0) await this.tick()
    // Closed, unwatched or watched again meanwhile: that call speaks for the socket now.
    if (this.watchers.get(conn) !== watcher || watcher.ready) return undefined
    const mine = proven.filter(id => entries.has(id))
    for (const id of mine) this.follow(watcher, id)
    watcher.ready = true
    const refused = unique.map(room => room.id).filter(id => !watcher.mine.has(id))
    const mineJson = mine.map(id => JSON.stringify(lobbyMyRoom(entries.get(id)!))).join(',')
    conn.send(`{"type":"lobby","rooms":${this.topJson},"mine":[${mineJson}],"refused":${JSON.stringify(refused)}}`)
    return undefined
  }

  /** The socket closed: it watches no more, and is forgotten. */
  forget(conn: Connection): void {
    this.unwatch(conn)
    this.watchBuckets.delete(conn)
  }

  unwatch(conn: Connection): void {
    const watcher = this.watchers.get(conn)
    if (!watcher) return
    this.watchers.delete(conn)
    this.unfollow(watcher)
    const left = (this.perAddress.get(watcher.address) ?? 1) - 1
    if (left > 0) this.perAddress.set(watcher.address, left)
    else this.perAddress.delete(watcher.address)
    if (this.watchers.size === 0) this.stopTimer()
  }

  /** One read of the index and one frame per watcher at most; the timer calls it, and so can a test. */
  tick(): Promise<void> {
    this.ticking ??= this.readAndSend().finally(() => {
      this.ticking = undefined
    })
    return this.ticking
  }

  dispose(): void {
    this.stopTimer()
  }

  private async readAndSend(): Promise<void> {
    const poll = await this.options.index.poll(this.version, this.options.topCount)
    if (!poll.top) {
      this.version = poll.version
      return
    }
    const next = poll.top.map(lobbyRoom)
    const { changed, removed } = diffTop(this.top, next)
    const followedChanges = (poll.changedIds ?? [...this.followers.keys()]).filter(id => this.followers.has(id))
    const entries = followedChanges.length > 0 ? await this.options.index.entries(followedChanges) : new Map<string, LobbyEntry>()
    this.top = next
    this.topJson = JSON.stringify(next)
    this.version = poll.version

    const shared: string[] = []
    if (changed.length > 0) shared.push(`"changed":${JSON.stringify(changed)}`)
    if (removed.length > 0) shared.push(`"removed":${JSON.stringify(removed)}`)
    const own = new Map<Watcher, { mine: string[], gone: string[] }>()
    for (const id of followedChanges) {
      const entry = entries.get(id)
      const json = entry ? JSON.stringify(lobbyMyRoom(entry)) : JSON.stringify(id)
      for (const watcher of this.followers.get(id) ?? []) {
        let parts = own.get(watcher)
        if (!parts) own.set(watcher, parts = { mine: [], gone: [] })
        ;(entry ? parts.mine : parts.gone).push(json)
      }
      if (!entry) for (const watcher of [...this.followers.get(id) ?? []]) this.unfollowRoom(watcher, id)
    }
    const sharedFrame = shared.length > 0 ? `{"type":"lobby",${shared.join(',')}}` : undefined
    for (const watcher of this.watchers.values()) {
      if (!watcher.ready) continue
      const parts = own.get(watcher)
      if (!parts) {
        if (sharedFrame) watcher.conn.send(sharedFrame)
        continue
      }
      const fields = [...shared]
      if (parts.mine.length > 0) fields.push(`"mine":[${parts.mine.join(',')}]`)
      if (parts.gone.length > 0) fields.push(`"mineRemoved":[${parts.gone.join(',')}]`)
      watcher.conn.send(`{"type":"lobby",${fields.join(',')}}`)
    }
  }

  private follow(watcher: Watcher, roomId: string): void {
    watcher.mine.add(roomId)
    let set = this.followers.get(roomId)
    if (!set) this.followers.set(roomId, set = new Set())
    set.add(watcher)
  }

  private unfollowRoom(watcher: Watcher, roomId: string): void {
    watcher.mine.delete(roomId)
    const set = this.followers.get(roomId)
    if (!set) return
    set.delete(watcher)
    if (set.size === 0) this.followers.delete(roomId)
  }

  private unfollow(watcher: Watcher): void {
    for (const roomId of [...watcher.mine]) this.unfollowRoom(watcher, roomId)
  }

  private startTimer(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      this.tick().catch(error => this.options.log(`lobby read failed: ${error instanceof Error ? error.message : String(error)}`))
    }, this.options.mergeMs)
    this.timer.unref?.()
  }

  // Nobody watches: the index is not read, and the next watcher reads it afresh.
  private stopTimer(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.version = -1
    this.top = []
    this.topJson = '[]'
  }
}
