import { LIMITS } from '../../../shared/protocol'
import type { KickFrame } from '../../../shared/protocol'
import type { RoomStore } from '../types'
import type { FrameHandler } from './context'
import { deleteAs } from './delete'
import type { DeleteContext } from './delete'

/** A kick may delete the member's recent messages, so it is given what a delete is, and more of the store. */
type KickContext = DeleteContext & { readonly store: Pick<RoomStore, 'getRoom' | 'kickMember' | 'publish' | 'recentMessages' | 'messagesBefore'> }

/** Messages read per step when looking back for a removed member's recent ones. */
const RECENT_PAGE = 100

/**
 * The owner removes a member: banned and removed in one store step, then
 * every process serving the room tells the member's sockets `kicked` and
 * takes them out, and the room sees the member leave. With `deleteRecent`
 * its messages of the last `LIMITS.kickDeleteRecentMs` become tombstones
 * after that, so none it sends meanwhile is missed.
 */
export const handleKick: FrameHandler<KickFrame, KickContext> = async (session, frame, context) => {
  const { store, sendError } = context
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  // A private room and a room older than owners have none ('').
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may remove a member')
  if (frame.memberId === id) return sendError(session, 'BAD_REQUEST', 'the owner cannot remove themselves; send leave to go')
  const now = Date.now()
  const until = now + LIMITS.kickBanMs
  const kicked = await store.kickMember(roomId, frame.memberId, until, now, frame.blockNetwork === true)
  if (!kicked) return sendError(session, 'BAD_REQUEST', 'no member with that id in this room')
  await store.publish(roomId, { kind: 'kicked', memberId: kicked.id, until })
  await store.publish(roomId, { kind: 'left', memberId: kicked.id })
  if (frame.deleteRecent) await deleteRecentMessages(context, roomId, kicked.id, id, now - LIMITS.kickDeleteRecentMs)
}

/**
 * Tombstones the author's messages sent at or after `since`, as the owner.
 * Reads back a page at a time from the newest and stops at the first page
 * that reaches before `since`: held history is in time order.
 */
async function deleteRecentMessages(context: KickContext, roomId: string, authorId: string, ownerId: string, since: number): Promise<void> {
  const newest = (await context.store.recentMessages(roomId, 1))[0]
  let before = (newest?.seq ?? 0) + 1
  for (;;) {
    const { messages, hasMore } = await context.store.messagesBefore(roomId, before, RECENT_PAGE)
    for (const message of messages) {
      if (message.from.id === authorId && !message.deleted && message.at >= since) await deleteAs(context, roomId, message.id, ownerId)
    }
    if (!hasMore || messages.length === 0 || messages[0]!.at < since) return
    before = messages[0]!.seq
  }
}
