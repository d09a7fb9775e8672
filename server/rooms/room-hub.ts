import { LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ChatSendFrame, ErrorCode, JoinFrame, ServerFrame } from '../../shared/protocol'
import { admitMember } from './admission'
import { MemoryRoomStore } from './memory-store'
import { PresenceTracker } from './presence-tracker'
import { hashToken, newId } from './secrets'
import { SessionIndex } from './session-index'
import type { Connection, Session } from './session-index'
import type { MemberRecord, RoomStore } from './types'

export type { Connection } from './session-index'

export interface RoomHubOptions {
  /** @default new MemoryRoomStore(historyLimit) */
  store?: RoomStore
  /** A member is online while its last heartbeat is this recent. @default 8000 */
  heartbeatWindowMs?: number
  /** How often the one sweep of the whole server runs. @default 250 */
  sweepIntervalMs?: number
  /** An offline member is removed after this long. @default 600000 */
  memberTtlMs?: number
  /** A room without members is forgotten after this long. @default 30000 */
  emptyRoomGraceMs?: number
  /** Presence changes this close together go out as one frame. @default 100 */
  presenceMergeMs?: number
  /** Messages kept per room by the default store. @default 500 */
  historyLimit?: number
  /** A socket that sends nothing for this long is dropped. @default 2 * heartbeatWindowMs */
  idleTimeoutMs?: number
  /** @default console.log with a [heartbeat] prefix */
  log?: (message: string) => void
}

/**
 * The server's room logic, free of Nitro: the WebSocket route hands it
 * connections and raw frames, the API routes call its member actions.
 */
export class RoomHub {
  readonly store: RoomStore
  private readonly windowMs: number
  private readonly sweepIntervalMs: number
  private readonly idleTimeoutMs: number
  private readonly log: (message: string) => void
  private readonly sessions = new Map<Connection, Session>()
  private readonly index = new SessionIndex()
  private readonly presence: PresenceTracker
  private sweepTimer: ReturnType<typeof setInterval> | undefined
  private sweeping = false

  constructor(options: RoomHubOptions = {}) {
    const {
      heartbeatWindowMs = 8000,
      sweepIntervalMs = 250,
      memberTtlMs = 10 * 60 * 1000,
      emptyRoomGraceMs = 30 * 1000,
      presenceMergeMs = 100,
      historyLimit = 500,
      idleTimeoutMs = 2 * heartbeatWindowMs,
      store = new MemoryRoomStore(historyLimit),
      log = (message: string) => console.log(`[heartbeat] ${message}`),
    } = options
    this.store = store
    this.windowMs = heartbeatWindowMs
    this.sweepIntervalMs = sweepIntervalMs
    this.idleTimeoutMs = idleTimeoutMs
    this.log = log
    this.presence = new PresenceTracker(store, {
      windowMs: heartbeatWindowMs,
      memberTtlMs,
      emptyRoomGraceMs,
      presenceMergeMs,
      broadcast: (roomId, data) => this.index.broadcast(roomId, data),
      expireMember: (roomId, memberId) => this.removeMember(roomId, memberId),
      log,
    })
  }

  /** Starts the single server-wide sweep timer. */
  start(): void {
    if (this.sweepTimer) return
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs)
    this.sweepTimer.unref?.()
  }

  stop(): void {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.presence.dispose()
  }

  get connectionCount(): number {
    return this.sessions.size
  }

  open(conn: Connection): void {
    this.sessions.set(conn, { conn, lastFrameAt: Date.now(), queue: Promise.resolve(), closed: false })
  }

  /** Handles one frame; `raw` is undefined for a binary frame. */
  receive(conn: Connection, raw: string | undefined, byteLength = raw?.length ?? 0): void {
    const session = this.sessions.get(conn)
    if (!session) return
    session.lastFrameAt = Date.now()
    if (raw === undefined) return this.sendError(session, 'BAD_REQUEST', 'binary frames are not part of the protocol')
    if (byteLength > LIMITS.frameMaxBytes) return this.sendError(session, 'TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
    const parsed = parseClientFrame(raw)
    if (!parsed.ok) return this.sendError(session, parsed.code, parsed.message)
    const frame = parsed.frame
    if (frame.type === 'ping') return this.answerPing(session)
    session.queue = session.queue
      .then(() => {
        if (frame.type === 'join') return this.join(session, frame)
        if (frame.type === 'chat') return this.chat(session, frame)
        return this.leave(session)
      })
      .catch((error: unknown) => {
        this.log(`frame ${frame.type} failed: ${error instanceof Error ? error.message : String(error)}`)
        this.sendError(session, 'INTERNAL', 'the server could not handle that frame')
      })
  }

  close(conn: Connection): void {
    const session = this.sessions.get(conn)
    if (!session) return
    session.closed = true
    this.sessions.delete(conn)
    const member = this.index.detach(session)
    if (member && !this.index.hasSessions(member.roomId, member.id)) {
      this.presence.offline(member.roomId, member.id).catch(error => this.log(`offline failed: ${String(error)}`))
    }
  }

  /** `POST /api/rooms/:id/away`: offline at once, still a member. */
  async away(roomId: string, token: string): Promise<boolean> {
    const member = await this.store.findMemberByTokenHash(roomId, hashToken(token))
    if (!member) return false
    await this.presence.offline(roomId, member.id)
    return true
  }

  /** `POST /api/rooms/:id/leave`: the member is gone, on every tab. */
  async leaveByToken(roomId: string, token: string): Promise<boolean> {
    const member = await this.store.findMemberByTokenHash(roomId, hashToken(token))
    if (!member) return false
    await this.removeMember(roomId, member.id)
    return true
  }

  async summary(roomId: string): Promise<{ roomId: string, online: number, members: number, protected: boolean } | undefined> {
    const room = await this.store.getRoom(roomId)
    if (!room) return undefined
    const view = await this.presence.viewOf(roomId)
    return { roomId, online: view.online, members: view.members, protected: room.passwordHash !== null }
  }

  /** Sweeps once; the timer calls it, and so can a test with fake time. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      for (const session of this.sessions.values()) {
        if (now - session.lastFrameAt > this.idleTimeoutMs) session.conn.terminate()
      }
      await this.presence.sweep(now)
    }
    catch (error) {
      this.log(`sweep failed: ${String(error)}`)
    }
    finally {
      this.sweeping = false
    }
  }

  // A heartbeat is answered first, from memory, and never stored or broadcast.
  private answerPing(session: Session): void {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending ping')
    const view = this.presence.builtView(member.roomId)
    if (view) this.send(session, { type: 'pong', online: view.online, members: view.members })
    this.presence.heartbeat(member.roomId, member.id).catch(error => this.log(`heartbeat failed: ${String(error)}`))
  }

  private async join(session: Session, frame: JoinFrame): Promise<void> {
    if (session.member) return this.sendError(session, 'ALREADY_JOINED', 'this socket has joined a room already; send leave first')
    const now = Date.now()
    let member: MemberRecord | undefined
    let token = frame.token
    let created = false
    if (token) member = await this.store.findMemberByTokenHash(frame.roomId, hashToken(token))
    if (!member || !token) {
      const admission = await admitMember(this.store, frame, now)
      if ('code' in admission) return this.sendError(session, admission.code, admission.message)
      ;({ member, token, created } = admission)
    }
    await this.store.touchMember(member.roomId, member.id, now)
    if (session.closed) return this.presence.offline(member.roomId, member.id)
    const history = await this.store.recentMessages(member.roomId, LIMITS.historyOnJoin)
    const view = await this.presence.viewOf(member.roomId)
    // Nothing below awaits, so no frame of the room can slip between the
    // snapshot and this socket joining the fan-out.
    const presence = { id: member.id, name: member.name, active: true }
    this.presence.record(member.roomId, view, presence)
    this.send(session, {
      type: 'joined',
      roomId: member.roomId,
      you: { id: member.id, name: member.name },
      token,
      created,
      history,
      presence: view.snapshot(),
      heartbeatWindowMs: this.windowMs,
    })
    this.index.attach(session, { id: member.id, name: member.name, roomId: member.roomId })
    if (created) this.log(`room ${member.roomId} created`)
  }

  private async chat(session: Session, frame: ChatSendFrame): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending chat')
    const message = await this.store.appendMessage({
      type: 'chat',
      id: newId(),
      roomId: member.roomId,
      from: { id: member.id, name: member.name },
      text: frame.text,
      at: Date.now(),
      ...(frame.clientId ? { clientId: frame.clientId } : {}),
    })
    this.index.broadcast(member.roomId, JSON.stringify(message))
    await this.presence.heartbeat(member.roomId, member.id)
  }

  private async leave(session: Session): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending leave')
    await this.removeMember(member.roomId, member.id)
  }

  private async removeMember(roomId: string, memberId: string): Promise<void> {
    await this.store.removeMember(roomId, memberId)
    await this.presence.removed(roomId, memberId)
    for (const session of this.index.sessionsOf(roomId, memberId)) {
      this.index.detach(session)
      this.send(session, { type: 'left', roomId })
    }
  }

  private send(session: Session, frame: ServerFrame): void {
    if (!session.closed) session.conn.send(JSON.stringify(frame))
  }

  private sendError(session: Session, code: ErrorCode, message: string): void {
    this.send(session, { type: 'error', code, message })
  }
}
