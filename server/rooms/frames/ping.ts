import type { PingFrame } from '../../../shared/protocol'
import type { Session } from '../session-index'
import type { FrameContext, FrameHandler, JoinedSession } from './context'

/** A lobby watcher that has not joined pings to stay open; it has no room to count. */
const WATCHER_PONG = '{"type":"pong","online":0,"members":0}'

type PingContext = Pick<FrameContext, 'liveness' | 'lobbyFeed' | 'sendError'>

/**
 * A ping that waited in the socket's queue (one sent right behind a join);
 * a joined socket's own pings skip the queue and reach liveness directly.
 */
export const handlePing: FrameHandler<PingFrame, PingContext, Session> = (session, _frame, { liveness, lobbyFeed, sendError }) => {
  if (session.member) return liveness.answerPing(session as JoinedSession)
  if (lobbyFeed.isWatching(session.conn) && !session.closed) return session.conn.send(WATCHER_PONG, { droppable: true })
  sendError(session, 'NOT_JOINED', 'join a room before sending ping')
}
