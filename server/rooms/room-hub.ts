import { CLOSE_CODES, LIMITS, parseClientFrame } from '../../shared/protocol'
import { NO_ATTACHMENTS } from './attachments'
import { droppedFrameRefusal } from './dropped-frames'
import { dispatchFrame, FRAME_TABLE, frameFailed } from './frames'
import type { FrameContext, JoinedSession } from './frames'
import { resolveHubOptions } from './hub-options'
import type { ResolvedHubOptions, RoomHubOptions } from './hub-options'
import { RoomInterest } from './hub/interest'
import { RoomJoins } from './hub/join'
import { hubLimits, prunableLimits } from './hub/limits'
import { Liveness } from './hub/liveness'
import { MemberActions } from './hub/member-actions'
import type { RoomSummary } from './hub/member-actions'
import { RoomEventRelay } from './hub/relay'
import { MemberRemovals } from './hub/removals'
import { HubSockets } from './hub/sockets'
import { Sweeps } from './hub/sweeps'
import { Lobby } from './lobby/lobby'
import { MemoryLobbyIndex } from './lobby/memory-lobby-index'
import { MemoryRoomStore } from './memory-store'
import { PresenceTracker } from './presence/presence-tracker'
import { SessionGuard } from './session-guard'
import type { Connection } from './session-index'
import { TypingTracker } from './typing-tracker'
import type { RoomStore } from './types'
import { counts } from '../metrics/counts'

export type { Connection } from './session-index'
export type { RoomHubOptions } from './hub-options'

const PING_FRAME = '{"type":"ping"}'

/**
 * The server's room logic, free of Nitro: the WebSocket route hands it
 * connections and raw frames, the API routes call its member actions. The
 * hub wires its parts (hub/, frames/) and dispatches; each part says what it does.
 */
export class RoomHub {
  readonly store: RoomStore
  readonly lobby: Lobby
  private readonly options: ResolvedHubOptions
  private readonly sockets: HubSockets
  private readonly guard: SessionGuard
  private readonly presence: PresenceTracker
  private readonly typing: TypingTracker
  private readonly liveness: Liveness
  private readonly sweeps: Sweeps
  private readonly actions: MemberActions
  private readonly context: FrameContext
  private shuttingDown = false

  constructor(hubOptions: RoomHubOptions = {}) {
    const options = this.options = resolveHubOptions(hubOptions)
    const { heartbeatWindowMs, log } = options
    const store = this.store = hubOptions.store ?? new MemoryRoomStore(options.historyLimit)
    const limits = hubLimits(options)
    this.guard = new SessionGuard(options)
    const index = hubOptions.lobbyIndex ?? new MemoryLobbyIndex()
    const { lobbyMaxWatchers: maxWatchers, lobbyWatchersPerAddress: watchersPerAddress } = options
    const lobby: Lobby = this.lobby = new Lobby({ store, index, maxWatchers, watchersPerAddress, windowMs: heartbeatWindowMs, log, counts: roomId => presence.counts(roomId) })
    const { memberTtlMs, neverPingedMemberTtlMs, emptyRoomGraceMs, presenceMergeMs, idleRoomsPerPass } = options
    const presence: PresenceTracker = this.presence = new PresenceTracker(store, {
      windowMs: heartbeatWindowMs,
      memberTtlMs,
      neverPingedMemberTtlMs,
      emptyRoomGraceMs,
      presenceMergeMs,
      idleRoomsPerPass,
      log,
      lobby: lobby.writer,
      broadcast: (roomId, data) => sockets.index.broadcast(roomId, data),
      expireMember: (roomId, memberId) => removals.removeMember(roomId, memberId),
    })
    const flush = (roomId: string, ids: string[]) => relay.broadcastTyping(roomId, ids)
    const typing = this.typing = new TypingTracker({ expiryMs: LIMITS.typingExpiryMs, mergeMs: LIMITS.typingMergeMs, maxPerRoom: LIMITS.typistsPerRoom, flush })
    const interest = new RoomInterest({ store, log, roomState: [presence, typing] })
    const sockets = this.sockets = new HubSockets(interest, log)
    const { memberships, roomCreations, dmRequests, answers } = limits
    const removals: MemberRemovals = new MemberRemovals({ store, memberships, presence, sockets, lobby: lobby.writer })
    const relay = new RoomEventRelay({ index: sockets.index, sockets, typing, presence, memberships, lobby: lobby.writer })
    const liveness = this.liveness = new Liveness({ presence, log, removals })
    this.actions = new MemberActions({ store, index: sockets.index, liveness, removals, presence })
    this.sweeps = new Sweeps({ store, sockets, presence, typing, memberships, lobby, options, prunable: prunableLimits(limits) })
    const rules = { ...limits, maxRooms: options.maxRooms, maxRoomMembers: options.maxRoomMembers }
    this.context = {
      store,
      typing,
      answers,
      liveness,
      removals,
      dmRequests,
      roomCreations,
      hashing: limits.hashing,
      attachments: hubOptions.attachments ?? NO_ATTACHMENTS,
      joins: new RoomJoins({ store, presence, liveness, sockets, interest, removals, answers, options, rules }),
      lobbyFeed: lobby.feed,
      maxRooms: options.maxRooms,
      send: (session, frame) => sockets.send(session, frame),
      sendError: (session, code, message, retryAfterMs) => sockets.sendError(session, code, message, retryAfterMs),
      memberOf: (roomId, memberId) => presence.builtView(roomId)?.get(memberId),
    }
    store.onEvent((roomId, event) => relay.onRoomEvent(roomId, event))
  }

  /** Starts the single server-wide sweep timer. */
  start(): void {
    this.sweeps.start()
  }

  stop(): void {
    this.sweeps.stop()
    this.presence.dispose()
    this.typing.dispose()
    this.lobby.dispose()
  }

  /** Refuses new sockets and asks every open one to reconnect elsewhere (1001). */
  /** Takes no more sockets and closes every one with 1001 (reconnect), spread over `spreadMs` so that they do not all reconnect at once. */
  shutdown(spreadMs = 0): void {
    this.shuttingDown = true
    this.sockets.closeAllSpread(CLOSE_CODES.goingAway, 'server shutting down', spreadMs)
  }

  /** The shared store lost its data: every socket here must join again (1012). */
  restartSessions(): void {
    this.sockets.closeAll(CLOSE_CODES.serviceRestart, 'room state was lost; join again')
  }

  /** This room's events may have been missed here (its Redis shard failed over): its sockets join again (1012) and catch up. */
  restartRoom(roomId: string): void {
    this.sockets.restartRoom(roomId, 'missed')
  }

  /** Cuts every socket that has not closed yet, at the end of a shutdown. */
  terminateAll(): void {
    for (const session of this.sockets.sessions.values()) session.conn.terminate()
  }

  stats() {
    return {
      connections: this.sockets.sessions.size,
      members: this.presence.memberCount,
      roomsWithSockets: this.sockets.index.roomCount,
      membersOnline: this.sockets.index.memberCount,
      lobbyWatchers: this.lobby.feed.watcherCount,
    }
  }

  /** Each room with sockets here and how many, for the admin page (server/metrics/busiest-rooms.ts). */
  roomSizes(): Iterable<readonly [roomId: string, sockets: number]> {
    return this.sockets.index.roomSizes()
  }

  open(conn: Connection): void {
    if (this.shuttingDown) return conn.close(CLOSE_CODES.goingAway, 'server shutting down')
    const now = Date.now()
    this.sockets.open(conn, this.guard.newLimits(now), now)
  }

  /** Handles one frame; `raw` is undefined for a binary frame. */
  receive(conn: Connection, raw: string | undefined, byteLength = raw?.length ?? 0): void {
    const session = this.sockets.sessions.get(conn)
    if (!session || session.closingSince) return
    const now = Date.now()
    session.lastFrameAt = now
    // The client's own ping skips the frame bucket (see SessionGuard.judgePing),
    // and answering one costs no store write (see Liveness.answerPing).
    if (raw === PING_FRAME && session.member) return this.judgePing(session as JoinedSession, now)
    const verdict = this.guard.judgeFrame(session, now)
    if (verdict === 'close') return this.sockets.closeSession(session, CLOSE_CODES.policyViolation, 'flooding past the rate limit')
    if (verdict !== 'accept') {
      const refusal = droppedFrameRefusal(raw, byteLength, verdict, this.guard.retryAfterMs(session, now), this.options.framesPerSecond)
      if (refusal) this.sockets.send(session, refusal)
      return
    }
    if (raw === undefined) return this.sockets.sendError(session, 'BAD_REQUEST', 'binary frames are not part of the protocol')
    if (byteLength > LIMITS.frameMaxBytes) return this.sockets.sendError(session, 'TOO_LARGE', `frames are limited to ${LIMITS.frameMaxBytes} bytes`)
    const parsed = parseClientFrame(raw)
    if (!parsed.ok) return this.sockets.sendError(session, parsed.code, parsed.message)
    const frame = parsed.frame
    // A joined socket's ping skips the queue; one sent right behind a join waits for it.
    if (frame.type === 'ping' && session.member) return this.judgePing(session as JoinedSession, now)
    session.queue = session.queue
      .then(() => dispatchFrame(FRAME_TABLE, session, frame, this.context))
      .catch((error: unknown) => frameFailed(this.context, session, frame, error, this.options.log))
  }

  close(conn: Connection): void {
    const session = this.sockets.sessions.get(conn)
    if (!session) return
    session.closed = true
    this.sockets.sessions.delete(conn)
    this.lobby.feed.forget(conn)
    const member = this.sockets.detach(session)
    if (member && !this.sockets.index.hasSessions(member.roomId, member.id)) {
      this.liveness.released(member.roomId, member.id).catch(error => this.options.log(`release failed: ${String(error)}`))
    }
  }

  // The HTTP routes' member actions (hub/member-actions.ts).
  away(roomId: string, token: string, tabId?: string): Promise<boolean> { return this.actions.away(roomId, token, tabId) }
  leaveByToken(roomId: string, token: string): Promise<boolean> { return this.actions.leaveByToken(roomId, token) }
  summary(roomId: string): Promise<RoomSummary | undefined> { return this.actions.summary(roomId) }

  /** Sweeps once; the timer calls it, and so can a test with fake time. */
  sweep(now = Date.now()): Promise<void> {
    return this.sweeps.sweep(now)
  }

  private judgePing(session: JoinedSession, now: number): void {
    const verdict = this.guard.judgePing(session, now)
    if (verdict === 'answer') {
      counts.pings++
      return this.liveness.answerPing(session)
    }
    if (verdict === 'close') this.sockets.closeSession(session, CLOSE_CODES.policyViolation, 'flooding pings')
  }
}
