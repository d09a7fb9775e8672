import { CLOSE_CODES, LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ChatSendFrame, ErrorCode, JoinFrame, ServerFrame } from '../../shared/protocol'
import { admitMember } from './admission'
import { resolveHubOptions } from './hub-options'
import type { ResolvedHubOptions, RoomHubOptions } from './hub-options'
import { joinedFrame } from './joined-frame'
import { MemoryRoomStore } from './memory-store'
import { PresenceTracker } from './presence-tracker'
import { FailureWindow } from './rate-limits'
import { hashToken, newId } from './secrets'
import { SessionGuard } from './session-guard'
import { SessionIndex } from './session-index'
import type { Connection, Session, SessionMember } from './session-index'
import type { MemberRecord, RoomEvent, RoomStore } from './types'

export type { Connection } from './session-index'

const PING_FRAME = '{"type":"ping"}'
export type { RoomHubOptions } from './hub-options'

/**
 * The server's room logic, free of Nitro: the WebSocket route hands it
 * connections and raw frames, the API routes call its member actions.
 */
export class RoomHub {
  readonly store: RoomStore
  private readonly options: ResolvedHubOptions
  private readonly sessions = new Map<Connection, Session>()
  private readonly index = new SessionIndex()
  private readonly presence: PresenceTracker
  private readonly guard: SessionGuard
  private readonly passwordFailures: FailureWindow
  /** roomId -> sockets here that joined or are joining it; the store delivers a room's events while it is above 0. */
  private readonly interest = new Map<string, number>()
  private sweepTimer: ReturnType<typeof setInterval> | undefined
  private sweeping = false
  private shuttingDown = false
  private readonly touchIntervalMs: number

  constructor(options: RoomHubOptions = {}) {
    this.options = resolveHubOptions(options)
    const { heartbeatWindowMs, historyLimit } = this.options
    this.touchIntervalMs = Math.min(1000, heartbeatWindowMs / 4)
    this.store = options.store ?? new MemoryRoomStore(historyLimit)
    this.guard = new SessionGuard(this.options)
    this.passwordFailures = new FailureWindow(this.options.passwordFailuresPerMinute, 60_000)
    this.presence = new PresenceTracker(this.store, {
      windowMs: heartbeatWindowMs,
      memberTtlMs: this.options.memberTtlMs,
      emptyRoomGraceMs: this.options.emptyRoomGraceMs,
      presenceMergeMs: this.options.presenceMergeMs,
      broadcast: (roomId, data) => this.index.broadcast(roomId, data),
      expireMember: (roomId, memberId) => this.removeMember(roomId, memberId),
      log: this.options.log,
    })
    this.store.onEvent((roomId, event) => this.onRoomEvent(roomId, event))
  }

  /** Starts the single server-wide sweep timer. */
  start(): void {
    if (this.sweepTimer) return
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs)
    this.sweepTimer.unref?.()
  }

  stop(): void {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.presence.dispose()
  }

  /** Refuses new sockets and asks every open one to reconnect elsewhere (1001). */
  shutdown(): void {
    this.shuttingDown = true
    for (const session of this.sessions.values()) this.closeSession(session, CLOSE_CODES.goingAway, 'server shutting down')
  }

  /** The shared store lost its data: every socket here must join again (1012). */
  restartSessions(): void {
    for (const session of this.sessions.values()) this.closeSession(session, CLOSE_CODES.serviceRestart, 'room state was lost; join again')
  }

  /** Cuts every socket that has not closed yet, at the end of a shutdown. */
  terminateAll(): void {
    for (const session of this.sessions.values()) session.conn.terminate()
  }

  stats() {
    return {
      connections: this.sessions.size,
      members: this.presence.memberCount,
      roomsWithSockets: this.index.roomCount,
      clientAddresses: this.guard.addressCount,
    }
  }

  open(conn: Connection): void {
    const now = Date.now()
    const address = conn.remoteAddress ?? 'unknown'
    // Every field up front: one object shape for every session.
    const session: Session = {
      conn,
      address,
      ...this.guard.newLimits(now),
      lastFrameAt: now,
      lastTouchAt: 0,
      member: undefined,
      tabId: undefined,
      queue: Promise.resolve(),
      closed: false,
      closingSince: undefined,
      backlog: undefined,
    }
    if (this.shuttingDown) return conn.close(CLOSE_CODES.goingAway, 'server shutting down')
    if (!this.guard.admit(address)) {
      this.sendError(session, 'TOO_MANY_CONNECTIONS', `at most ${this.options.maxConnectionsPerAddress} sockets per client address`)
      return conn.close(CLOSE_CODES.tooManyConnections, 'too many connections')
    }
    this.sessions.set(conn, session)
  }

  /** Handles one frame; `raw` is undefined for a binary frame. */
  receive(conn: Connection, raw: string | undefined, byteLength = raw?.length ?? 0): void {
    const session = this.sessions.get(conn)
    if (!session || session.closingSince) return
    const now = Date.now()
    session.lastFrameAt = now
    // The client's own ping skips the bucket: a dropped ping would make it call
    // a healthy link dead, and answering one costs no store write (see answerPing).
    if (raw === PING_FRAME && session.member) return this.answerPing(session)
    const verdict = this.guard.judgeFrame(session, now)
    if (verdict === 'close') return this.closeSession(session, CLOSE_CODES.policyViolation, 'flooding past the rate limit')
    if (verdict !== 'accept') {
      if (verdict === 'drop-and-tell') this.sendError(session, 'RATE_LIMITED', `at most ${this.options.framesPerSecond} frames a second; frames were dropped`, this.guard.retryAfterMs(session, now))
      return
    }
    if (raw === undefined) return this.sendError(session, 'BAD_REQUEST', 'binary frames are not part of the protocol')
    if (byteLength > LIMITS.frameMaxBytes) return this.sendError(session, 'TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
    const parsed = parseClientFrame(raw)
    if (!parsed.ok) return this.sendError(session, parsed.code, parsed.message)
    const frame = parsed.frame
    // A joined socket's ping skips the queue; one sent right behind a join waits for it.
    if (frame.type === 'ping' && session.member) return this.answerPing(session)
    session.queue = session.queue
      .then(() => {
        if (frame.type === 'ping') return this.answerPing(session)
        if (frame.type === 'join') return this.join(session, frame)
        if (frame.type === 'chat') return this.chat(session, frame)
        return this.leave(session)
      })
      .catch((error: unknown) => {
        this.options.log(`frame ${frame.type} failed: ${error instanceof Error ? error.message : String(error)}`)
        if (this.store.health().state !== 'ready') this.sendError(session, 'UNAVAILABLE', 'the room store is out of reach; try again shortly')
        else this.sendError(session, 'INTERNAL', 'the server could not handle that frame')
      })
  }

  close(conn: Connection): void {
    const session = this.sessions.get(conn)
    if (!session) return
    session.closed = true
    this.sessions.delete(conn)
    this.guard.release(session.address)
    const member = this.detach(session)
    if (member && !this.index.hasSessions(member.roomId, member.id)) {
      this.presence.released(member.roomId, member.id).catch(error => this.options.log(`release failed: ${String(error)}`))
    }
  }

  /**
   * `POST /api/rooms/:id/away`: offline at once, still a member. A beacon that
   * names its tab only speaks for that tab: while another socket of the member
   * is open here the member stays online, and otherwise it is released like a
   * last socket, so another instance holding one keeps it online too.
   */
  async away(roomId: string, token: string, tabId?: string): Promise<boolean> {
    const member = await this.store.findMemberByTokenHash(roomId, hashToken(token))
    if (!member) return false
    if (tabId === undefined) await this.presence.offline(roomId, member.id)
    else if (!this.index.sessionsOf(roomId, member.id).some(session => session.tabId !== tabId)) await this.presence.released(roomId, member.id)
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
    return { roomId, ...await this.presence.counts(roomId), protected: room.passwordHash !== null }
  }

  /** Sweeps once; the timer calls it, and so can a test with fake time. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      for (const session of this.sessions.values()) {
        if (session.closingSince !== undefined && now - session.closingSince > 5000) session.conn.terminate()
        else if (now - session.lastFrameAt > this.options.idleTimeoutMs) this.closeSession(session, CLOSE_CODES.idleTimeout, 'idle timeout')
      }
      this.passwordFailures.prune(now)
      if (this.store.health().state === 'ready') await this.presence.sweep(now)
    }
    catch (error) {
      this.options.log(`sweep failed: ${String(error)}`)
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
    // A store write per socket at most every quarter window (and second),
    // however fast it pings; none while the store is away (the pong above
    // keeps the link alive).
    const now = Date.now()
    if (now - session.lastTouchAt < this.touchIntervalMs || this.store.health().state !== 'ready') return
    session.lastTouchAt = now
    this.presence.heartbeat(member.roomId, member.id).catch(error => this.options.log(`heartbeat failed: ${String(error)}`))
  }

  private async join(session: Session, frame: JoinFrame): Promise<void> {
    if (session.member) return this.sendError(session, 'ALREADY_JOINED', 'this socket has joined a room already; send leave first')
    const now = Date.now()
    let member: MemberRecord | undefined
    let token = frame.token
    let created = false
    if (token) member = await this.store.findMemberByTokenHash(frame.roomId, hashToken(token))
    const resumed = member !== undefined
    if (!member || !token) {
      const admission = await admitMember(this.store, frame, now, {
        maxRooms: this.options.maxRooms,
        maxRoomMembers: this.options.maxRoomMembers,
        passwordFailures: this.passwordFailures,
        clientAddress: session.address,
      })
      if ('code' in admission) return this.sendError(session, admission.code, admission.message, admission.retryAfterMs)
      ;({ member, token, created } = admission)
    }
    await this.store.touchMember(member.roomId, member.id, now)
    await this.enterRoom(member.roomId)
    if (session.closed) {
      this.leaveRoom(member.roomId)
      return this.presence.released(member.roomId, member.id)
    }
    const view = await this.presence.viewOf(member.roomId)
    session.tabId = frame.tabId
    this.index.attach(session, { id: member.id, name: member.name, roomId: member.roomId }, true)
    const missed = resumed && frame.lastSeq !== undefined ? await this.store.messagesAfter(member.roomId, frame.lastSeq) : undefined
    const history = missed ?? await this.store.recentMessages(member.roomId, LIMITS.historyOnJoin)
    if (session.closed || !session.backlog) return
    // Nothing below awaits: the snapshot, the joined frame and the backlog go out together.
    const presence = { id: member.id, name: member.name, active: true }
    this.presence.record(member.roomId, view, presence)
    this.send(session, joinedFrame({
      member,
      token,
      created,
      history,
      view,
      heartbeatWindowMs: this.options.heartbeatWindowMs,
      recovered: frame.lastSeq === undefined ? undefined : missed !== undefined,
    }))
    const cursor = history.at(-1)?.seq ?? (missed ? frame.lastSeq! : 0)
    for (const held of session.backlog) if (held.seq > cursor) session.conn.send(held.data)
    session.backlog = undefined
    if (created) this.options.log(`room ${member.roomId} created`)
  }

  private async chat(session: Session, frame: ChatSendFrame): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending chat')
    const { message, duplicate } = await this.store.appendMessage({
      type: 'chat',
      id: newId(),
      roomId: member.roomId,
      from: { id: member.id, name: member.name },
      text: frame.text,
      at: Date.now(),
      ...(frame.clientId ? { clientId: frame.clientId } : {}),
    })
    // A repeat (a resend after a drop) is acknowledged to its sender only; a
    // new message reaches the room as the store's chat event.
    if (duplicate) this.send(session, message)
    await this.presence.heartbeat(member.roomId, member.id)
  }

  private async leave(session: Session): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending leave')
    await this.removeMember(member.roomId, member.id)
  }

  private async removeMember(roomId: string, memberId: string): Promise<void> {
    if (await this.store.removeMember(roomId, memberId)) await this.store.publish(roomId, { kind: 'left', memberId })
  }

  /** Every process serving the room hears each event once; each tells its own sockets. */
  private onRoomEvent(roomId: string, event: RoomEvent): void {
    if (event.kind === 'chat') return this.index.broadcast(roomId, JSON.stringify(event.message), event.message.seq)
    this.presence.apply(roomId, event)
    if (event.kind !== 'left') return
    for (const session of this.index.sessionsOf(roomId, event.memberId)) {
      this.detach(session)
      this.send(session, { type: 'left', roomId })
    }
  }

  private async enterRoom(roomId: string): Promise<void> {
    const count = this.interest.get(roomId) ?? 0
    this.interest.set(roomId, count + 1)
    if (count === 0) await this.store.subscribe(roomId)
  }

  private leaveRoom(roomId: string): void {
    const count = (this.interest.get(roomId) ?? 1) - 1
    if (count > 0) return void this.interest.set(roomId, count)
    this.interest.delete(roomId)
    this.presence.forget(roomId)
    this.store.unsubscribe(roomId).catch(error => this.options.log(`unsubscribe failed: ${String(error)}`))
  }

  private detach(session: Session): SessionMember | undefined {
    const member = this.index.detach(session)
    if (member) this.leaveRoom(member.roomId)
    return member
  }

  private closeSession(session: Session, code: number, reason: string): void {
    if (session.closingSince !== undefined) return
    session.closingSince = Date.now()
    session.conn.close(code, reason)
  }

  private send(session: Session, frame: ServerFrame): void {
    if (!session.closed) session.conn.send(JSON.stringify(frame))
  }

  private sendError(session: Session, code: ErrorCode, message: string, retryAfterMs?: number): void {
    this.send(session, retryAfterMs === undefined ? { type: 'error', code, message } : { type: 'error', code, message, retryAfterMs })
  }
}
