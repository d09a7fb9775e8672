/** One socket as the hub sees it: whatever the transport, it can send and close. */
export interface Connection {
  send(data: string): void
  close(code: number, reason: string): void
  /** Drops the socket without a closing handshake, for links that no longer answer. */
  terminate(): void
}

export interface SessionMember { id: string, name: string, roomId: string }

export interface Session {
  conn: Connection
  lastFrameAt: number
  member?: SessionMember
  /** Frames of one socket are handled in order even when the store is slow. */
  queue: Promise<void>
  closed: boolean
}

/**
 * The fan-out index of this process: room -> sockets and member -> sockets.
 * A broadcast walks only its room's sockets (crossws's own publish walks
 * every connection of the server for every message).
 */
export class SessionIndex {
  private readonly byRoom = new Map<string, Set<Session>>()
  private readonly byMember = new Map<string, Set<Session>>()

  attach(session: Session, member: SessionMember): void {
    session.member = member
    addTo(this.byRoom, member.roomId, session)
    addTo(this.byMember, memberKey(member.roomId, member.id), session)
  }

  /** Takes the socket out of its room; returns the member it was. */
  detach(session: Session): SessionMember | undefined {
    const member = session.member
    if (!member) return undefined
    session.member = undefined
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

  /** `data` is serialized once by the caller, whatever the room's size. */
  broadcast(roomId: string, data: string): void {
    for (const session of this.byRoom.get(roomId) ?? []) session.conn.send(data)
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
