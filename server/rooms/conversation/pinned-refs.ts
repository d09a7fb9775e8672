import { replyExcerpt } from '../../../shared/protocol'
import type { PinnedRef } from '../../../shared/protocol'
import type { RoomStore } from '../types'

/**
 * The pinned messages as the pinned bar shows them, in pin order: each read
 * by its id (at most `LIMITS.pinsPerRoom` reads, at once). A pin whose
 * message is no longer held (trimmed from a capped history) or is a
 * tombstone is left out.
 */
export async function pinnedRefsOf(store: Pick<RoomStore, 'findMessage'>, roomId: string, ids: readonly string[]): Promise<PinnedRef[]> {
  const messages = await Promise.all(ids.map(id => store.findMessage(roomId, id)))
  return messages.flatMap(message => (message && !message.deleted
    ? [{ id: message.id, seq: message.seq, from: message.from, excerpt: replyExcerpt(message.text), at: message.at, ...(message.threadId ? { threadId: message.threadId } : {}) }]
    : []))
}

/** What a joining member is told of the room's conversation settings (joined's slowMode, pins, pinned). */
export async function conversationOnJoin(store: Pick<RoomStore, 'conversationSettings' | 'findMessage'>, roomId: string): Promise<{ slowMode: number, pins: string[], pinned: PinnedRef[] }> {
  const settings = await store.conversationSettings(roomId)
  const pinned = settings.pins.length === 0 ? [] : await pinnedRefsOf(store, roomId, settings.pins)
  return { slowMode: settings.slowModeSeconds, pins: pinned.map(ref => ref.id), pinned }
}
