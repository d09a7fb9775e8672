import { CLOSE_CODES } from '../../../shared/protocol'
import type { ErrorCode, ServerFrame } from '../../../shared/protocol'
import { SessionIndex } from '../session-index'
import type { SessionLimits } from '../session-guard'
import type { Connection, Session, SessionMember } from '../session-index'
import type { RoomInterest } from './interest'
import type { CoreLog } from '../../log'
import { countRefusedFrame } from '../../metrics/counts'

/** How often a spread close (closeAllSpread) closes its next share. */
const SPREAD_TICK_MS = 50

/**
 * The sockets of this process: every open one, the fan-out index of those in
 * a room, and the ways to write to them, take them out of a room or close them.
 */
export class HubSockets {
  readonly sessions = new Map<Connection, Session>()
  readonly index = new SessionIndex()

  constructor(private readonly interest: Pick<RoomInterest, 'leave'>, private readonly log: CoreLog) {}

  /** A new socket, with every field up front: one object shape for every session. */
  open(conn: Connection, limits: SessionLimits, now: number): void {
    this.sessions.set(conn, {
      conn,
      address: conn.remoteAddress ?? 'unknown',
      ...limits,
      lastFrameAt: now,
      lastTouchAt: 0,
      member: undefined,
      tabId: undefined,
      queue: Promise.resolve(),
      closed: false,
      closingSince: undefined,
      backlog: undefined,
    })
  }

  send(session: Session, frame: ServerFrame): void {
    if (frame.type === 'error') countRefusedFrame(frame.code)
    if (!session.closed) session.conn.send(JSON.stringify(frame))
  }

  sendError(session: Session, code: ErrorCode, message: string, retryAfterMs?: number): void {
    this.send(session, { type: 'error', code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }

  closeSession(session: Session, code: number, reason: string): void {
    if (session.closingSince !== undefined) return
    session.closingSince = Date.now()
    if (code === CLOSE_CODES.policyViolation) this.log(`a socket was closed for abuse: ${reason}`, 'socket_closed_abuse', { code, reason, address: session.address }, 'warn')
    session.conn.close(code, reason)
  }

  closeAll(code: number, reason: string): void {
    for (const session of this.sessions.values()) this.closeSession(session, code, reason)
  }

  /**
   * Closes every socket in random order, an equal share every tick over
   * `spreadMs`: a restarting instance's clients reconnect to the others
   * spread out rather than all in the same instant.
   */
  closeAllSpread(code: number, reason: string, spreadMs: number): void {
    const order = [...this.sessions.values()]
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    const ticks = Math.max(1, Math.floor(spreadMs / SPREAD_TICK_MS))
    const perTick = Math.ceil(order.length / ticks)
    const closeNext = () => {
      for (const session of order.splice(0, perTick)) this.closeSession(session, code, reason)
      if (order.length === 0) clearInterval(timer)
    }
    const timer = setInterval(closeNext, SPREAD_TICK_MS)
    timer.unref?.()
    closeNext()
  }

  /**
   * The store lost one room (evicted, or flushed), or this process may have
   * missed some of its events (`missed`: its Redis shard failed over): its
   * sockets here must join again (1012), and catch up from the history.
   */
  restartRoom(roomId: string, cause: 'gone' | 'missed' = 'gone'): void {
    if (cause === 'gone') this.log('a room is gone from the store: asking its sockets to join again', 'room_lost')
    for (const session of this.sessions.values()) {
      if (session.member?.roomId === roomId) this.closeSession(session, CLOSE_CODES.serviceRestart, 'room state was lost; join again')
    }
  }

  /** Takes the socket out of its room, and the room out of this process when it was its last socket. */
  detach(session: Session): SessionMember | undefined {
    const member = this.index.detach(session)
    if (member) this.interest.leave(member.roomId)
    return member
  }

  /** Takes the member's sockets here out of the room, telling them why (`left`, or `kicked` by the owner). */
  detachMember(roomId: string, memberId: string, why: ServerFrame = { type: 'left', roomId }): void {
    for (const session of this.index.sessionsOf(roomId, memberId)) {
      this.detach(session)
      this.send(session, why)
    }
  }
}
