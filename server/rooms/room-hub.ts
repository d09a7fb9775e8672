import { LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ChatSendFrame, ErrorCode, JoinFrame, JoinedFrame, PresenceFrame, ServerFrame } from '../../shared/protocol'
import { admitMember } from './admission'
import { MemoryRoomStore } from './memory-store'
import { PresenceBatcher } from './presence-batcher'
import type { PresenceDelta } from './presence-batcher'
import { RoomView } from './room-view'
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

export class RoomHub {
  readonly store: RoomStore
  private readonly windowMs: number
  private readonly sweepIntervalMs: number
  private readonly memberTtlMs: number
  private readonly emptyRoomGraceMs: number
  private readonly idleTimeoutMs: number
  private readonly log: (message: string) => void
  private readonly sessions = new Map<Connection, Session>()
  private readonly index = new SessionIndex()
  private readonly views = new Map<string, Promise<RoomView>>()
  private readonly emptySince = new Map<string, number>()
  private readonly batcher: PresenceBatcher
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
    this.memberTtlMs = memberTtlMs
    this.emptyRoomGraceMs = emptyRoomGraceMs
    this.idleTimeoutMs = idleTimeoutMs
    this.log = log
    this.batcher = new PresenceBatcher(presenceMergeMs, (roomId, delta) => this.sendPresence(roomId, delta))
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
    this.batcher.dispose()
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
      void this.markOffline(member.roomId, member.id).catch(error => this.log(`offline failed: ${String(error)}`))
    }
  }

  /** `POST /api/rooms/:id/away`: offline at once, still a member. */
  async away(roomId: string, token: string): Promise<boolean> {
    const member = await this.store.findMemberByTokenHash(roomId, hashToken(token))
    if (!member) return false
    await this.markOffline(roomId, member.id)
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
    const view = await this.viewOf(roomId)
    return { roomId, online: view.online, members: view.members, protected: room.passwordHash !== null }
  }

  private answerPing(session: Session): void {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending ping')
    const view = this.views.get(member.roomId)
    void view?.then((v) => {
      this.send(session, { type: 'pong', online: v.online, members: v.members })
      return this.recordHeartbeat(member.roomId, member.id)
    }).catch(error => this.log(`heartbeat failed: ${String(error)}`))
  }

  private async join(session: Session, frame: JoinFrame): Promise<void> {
    if (session.member) return this.sendError(session, 'ALREADY_JOINED', 'this socket has joined a room already; send leave first')
    const now = Date.now()
    let member: MemberRecord | undefined
    let token = frame.token
    let created = false
    if (token) member = await this.store.findMemberByTokenHash(frame.roomId, hashToken(token))
    if (!member) {
      const admission = await admitMember(this.store, frame, now)
      if ('code' in admission) return this.sendError(session, admission.code, admission.message)
      ;({ member, token, created } = admission)
    }
    await this.store.touchMember(member.roomId, member.id, now)
    if (session.closed) {
      await this.store.markOffline(member.roomId, member.id)
      return
    }
    const history = await this.store.recentMessages(member.roomId, LIMITS.historyOnJoin)
    const view = await this.viewOf(member.roomId)
    // From here on nothing awaits, so no frame of the room can slip between
    // the snapshot below and this socket joining the fan-out.
    const presence = { id: member.id, name: member.name, active: true }
    const changed = view.set(presence)
    const joined: JoinedFrame = {
      type: 'joined',
      roomId: member.roomId,
      you: { id: member.id, name: member.name },
      token: token!,
      created,
      history,
      presence: view.snapshot(),
      heartbeatWindowMs: this.windowMs,
    }
    this.send(session, joined)
    if (changed) this.batcher.changed(member.roomId, presence)
    this.index.attach(session, { id: member.id, name: member.name, roomId: member.roomId })
    this.emptySince.delete(member.roomId)
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
    await this.recordHeartbeat(member.roomId, member.id)
  }

  private async leave(session: Session): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending leave')
    await this.removeMember(member.roomId, member.id)
  }

  private async removeMember(roomId: string, memberId: string): Promise<void> {
    await this.store.removeMember(roomId, memberId)
    const view = await this.viewOf(roomId)
    if (view.delete(memberId)) this.batcher.left(roomId, memberId)
    for (const session of this.index.sessionsOf(roomId, memberId)) {
      this.index.detach(session)
      this.send(session, { type: 'left', roomId })
    }
  }

  private async recordHeartbeat(roomId: string, memberId: string): Promise<void> {
    const now = Date.now()
    const before = await this.store.touchMember(roomId, memberId, now)
    if (before && !this.isActive(before, now)) await this.announce(roomId, { id: memberId, name: before.name, active: true })
  }

  private async markOffline(roomId: string, memberId: string): Promise<void> {
    const before = await this.store.markOffline(roomId, memberId)
    if (before) await this.announce(roomId, { id: memberId, name: before.name, active: false })
  }

  private async announce(roomId: string, presence: { id: string, name: string, active: boolean }): Promise<void> {
    const view = await this.viewOf(roomId)
    if (view.set(presence)) this.batcher.changed(roomId, presence)
  }

  /** The one timer's work: silent members go idle, stale ones and empty rooms go away. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      for (const session of this.sessions.values()) {
        if (now - session.lastFrameAt > this.idleTimeoutMs) session.conn.terminate()
      }
      for (const roomId of await this.store.listRoomIds()) await this.sweepRoom(roomId, now)
    }
    catch (error) {
      this.log(`sweep failed: ${String(error)}`)
    }
    finally {
      this.sweeping = false
    }
  }

  private async sweepRoom(roomId: string, now: number): Promise<void> {
    const members = await this.store.listMembers(roomId)
    if (members.length === 0) return this.forgetIfEmptyLongEnough(roomId, now)
    this.emptySince.delete(roomId)
    const view = await this.viewOf(roomId)
    const present = new Set<string>()
    for (const member of members) {
      const active = this.isActive(member, now)
      if (!active && now - member.lastSeenAt > this.memberTtlMs) {
        await this.removeMember(roomId, member.id)
        continue
      }
      present.add(member.id)
      const presence = { id: member.id, name: member.name, active }
      if (view.set(presence)) this.batcher.changed(roomId, presence)
    }
    for (const id of [...view.ids()]) {
      if (!present.has(id) && view.delete(id)) this.batcher.left(roomId, id)
    }
  }

  private async forgetIfEmptyLongEnough(roomId: string, now: number): Promise<void> {
    const since = this.emptySince.get(roomId) ?? now
    this.emptySince.set(roomId, since)
    if (now - since < this.emptyRoomGraceMs) return
    if (await this.store.deleteRoomIfEmpty(roomId)) {
      this.views.delete(roomId)
      this.emptySince.delete(roomId)
      this.log(`room ${roomId} removed after standing empty`)
    }
  }

  private isActive(member: MemberRecord, now: number): boolean {
    return !member.offline && now - member.lastSeenAt <= this.windowMs
  }

  /** The room's view, built once from the store; concurrent callers share it. */
  private viewOf(roomId: string): Promise<RoomView> {
    let view = this.views.get(roomId)
    if (!view) {
      const now = Date.now()
      view = this.store.listMembers(roomId).then((members) => {
        const built = new RoomView()
        for (const m of members) built.set({ id: m.id, name: m.name, active: this.isActive(m, now) })
        return built
      })
      this.views.set(roomId, view)
    }
    return view
  }

  private sendPresence(roomId: string, delta: PresenceDelta): void {
    void this.viewOf(roomId).then((view) => {
      const frame: PresenceFrame = {
        type: 'presence',
        roomId,
        online: view.online,
        members: view.members,
        changed: [...delta.changed.values()],
        left: [...delta.left],
      }
      this.index.broadcast(roomId, JSON.stringify(frame))
    })
  }

  private send(session: Session, frame: ServerFrame): void {
    if (!session.closed) session.conn.send(JSON.stringify(frame))
  }

  private sendError(session: Session, code: ErrorCode, message: string): void {
    this.send(session, { type: 'error', code, message })
  }
}
