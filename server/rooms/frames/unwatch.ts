import type { UnwatchFrame } from '../../../shared/protocol'
import type { Session } from '../session-index'
import type { FrameContext, FrameHandler } from './context'

type UnwatchContext = Pick<FrameContext, 'lobbyFeed'>

export const handleUnwatch: FrameHandler<UnwatchFrame, UnwatchContext, Session> = (session, _frame, { lobbyFeed }) => {
  lobbyFeed.unwatch(session.conn)
}
