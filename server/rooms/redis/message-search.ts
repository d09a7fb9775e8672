import { LIMITS } from '../../../shared/protocol'
import type { ChatMessage } from '../../../shared/protocol'
import { newestFirst, scanForMatches } from '../conversation/message-search'
import type { SearchPage, SearchQuery } from '../conversation/message-search'
import { roomKeys } from './keys'

/** The one read a Redis search needs: the newest entries of a room's history list. */
interface HistoryReader {
  lrange(key: string, start: number, stop: number): Promise<string[]>
}

/**
 * A bounded scan of the room's history (capped by the store's history limit
 * anyway): its newest `LIMITS.searchScanMax` entries in one read, matched
 * here by the same rule as every store (matchesQuery).
 */
export async function searchHistory(redis: HistoryReader, roomId: string, query: SearchQuery): Promise<SearchPage> {
  const held = await redis.lrange(roomKeys(roomId).history, -LIMITS.searchScanMax, -1)
  return scanForMatches(newestFirst(held.map(json => JSON.parse(json) as ChatMessage)), query)
}
