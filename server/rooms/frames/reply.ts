import { replyExcerpt } from '../../../shared/protocol'
import type { ReplyRef } from '../../../shared/protocol'
import type { RoomStore } from '../types'

/** What a reply carries of the message it answers; undefined when the room holds no such message (or only its tombstone). */
export async function replyRefTo(store: Pick<RoomStore, 'findMessage'>, roomId: string, messageId: string): Promise<ReplyRef | undefined> {
  const target = await store.findMessage(roomId, messageId)
  if (!target || target.deleted) return undefined
  return { id: target.id, from: target.from, excerpt: replyExcerpt(target.text) }
}
