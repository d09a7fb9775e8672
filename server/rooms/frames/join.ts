import type { JoinFrame } from '../../../shared/protocol'
import type { Session } from '../session-index'
import type { FrameContext, FrameHandler } from './context'

type JoinContext = Pick<FrameContext, 'joins' | 'sendError'>

// The join transaction itself (admission, entering the room, the joined frame) is hub/join.ts.
export const handleJoin: FrameHandler<JoinFrame, JoinContext, Session> = (session, frame, { joins, sendError }) => {
  if (session.member) return sendError(session, 'ALREADY_JOINED', 'this socket has joined a room already; send leave first')
  return joins.join(session, frame)
}
