import { LIMITS } from '../../../shared/protocol'
import type { KickFrame } from '../../../shared/protocol'
import type { FrameHandler } from './context'

/**
 * The owner removes a member: banned and removed in one store step, then
 * every process serving the room tells the member's sockets `kicked` and
 * takes them out, and the room sees the member leave.
 */
export const handleKick: FrameHandler<KickFrame> = async (session, frame, { store, sendError }) => {
  const { roomId, id } = session.member
  const room = await store.getRoom(roomId)
  if (!room) return
  // A private room and a room older than owners have none ('').
  if (room.ownerId !== id) return sendError(session, 'FORBIDDEN', 'only the room\'s owner may remove a member')
  if (frame.memberId === id) return sendError(session, 'BAD_REQUEST', 'the owner cannot remove themselves; send leave to go')
  const now = Date.now()
  const until = now + LIMITS.kickBanMs
  const kicked = await store.kickMember(roomId, frame.memberId, until, now)
  if (!kicked) return sendError(session, 'BAD_REQUEST', 'no member with that id in this room')
  await store.publish(roomId, { kind: 'kicked', memberId: kicked.id, until })
  await store.publish(roomId, { kind: 'left', memberId: kicked.id })
}
