import { fanoutSince, metricsClock } from '../metrics/counts'
import type { SessionLimits } from './session-guard'

/** One socket as the hub sees it: whatever the transport, it can send and close. */
export interface Connection {
  /**
   * Queues a frame. The transport bounds what a socket that does not read
   * may hold: past a high-water mark a `droppable` frame is dropped, and
   * past a hard limit the socket is cut (the client resumes from lastSeq).
   */
  send(data: string, options?: { droppable?: boolean }): void
  close(code: number, reason: string): void
  /** Drops the socket without a closing handshake, for links that no longer answer. */
  terminate(): void
  /** The client's address, for per-address limits. */
  readonly remoteAddress?: string
}

/** `e2ee`: the room is end-to-end encrypted, so its chats and edits must come sealed (`cipher`). */
export interface SessionMember {
  id: string
  name: string
  roomId: string
  /** When the member joined the room (its first join, not this socket's). */
  joinedAt?: number
  e2ee?: true
}

export interface Session extends SessionLimits {
  conn: Connection
  address: string
  lastFrameAt: number
  /** Last heartbeat written to the store for this socket. */
  lastTouchAt: number
  member?: SessionMember
  /** The tab this socket serves, as its join said: an away beacon names it. */
  tabId?: string
  /** Frames of one socket are handled in order even when the store is slow. */
  queue: Promise<void>
  closed: boolean
  /** When the server asked this socket to close; a socket that does not answer is then dropped. */
  closingSince?: number
  /**
   * Set while a join reads history: chat broadcast meanwhile waits here
   * (presence is dropped, the snapshot supersedes it), so nothing falls
   * between the history and the live stream.
   */
  backlog?: Array<{ seq: number, data: string }>
}

/**
 * The fan-out index of this process: room -> sockets and member -> sockets.
 * A broadcast walks only its room's sockets (crossws's own publish walks
 * every connection of the server for every message).
 */
export class SessionIndex {
  private readonly byRoom = new Map<string, Set<Session>>()
  private readonly byMember = new Map<string, Set<Session>>()

  /** Puts the socket in its room's fan-out; with `buffering`, chat is held in `session.backlog` until the join is done. */
  attach(session: Session, member: SessionMember, buffering = false): void {
    session.member = member
    if (buffering) session.backlog = []
    addTo(this.byRoom, member.roomId, session)
    addTo(this.byMember, memberKey(member.roomId, member.id), session)
  }

  /** Takes the socket out of its room; returns the member it was. */
  detach(session: Session): SessionMember | undefined {
    const member = session.member
    if (!member) return undefined
    session.member = undefined
    session.backlog = undefined
    removeFrom(this.byRoom, member.roomId, session)
    removeFrom(this.byMember, memberKey(member.roomId, member.id), session)
    return member
  }

  sessionsOf(roomId: string, memberId: string): Session[] {
    return [...this.byMember.get(memberKey(roomId, memberId)) ?? []]
  }

  hasSessions(roomId: string, memberId: string): boolean {
    return this.byMember.has(memberKey(roomId, memberId))
  }

  /**
   * `data` is serialized once by the caller, whatever the room's size; `seq`
   * marks a frame a joining socket must not miss (chat); the sockets of
   * `skipMembers` are left out.
   */
  broadcast(roomId: string, data: string, seq?: number, skipMembers?: ReadonlySet<string>): void {
    const started = metricsClock()
    for (const session of this.byRoom.get(roomId) ?? []) {
      if (skipMembers?.has(session.member!.id)) continue
      if (!session.backlog) session.conn.send(data)
      else if (seq !== undefined) session.backlog.push({ seq, data })
    }
    fanoutSince(started)
  }

  /** Each room with sockets here and how many (the admin page's busiest rooms); a walk of the rooms, not of the sockets. */
  * roomSizes(): Generator<readonly [roomId: string, sockets: number]> {
    for (const [roomId, sessions] of this.byRoom) yield [roomId, sessions.size]
  }

  get roomCount(): number {
    return this.byRoom.size
  }

  /** Members with at least one socket here. */
  get memberCount(): number {
    return this.byMember.size
  }
}

function memberKey(roomId: string, memberId: string): string {
  return `${roomId}\u0000${memberId}`
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key)
  if (!set) index.set(key, set = new Set())
  set.add(value)
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key)
  if (!set) return
  set.delete(value)
  if (set.size === 0) index.delete(key)
}
