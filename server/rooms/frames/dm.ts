import type { DmRequestFrame } from '../../../shared/protocol'
import { newPrivateRoomId } from '../private-rooms'
import { hashToken, newToken } from '../secrets'
import type { RoomStore } from '../types'
import type { FrameContext, FrameHandler, JoinedSession } from './context'

type DmContext = Pick<FrameContext, 'send' | 'sendError' | 'memberOf' | 'maxRooms' | 'dmRequests' | 'roomCreations'> & {
  readonly store: Pick<RoomStore, 'getRoom' | 'openPrivateRoom' | 'publish'>
}

/**
 * Opens the private room of the sender and another member of its room (the
 * pair's room again, if it has one), and hands each of the two a token of
 * its own for it: the sender in the answer, the other member in an invite
 * that only its sockets in this room get.
 */
export const handleDm: FrameHandler<DmRequestFrame, DmContext> = async (session, frame, context) => {
  const { store, send, sendError } = context
  const { roomId, id, name } = session.member
  if (frame.to === id) return sendError(session, 'BAD_REQUEST', 'a private room is with another member of this room, not with yourself')
  const room = await store.getRoom(roomId)
  if (!room) return
  if (room.private) return sendError(session, 'FORBIDDEN', 'this room is private already: no private room opens from it')
  const target = context.memberOf(roomId, frame.to)
  if (!target) return sendError(session, 'BAD_REQUEST', 'no member with that id in this room')
  const now = Date.now()
  const waitMs = privateRoomWait(context, session, now)
  if (waitMs > 0) return sendError(session, 'RATE_LIMITED', 'private rooms are opened at most a few a minute; wait a little', waitMs)
  const senderToken = newToken()
  const targetToken = newToken()
  const opened = await store.openPrivateRoom({
    id: newPrivateRoomId(),
    passwordHash: null,
    createdAt: now,
    title: `${name} & ${target.name}`,
    visibility: 'unlisted',
    // Neither of the two owns it: nobody renames it or removes the other.
    ownerId: '',
    private: {
      originRoomId: roomId,
      seats: [
        { memberId: id, name, tokenHashes: [hashToken(senderToken)] },
        { memberId: target.id, name: target.name, tokenHashes: [hashToken(targetToken)] },
      ],
    },
  }, context.maxRooms)
  if (opened === 'server-full') return sendError(session, 'SERVER_FULL', 'this server holds as many rooms as it may; try again later')
  send(session, { type: 'dm', roomId: opened.room.id, token: senderToken })
  await store.publish(roomId, { kind: 'invite', to: target.id, roomId: opened.room.id, from: { id, name }, token: targetToken })
}

/**
 * How long the socket's member must wait before it may open a private room:
 * 0 when it may now, and then one is counted against the member and against
 * the rooms its address may create.
 */
function privateRoomWait({ dmRequests, roomCreations }: DmContext, session: JoinedSession, now: number): number {
  const memberWait = dmRequests.take(`${session.member.roomId}\u0000${session.member.id}`, now)
  return memberWait > 0 ? memberWait : roomCreations.take(session.address, now)
}
