import type Redis from 'ioredis'
import type { LobbyEntry, LobbyUpdate } from '../lobby/lobby-entry'
import { CHANGE_LOG_LIMIT, SEARCH_SCAN_LIMIT } from '../lobby/lobby-index'
import type { LobbyIndex, LobbyPage, LobbyPoll } from '../lobby/lobby-index'
import { LOBBY_APPLY, LOBBY_PAGE, LOBBY_POLL } from './lobby-scripts'

const KEYS = ['hb:{lobby}:entries', 'hb:{lobby}:order', 'hb:{lobby}:version', 'hb:{lobby}:changes', 'hb:{lobby}:trimmed']
/** Updates per script call: a flush of many rooms holds Redis for a bounded time per call. */
const UPDATES_PER_CALL = 200

type LobbyScripted = Redis & {
  lobbyApply: (...args: (string | number)[]) => Promise<unknown>
  lobbyPoll: (...args: (string | number)[]) => Promise<unknown>
  lobbyPage: (...args: (string | number)[]) => Promise<unknown>
}

interface StoredEntry { t: string, l: number, o: number, m: number, s: number, a: number }

/** `id\nJSON` as the scripts return an entry. */
function parseEntry(line: string): LobbyEntry | undefined {
  const cut = line.indexOf('\n')
  const raw = line.slice(cut + 1)
  if (cut < 0 || raw === '') return undefined
  const stored = JSON.parse(raw) as StoredEntry
  return { id: line.slice(0, cut), title: String(stored.t), listed: stored.l === 1, online: stored.o, members: stored.m, lastSeq: stored.s, countsAt: stored.a }
}

/**
 * The lobby index every instance shares: one script per write batch, one per
 * poll (a version read when nothing changed), one per page. Its cost follows
 * the rooms that change and the pages asked for, never the sockets or the
 * watchers.
 */
export class RedisLobbyIndex implements LobbyIndex {
  private readonly redis: LobbyScripted

  constructor(redis: Redis) {
    this.redis = redis as LobbyScripted
    this.redis.defineCommand('lobbyApply', { lua: LOBBY_APPLY, numberOfKeys: KEYS.length })
    this.redis.defineCommand('lobbyPoll', { lua: LOBBY_POLL, numberOfKeys: KEYS.length })
    this.redis.defineCommand('lobbyPage', { lua: LOBBY_PAGE, numberOfKeys: KEYS.length })
  }

  async apply(updates: LobbyUpdate[]): Promise<void> {
    for (let start = 0; start < updates.length; start += UPDATES_PER_CALL) {
      const args: (string | number)[] = [CHANGE_LOG_LIMIT]
      for (const u of updates.slice(start, start + UPDATES_PER_CALL)) {
        args.push(u.id, u.gone ? 1 : 0, u.counts ? 1 : 0, u.counts?.online ?? 0, u.counts?.members ?? 0, u.counts?.at ?? 0,
          u.lastSeq ?? -1, u.meta ? 1 : 0, u.meta?.listed ? 1 : 0, u.meta?.title ?? '')
      }
      await this.redis.lobbyApply(...KEYS, ...args)
    }
  }

  async page(afterKey: string | undefined, limit: number, foldedQuery?: string): Promise<LobbyPage> {
    const [nextKey, ...lines] = await this.redis.lobbyPage(...KEYS, afterKey ?? '', limit, foldedQuery ?? '', SEARCH_SCAN_LIMIT) as string[]
    return { entries: lines.map(parseEntry).filter(entry => entry !== undefined), nextKey: nextKey || undefined }
  }

  async poll(sinceVersion: number, topCount: number): Promise<LobbyPoll> {
    const [version, known, changedIds, top] = await this.redis.lobbyPoll(...KEYS, sinceVersion, topCount) as [number, number?, string[]?, string[]?]
    if (known === undefined) return { version }
    return {
      version,
      top: top!.map(parseEntry).filter(entry => entry !== undefined),
      changedIds: known === 1 ? changedIds : undefined,
    }
  }

  async ids(): Promise<string[]> {
    return this.redis.hkeys(KEYS[0]!)
  }

  async entries(ids: string[]): Promise<Map<string, LobbyEntry>> {
    const found = new Map<string, LobbyEntry>()
    if (ids.length === 0) return found
    const raws = await this.redis.hmget(KEYS[0]!, ...ids)
    raws.forEach((raw, n) => {
      if (raw) found.set(ids[n]!, parseEntry(`${ids[n]}\n${raw}`)!)
    })
    return found
  }
}
