import type { WatchFrame } from '../../../shared/protocol'
import type { Session } from '../session-index'
import type { FrameContext, FrameHandler } from './context'

type WatchContext = Pick<FrameContext, 'lobbyFeed' | 'sendError'>

/** Starts (or restarts) the socket's lobby feed, joined or not. */
export const handleWatch: FrameHandler<WatchFrame, WatchContext, Session> = async (session, frame, { lobbyFeed, sendError }) => {
  if (session.closed) return
  const refusal = await lobbyFeed.watch(session.conn, session.address, frame.rooms)
  if (refusal) sendError(session, refusal.code, refusal.message, refusal.retryAfterMs)
}
