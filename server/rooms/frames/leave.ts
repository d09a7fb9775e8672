import type { LeaveFrame } from '../../../shared/protocol'
import type { FrameContext, FrameHandler } from './context'

type LeaveContext = Pick<FrameContext, 'removals'>

// The member goes on every tab: the room, and this socket, hear it as the store's 'left' event.
export const handleLeave: FrameHandler<LeaveFrame, LeaveContext> = async (session, _frame, { removals }) => {
  await removals.removeMember(session.member.roomId, session.member.id)
}
