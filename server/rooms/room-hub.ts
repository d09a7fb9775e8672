import { CLOSE_CODES, LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ChatMessage, ChatSendFrame, ErrorCode, JoinFrame, ServerFrame, UnwatchFrame, WatchFrame } from '../../shared/protocol'
import { admitMember } from './admission'
import { NO_ATTACHMENTS } from './attachments'
import { droppedFrameRefusal } from './dropped-frames'
import type { Attachments } from './attachments'
import { FRAME_HANDLERS, isTableFrame } from './frames'
import type { FrameContext, JoinedSession, TableFrame } from './frames'
import type { FrameHandler } from './frames/context'
import { replyRefTo } from './frames/reply'
import type { Admission } from './admission'
import { resolveHubOptions } from './hub-options'
import type { ResolvedHubOptions, RoomHubOptions } from './hub-options'
import { AnswerBudget } from './answer-budget'
import { joinHistory } from './join-history'
import type { JoinHistory } from './join-history'
import { joinedFrame } from './joined-frame'
import { Lobby } from './lobby/lobby'
import { MemoryLobbyIndex } from './lobby/memory-lobby-index'
import { MembershipLedger } from './membership-ledger'
import { MemoryRoomStore } from './memory-store'
import { PasswordHashing } from './password-hashing'
import { PresenceTracker } from './presence-tracker'
import { peerOf, seatHolder } from './private-rooms'
import type { RoomView } from './room-view'
import { FailureWindow, TokenBuckets } from './rate-limits'
import { hashToken, newId } from './secrets'
import { SessionGuard } from './session-guard'
import { SessionIndex } from './session-index'
import type { Connection, Session, SessionMember } from './session-index'
import { TypingTracker } from './typing-tracker'
import type { MemberRecord, RoomEvent, RoomRecord, RoomStore } from './types'

export type { Connection } from './session-index'

const PING_FRAME = '{"type":"ping"}'
/** A lobby watcher that has not joined pings to stay open; it has no room to count. */
const WATCHER_PONG = '{"type":"pong","online":0,"members":0}'
/** Members this process tracks by client address, in total; past it joins get SERVER_FULL. */
const MAX_TRACKED_MEMBERSHIPS = 100_000
/** How often an address at its membership cap is checked against the store for members removed elsewhere. */
const MEMBERSHIP_RECHECK_MS = 15_000
/**
 * A change to a held message is kept in a joining socket's backlog like chat,
 * past any seq: it follows the joined frame, and since it carries the whole
 * new state, applying it to a history that already has it changes nothing.
 */
const AFTER_EVERY_SEQ = Number.MAX_SAFE_INTEGER
export type { RoomHubOptions } from './hub-options'

/** A member let in, new or resumed; a resumed member's room may be gone by the time it is read. */
type Admitted = Omit<Exclude<Admission, { code: ErrorCode }>, 'room'> & { room: RoomRecord | undefined }

/**
 * The server's room logic, free of Nitro: the WebSocket route hands it
 * connections and raw frames, the API routes call its member actions.
 */
export class RoomHub {
  readonly store: RoomStore
  readonly lobby: Lobby
  private readonly attachments: Attachments
  private readonly options: ResolvedHubOptions
  private readonly sessions = new Map<Connection, Session>()
  private readonly index = new SessionIndex()
  private readonly presence: PresenceTracker
  private readonly guard: SessionGuard
  private readonly passwordFailures: FailureWindow
  private readonly memberships: MembershipLedger
  private readonly roomCreations: TokenBuckets
  /** Private rooms asked for, per member (room and id). */
  private readonly dmRequests: TokenBuckets
  private readonly hashing: PasswordHashing
  /** Bytes of history pages and join history per socket and per address. */
  private readonly answers: AnswerBudget
  private readonly typing: TypingTracker
  private readonly frameContext: FrameContext
  /**
   * roomId -> sockets here that joined or are joining it, and the room's
   * subscription, which every join of the room waits for; the store delivers
   * a room's events while a room is here.
   */
  private readonly interest = new Map<string, { sockets: number, subscribed: Promise<void> }>()
  private sweepTimer: ReturnType<typeof setInterval> | undefined
  private sweepingRooms = false
  private sweepingIdleRooms = false
  private lastIdleSweepAt = -Infinity
  private lastFullRoomSweepAt = -Infinity
  private shuttingDown = false
  private readonly touchIntervalMs: number

  constructor(options: RoomHubOptions = {}) {
    this.options = resolveHubOptions(options)
    const { heartbeatWindowMs, historyLimit } = this.options
    this.touchIntervalMs = Math.min(1000, heartbeatWindowMs / 4)
    this.store = options.store ?? new MemoryRoomStore(historyLimit)
    this.attachments = options.attachments ?? NO_ATTACHMENTS
    this.guard = new SessionGuard(this.options)
    this.passwordFailures = new FailureWindow(this.options.passwordFailuresPerMinute, 60_000)
    this.memberships = new MembershipLedger(this.options.membersPerAddress, MAX_TRACKED_MEMBERSHIPS, MEMBERSHIP_RECHECK_MS)
    this.roomCreations = new TokenBuckets(this.options.roomsPerAddressPerMinute)
    this.dmRequests = new TokenBuckets(this.options.dmRequestsPerMinute)
    this.answers = new AnswerBudget(this.options.answerBudget)
    this.hashing = new PasswordHashing({
      hashesPerMinute: this.options.passwordHashesPerMinute,
      concurrency: this.options.passwordHashConcurrency,
      queueLimit: this.options.passwordHashQueue,
    })
    this.presence = new PresenceTracker(this.store, {
      windowMs: heartbeatWindowMs,
      memberTtlMs: this.options.memberTtlMs,
      neverPingedMemberTtlMs: this.options.neverPingedMemberTtlMs,
      emptyRoomGraceMs: this.options.emptyRoomGraceMs,
      presenceMergeMs: this.options.presenceMergeMs,
      broadcast: (roomId, data) => this.index.broadcast(roomId, data),
      expireMember: (roomId, memberId) => this.removeMember(roomId, memberId),
      log: this.options.log,
      lobby: {
        countsChanged: (roomId, online, members) => this.lobby.writer.countsChanged(roomId, online, members),
        roomChanged: roomId => this.lobby.writer.roomChanged(roomId),
        roomGone: roomId => this.lobby.writer.roomGone(roomId),
      },
    })
    this.lobby = new Lobby({
      store: this.store,
      index: options.lobbyIndex ?? new MemoryLobbyIndex(),
      counts: roomId => this.presence.counts(roomId),
      maxWatchers: this.options.lobbyMaxWatchers,
      watchersPerAddress: this.options.lobbyWatchersPerAddress,
      windowMs: heartbeatWindowMs,
      log: this.options.log,
    })
    this.typing = new TypingTracker({
      expiryMs: LIMITS.typingExpiryMs,
      mergeMs: LIMITS.typingMergeMs,
      maxPerRoom: LIMITS.typistsPerRoom,
      flush: (roomId, ids) => this.broadcastTyping(roomId, ids),
    })
    this.frameContext = {
      store: this.store,
      typing: this.typing,
      attachments: this.attachments,
      send: (session, frame) => this.send(session, frame),
      sendError: (session, code, message, retryAfterMs) => this.sendError(session, code, message, retryAfterMs),
      memberOf: (roomId, memberId) => this.presence.builtView(roomId)?.get(memberId),
      privateRoomWait: (session, now) => this.privateRoomWait(session, now),
      answers: this.answers,
      maxRooms: this.options.maxRooms,
    }
    this.store.onEvent((roomId, event) => this.onRoomEvent(roomId, event))
  }

  /** Starts the single server-wide sweep timer. */
  start(): void {
    if (this.sweepTimer) return
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs)
    this.sweepTimer.unref?.()
    this.lobby.rebuild().catch(error => this.options.log(`lobby rebuild failed: ${String(error)}`))
    this.countStoredMemberships().catch(error => this.options.log(`counting stored memberships failed: ${String(error)}`))
  }

  /**
   * Memberships last while offline, across restarts: the per-address cap
   * counts those the store already holds, or each restart would let every
   * address make its cap of lasting members again.
   */
  private async countStoredMemberships(): Promise<void> {
    for (const roomId of await this.store.listRoomIds()) {
      for (const member of await this.store.listMembers(roomId)) {
        if (member.addressHash) this.memberships.hold(member.addressHash, { roomId, memberId: member.id, tokenHash: member.tokenHash })
      }
    }
  }

  stop(): void {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.presence.dispose()
    this.typing.dispose()
    this.lobby.dispose()
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

  /** The store lost one room (evicted, or flushed): its sockets here must join again (1012). */
  private restartRoom(roomId: string): void {
    this.options.log(`room ${roomId} is gone from the store: asking its sockets to join again`)
    for (const session of this.sessions.values()) {
      if (session.member?.roomId === roomId) this.closeSession(session, CLOSE_CODES.serviceRestart, 'room state was lost; join again')
    }
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
      lobbyWatchers: this.lobby.feed.watcherCount,
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
    this.sessions.set(conn, session)
  }

  /** Handles one frame; `raw` is undefined for a binary frame. */
  receive(conn: Connection, raw: string | undefined, byteLength = raw?.length ?? 0): void {
    const session = this.sessions.get(conn)
    if (!session || session.closingSince) return
    const now = Date.now()
    session.lastFrameAt = now
    // The client's own ping skips the frame bucket (see SessionGuard.judgePing),
    // and answering one costs no store write (see answerPing).
    if (raw === PING_FRAME && session.member) return this.judgePing(session, now)
    const verdict = this.guard.judgeFrame(session, now)
    if (verdict === 'close') return this.closeSession(session, CLOSE_CODES.policyViolation, 'flooding past the rate limit')
    if (verdict !== 'accept') {
      const refusal = droppedFrameRefusal(raw, byteLength, verdict, this.guard.retryAfterMs(session, now), this.options.framesPerSecond)
      if (refusal) this.send(session, refusal)
      return
    }
    if (raw === undefined) return this.sendError(session, 'BAD_REQUEST', 'binary frames are not part of the protocol')
    if (byteLength > LIMITS.frameMaxBytes) return this.sendError(session, 'TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
    const parsed = parseClientFrame(raw)
    if (!parsed.ok) return this.sendError(session, parsed.code, parsed.message)
    const frame = parsed.frame
    // A joined socket's ping skips the queue; one sent right behind a join waits for it.
    if (frame.type === 'ping' && session.member) return this.judgePing(session, now)
    session.queue = session.queue
      .then(() => {
        if (frame.type === 'ping') return this.answerPing(session)
        if (frame.type === 'join') return this.join(session, frame)
        if (frame.type === 'chat') return this.chat(session, frame)
        if (frame.type === 'watch' || frame.type === 'unwatch') return this.watchLobby(session, frame)
        if (isTableFrame(frame)) return this.dispatch(session, frame)
        return this.leave(session)
      })
      .catch((error: unknown) => {
        this.options.log(`frame ${frame.type} failed: ${error instanceof Error ? error.message : String(error)}`)
        if (this.store.health().state !== 'ready' || this.store.isUnavailableError(error)) this.sendError(session, 'UNAVAILABLE', 'the room store is out of reach; try again shortly')
        else this.sendError(session, 'INTERNAL', 'the server could not handle that frame')
      })
  }

  close(conn: Connection): void {
    const session = this.sessions.get(conn)
    if (!session) return
    session.closed = true
    this.sessions.delete(conn)
    this.lobby.feed.forget(conn)
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
    const member = await this.memberByToken(roomId, token)
    if (!member) return false
    if (tabId === undefined) await this.presence.offline(roomId, member.id)
    else if (!this.index.sessionsOf(roomId, member.id).some(session => session.tabId !== tabId)) await this.presence.released(roomId, member.id)
    return true
  }

  /** `POST /api/rooms/:id/leave`: the member is gone, on every tab. */
  async leaveByToken(roomId: string, token: string): Promise<boolean> {
    const member = await this.memberByToken(roomId, token)
    if (!member) return false
    await this.removeMember(roomId, member.id)
    return true
  }

  /** The member a token stands for: its own, or (in a private room) another token of its seat. */
  private async memberByToken(roomId: string, token: string): Promise<MemberRecord | undefined> {
    const tokenHash = hashToken(token)
    return await this.store.findMemberByTokenHash(roomId, tokenHash) ?? await seatHolder(this.store, roomId, tokenHash)
  }

  async summary(roomId: string): Promise<{ roomId: string, online: number, members: number, protected: boolean, title?: string } | undefined> {
    const room = await this.store.getRoom(roomId)
    if (!room) return undefined
    const summary = { roomId, ...await this.presence.counts(roomId), protected: room.passwordHash !== null }
    // The title is for whoever has the link only where the link is all it takes:
    // a password keeps it for those who know the password, and a private room has none of its own.
    return room.passwordHash === null && !room.private ? { ...summary, title: room.title } : summary
  }

  /**
   * Sweeps once; the timer calls it, and so can a test with fake time. This
   * process's own sockets are checked from memory at every call, even while
   * the store's part of the last sweep still waits on a slow store.
   */
  async sweep(now = Date.now()): Promise<void> {
    for (const session of this.sessions.values()) {
      if (session.closingSince !== undefined && now - session.closingSince > 5000) session.conn.terminate()
      else if (now - session.lastFrameAt > this.options.idleTimeoutMs) this.closeSession(session, CLOSE_CODES.idleTimeout, 'idle timeout')
    }
    this.typing.sweep(now)
    this.passwordFailures.prune(now)
    this.roomCreations.prune(now)
    this.dmRequests.prune(now)
    this.hashing.prune(now)
    this.answers.prune(now)
    if (this.store.health().state !== 'ready') return
    const passes: Promise<void>[] = []
    // The rooms with sockets here are swept at every tick, for presence
    // within the window; fully once per idle-sweep interval.
    if (!this.sweepingRooms) {
      const full = now - this.lastFullRoomSweepAt >= this.options.idleRoomSweepIntervalMs
      if (full) this.lastFullRoomSweepAt = now
      passes.push(this.guarded('sweepingRooms', async () => {
        await this.presence.sweep(now, [...this.interest.keys()], full)
        await this.memberships.recheck(now, async held => (await this.store.findMemberByTokenHash(held.roomId, held.tokenHash))?.id === held.memberId)
      }))
    }
    // The others only need their members expired after the member TTL: one
    // process at a time does that, once per idle-sweep interval, so idle
    // rooms cost the store the same whatever the number of processes. A long
    // pass does not hold up the one above.
    if (!this.sweepingIdleRooms && now - this.lastIdleSweepAt >= this.options.idleRoomSweepIntervalMs) {
      this.lastIdleSweepAt = now
      passes.push(this.guarded('sweepingIdleRooms', () => this.sweepIdleRooms(now)))
    }
    await Promise.all(passes)
  }

  private async sweepIdleRooms(now: number): Promise<void> {
    if (!await this.store.claimIdleSweep(this.options.idleRoomSweepIntervalMs)) return
    const roomIds = await this.store.listRoomIds()
    await this.presence.sweepIdle(now, roomIds.filter(roomId => !this.interest.has(roomId)), roomIds)
    await this.lobby.prune(roomIds, now)
  }

  /** Runs one pass of the sweep unless the last one of its kind still runs; a failed pass is logged, and the next tick tries again. */
  private async guarded(flag: 'sweepingRooms' | 'sweepingIdleRooms', pass: () => Promise<void>): Promise<void> {
    this[flag] = true
    try {
      await pass()
    }
    catch (error) {
      this.options.log(`sweep failed: ${String(error)}`)
    }
    finally {
      this[flag] = false
    }
  }

  private judgePing(session: Session, now: number): void {
    const verdict = this.guard.judgePing(session, now)
    if (verdict === 'answer') return this.answerPing(session)
    if (verdict === 'close') this.closeSession(session, CLOSE_CODES.policyViolation, 'flooding pings')
  }

  // A heartbeat is answered first, from memory, and never stored or broadcast.
  private answerPing(session: Session): void {
    const member = session.member
    if (!member) {
      if (this.lobby.feed.isWatching(session.conn) && !session.closed) return session.conn.send(WATCHER_PONG, { droppable: true })
      return this.sendError(session, 'NOT_JOINED', 'join a room before sending ping')
    }
    const view = this.presence.builtView(member.roomId)
    // A pong is the one frame worth dropping for a socket that is behind on
    // reading: the next one says the same, newer.
    if (view && !session.closed) session.conn.send(JSON.stringify({ type: 'pong', online: view.online, members: view.members } satisfies ServerFrame), { droppable: true })
    // A store write per socket at most every quarter window (and second),
    // however fast it pings; none while the store is away (the pong above
    // keeps the link alive).
    const now = Date.now()
    if (now - session.lastTouchAt < this.touchIntervalMs || this.store.health().state !== 'ready') return
    session.lastTouchAt = now
    this.presence.heartbeat(member.roomId, member.id)
      .then(found => found ? undefined : this.memberGone(member.roomId, member.id))
      .catch(error => this.options.log(`heartbeat failed: ${String(error)}`))
  }

  private async join(session: Session, frame: JoinFrame): Promise<void> {
    if (session.member) return this.sendError(session, 'ALREADY_JOINED', 'this socket has joined a room already; send leave first')
    // A private room's seat token stands for its member even when the member came in with another one.
    let resumed = frame.token ? await this.memberByToken(frame.roomId, frame.token) : undefined
    // A resumed member can be removed (a leave on another instance) before
    // this socket is in the room: its token is then unknown, and the join
    // goes on as a new member, as for any unknown token.
    for (;;) {
      const now = Date.now()
      // The token is enough to come back, protected room or not.
      const admitted = resumed
        ? { member: resumed, token: frame.token!, created: false, room: await this.store.getRoom(resumed.roomId) }
        : await admitMember(this.store, frame, now, {
          maxRooms: this.options.maxRooms,
          maxRoomMembers: this.options.maxRoomMembers,
          passwordFailures: this.passwordFailures,
          clientAddress: session.address,
          memberships: this.memberships,
          roomCreations: this.roomCreations,
          hashing: this.hashing,
        })
      if ('code' in admitted) return this.sendError(session, admitted.code, admitted.message, admitted.retryAfterMs)
      // A member reclaimed by its tripcode existed before this join: a failed join must not remove it.
      if (await this.enter(session, frame, admitted, resumed !== undefined || ('reclaimed' in admitted && admitted.reclaimed === true), now)) return
      if (!resumed) throw new Error(`member ${admitted.member.id} was removed while joining room ${frame.roomId}`)
      resumed = undefined
    }
  }

  /**
   * Puts the socket in the room. A step that fails undoes what the earlier
   * ones did, so a failed join leaves no member holding its name, no
   * interest keeping the room's subscription and a stale view alive, and no
   * half-attached socket: the next join of the room starts clean. False when
   * the member was removed before the socket was in the room.
   */
  private async enter(session: Session, frame: JoinFrame, admitted: Admitted, resumed: boolean, now: number): Promise<boolean> {
    const { member, token, created } = admitted
    const passwordHash = admitted.room?.passwordHash ?? null
    const roomId = member.roomId
    let entered = false
    let attached = false
    let answer: JoinHistory
    let view: RoomView
    try {
      await this.enterRoom(roomId)
      entered = true
      if (session.closed) return await this.abandon(session, member, resumed, false)
      view = await this.presence.viewOf(roomId)
      session.tabId = frame.tabId
      this.index.attach(session, { id: member.id, name: member.name, roomId }, true)
      attached = true
      // Checked once the socket is attached and the room subscribed: a
      // removal after this reaches the socket as a 'left' event, one before
      // it is seen here, so no socket goes on acting for a removed member.
      if (!await this.store.touchMember(roomId, member.id, now)) {
        // Told 'left' by the member's removal event meanwhile: the leave won, and the socket knows.
        const told = !session.member
        this.undoEnter(session, roomId, entered, attached)
        return told
      }
      answer = await joinHistory(this.store, this.answers, session, roomId, resumed ? frame.lastSeq : undefined, now)
    }
    catch (error) {
      this.undoEnter(session, roomId, entered, attached)
      if (!resumed) await this.store.undoAddMember(roomId, member.id)
      throw error
    }
    if (session.closed) return await this.abandon(session, member, resumed, true)
    // Detached meanwhile: the member was removed, and the socket was told.
    if (!session.backlog) return true
    // Nothing below awaits: the snapshot, the joined frame and the backlog go out together.
    const presence = { id: member.id, name: member.name, active: true }
    this.presence.record(roomId, view, presence, !resumed)
    this.send(session, joinedFrame({
      member,
      token,
      created,
      history: answer.history,
      view,
      heartbeatWindowMs: this.options.heartbeatWindowMs,
      frameRate: { perSecond: this.options.framesPerSecond, burst: this.options.frameBurst },
      // A join with lastSeq but no known token resumes nothing: its history is the recent one.
      recovered: frame.lastSeq === undefined ? undefined : answer.recovered === true,
      hasMore: answer.hasMore,
      room: admitted.room,
      peer: peerOf(admitted.room, member.id, id => view.get(id)),
      passwordIgnored: frame.password !== undefined && passwordHash === null,
    }))
    const cursor = answer.history.at(-1)?.seq ?? (answer.recovered && !answer.hasMore ? frame.lastSeq! : 0)
    for (const held of session.backlog) if (held.seq > cursor) session.conn.send(held.data)
    session.backlog = undefined
    if (created) this.options.log(`room ${roomId} created`)
    return true
  }

  /** Takes a joining socket back out of the room, whichever steps it got through. */
  private undoEnter(session: Session, roomId: string, entered: boolean, attached: boolean): void {
    // Still attached: detaching leaves the room too. Attached and since
    // detached (a 'left' event, or the socket closed): it left already.
    if (session.member) this.detach(session)
    else if (entered && !attached) this.leaveRoom(roomId)
  }

  // The socket closed before it got its joined frame. A new member's token
  // never reached anyone, so the member goes; a resumed one is released.
  private async abandon(session: Session, member: MemberRecord, resumed: boolean, attached: boolean): Promise<true> {
    this.undoEnter(session, member.roomId, true, attached)
    if (resumed) await this.presence.released(member.roomId, member.id)
    else await this.removeMember(member.roomId, member.id)
    return true
  }

  private async chat(session: Session, frame: ChatSendFrame): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending chat')
    const replyTo = frame.replyTo === undefined ? undefined : await replyRefTo(this.store, member.roomId, frame.replyTo)
    if (frame.replyTo !== undefined && !replyTo) return this.refuseChat(session, frame, 'replyTo names no message held in this room')
    const attachments = frame.attachments && await this.attachments.claim(member.roomId, member.id, frame.attachments, frame.clientId)
    if (frame.attachments && !attachments) return this.refuseChat(session, frame, 'attachments must be files you uploaded to this room and have not sent yet')
    const appended = await this.store.appendMessage({
      type: 'chat',
      id: newId(),
      roomId: member.roomId,
      from: { id: member.id, name: member.name },
      text: frame.text,
      at: Date.now(),
      ...(frame.clientId ? { clientId: frame.clientId } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...(attachments ? { attachments } : {}),
    })
    if (typeof appended === 'string') return this.memberGone(member.roomId, member.id)
    // A repeat (a resend after a drop) is acknowledged to its sender only; a
    // new message reaches the room as the store's chat event.
    if (appended.duplicate) this.send(session, appended.message)
    if (!await this.presence.heartbeat(member.roomId, member.id)) await this.memberGone(member.roomId, member.id)
  }

  /** `watch` starts (or restarts) the socket's lobby feed, joined or not; `unwatch` ends it. */
  private async watchLobby(session: Session, frame: WatchFrame | UnwatchFrame): Promise<void> {
    if (frame.type === 'unwatch') return this.lobby.feed.unwatch(session.conn)
    if (session.closed) return
    const refusal = await this.lobby.feed.watch(session.conn, session.address, frame.rooms)
    if (refusal) this.sendError(session, refusal.code, refusal.message, refusal.retryAfterMs)
  }

  /** The frames of the handler table (frames/): one handler per type, each given the same context. */
  private dispatch(session: Session, frame: TableFrame): Promise<void> | void {
    if (!session.member) return this.sendError(session, 'NOT_JOINED', `join a room before sending ${frame.type}`)
    const handler = FRAME_HANDLERS[frame.type] as FrameHandler<TableFrame>
    return handler(session as JoinedSession, frame, this.frameContext)
  }

  /** Serialized once for the room, and once per typist, who is never told of itself. */
  private broadcastTyping(roomId: string, ids: string[]): void {
    const typists = new Set(ids)
    this.index.broadcast(roomId, JSON.stringify({ type: 'typing', roomId, ids } satisfies ServerFrame), undefined, typists)
    for (const typist of typists) {
      const others = JSON.stringify({ type: 'typing', roomId, ids: ids.filter(id => id !== typist) } satisfies ServerFrame)
      for (const session of this.index.sessionsOf(roomId, typist)) if (!session.backlog) session.conn.send(others)
    }
  }

  private async leave(session: Session): Promise<void> {
    const member = session.member
    if (!member) return this.sendError(session, 'NOT_JOINED', 'join a room before sending leave')
    await this.removeMember(member.roomId, member.id)
  }

  private async removeMember(roomId: string, memberId: string): Promise<void> {
    if (!await this.store.removeMember(roomId, memberId)) return
    this.memberships.forget(roomId, memberId)
    // Without a view here, no presence flush will tell the lobby.
    if (!this.presence.builtView(roomId)) this.lobby.writer.roomChanged(roomId)
    await this.store.publish(roomId, { kind: 'left', memberId })
  }

  /** Every process serving the room hears each event once; each tells its own sockets. */
  private onRoomEvent(roomId: string, event: RoomEvent): void {
    const now = Date.now()
    switch (event.kind) {
      case 'chat':
        this.lobby.writer.chatPosted(roomId, event.message.seq)
        this.typing.apply(roomId, event.message.from.id, false, now)
        return this.index.broadcast(roomId, JSON.stringify(event.message), event.message.seq)
      case 'typing':
        return this.typing.apply(roomId, event.memberId, event.typing, now)
      case 'reaction': {
        const { id, emoji, memberId, on } = event
        return this.index.broadcast(roomId, JSON.stringify({ type: 'reaction', roomId, id, emoji, memberId, on } satisfies ServerFrame), AFTER_EVERY_SEQ)
      }
      case 'edited':
        return this.index.broadcast(roomId, JSON.stringify({ type: 'edited', roomId, id: event.id, text: event.text, editedAt: event.editedAt } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'deleted':
        return this.index.broadcast(roomId, JSON.stringify({ type: 'deleted', roomId, id: event.id, ...(event.deletedBy ? { deletedBy: event.deletedBy } : {}) } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'room':
        this.lobby.writer.metaChanged(roomId)
        return this.index.broadcast(roomId, JSON.stringify({ type: 'room', roomId, title: event.title } satisfies ServerFrame), AFTER_EVERY_SEQ)
      case 'kicked':
        return this.detachMember(roomId, event.memberId, { type: 'kicked', roomId, until: event.until })
      case 'invite':
        return this.invite(roomId, event)
    }
    this.presence.apply(roomId, event)
    if (event.kind !== 'left') return
    this.typing.apply(roomId, event.memberId, false, now)
    this.memberships.forget(roomId, event.memberId)
    this.detachMember(roomId, event.memberId)
  }

  /** The invite goes to the invited member's sockets in the room where it was asked, and to no other socket. */
  private invite(roomId: string, { to, roomId: privateRoomId, from, token }: Extract<RoomEvent, { kind: 'invite' }>): void {
    const data = JSON.stringify({ type: 'invite', roomId: privateRoomId, from, token } satisfies ServerFrame)
    for (const session of this.index.sessionsOf(roomId, to)) {
      if (session.backlog) session.backlog.push({ seq: AFTER_EVERY_SEQ, data })
      else session.conn.send(data)
    }
  }

  private privateRoomWait(session: JoinedSession, now: number): number {
    const memberWait = this.dmRequests.take(`${session.member.roomId}\u0000${session.member.id}`, now)
    return memberWait > 0 ? memberWait : this.roomCreations.take(session.address, now)
  }

  /** Takes the member's sockets here out of the room, telling them why (`left`, or `kicked` by the owner). */
  private detachMember(roomId: string, memberId: string, why: ServerFrame = { type: 'left', roomId }): void {
    for (const session of this.index.sessionsOf(roomId, memberId)) {
      this.detach(session)
      this.send(session, why)
    }
  }

  /**
   * The store no longer holds a member that sockets here act for: it was
   * removed (a leave whose event this process missed), and its sockets are
   * told so; or the room itself is gone (its data was lost), and they must
   * join again.
   */
  private async memberGone(roomId: string, memberId: string): Promise<void> {
    if (!await this.store.getRoom(roomId)) return this.restartRoom(roomId)
    this.presence.apply(roomId, { kind: 'left', memberId })
    this.detachMember(roomId, memberId)
  }

  // Joins of a room wait for one subscription; a failed one is forgotten with
  // the last socket that waited for it, so the next join subscribes afresh.
  private async enterRoom(roomId: string): Promise<void> {
    let interest = this.interest.get(roomId)
    if (!interest) this.interest.set(roomId, interest = { sockets: 0, subscribed: this.store.subscribe(roomId) })
    interest.sockets++
    try {
      await interest.subscribed
    }
    catch (error) {
      this.leaveRoom(roomId)
      throw error
    }
  }

  private leaveRoom(roomId: string): void {
    const interest = this.interest.get(roomId)
    if (!interest) return
    if (--interest.sockets > 0) return
    this.interest.delete(roomId)
    this.presence.forget(roomId)
    this.typing.forget(roomId)
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
    this.send(session, { type: 'error', code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }

  // Named by its clientId, so that the page stops re-sending a message that
  // would be refused every time and shows it as not sent.
  private refuseChat(session: Session, frame: ChatSendFrame, message: string): void {
    this.send(session, { type: 'error', code: 'BAD_REQUEST', message, ...(frame.clientId ? { clientId: frame.clientId } : {}) })
  }
}
