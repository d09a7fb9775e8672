interface Heard {
  name: string
  heardAt: number
  /** Within the window and not away: what this process says of the member. */
  active: boolean
  /** The store has been told of a sign of life since this process began holding the member. */
  stored: boolean
}

/**
 * When this process last heard each member it holds sockets of. A ping is a
 * write here and nowhere else (issue 20): only a change of state leaves the
 * process, as a presence diff.
 */
export class LocalLiveness {
  private readonly rooms = new Map<string, Map<string, Heard>>()

  /**
   * A sign of life (a ping, a chat). `became` says it turned the member
   * active here; `first` that the store is yet to hear of one from here, so
   * that a member's TTL counts from its first ping, not its join.
   */
  heard(roomId: string, memberId: string, name: string, now: number): { became: boolean, first: boolean } {
    const entry = this.entryOf(roomId, memberId, name, now)
    const became = !entry.active
    const first = !entry.stored
    entry.heardAt = Math.max(entry.heardAt, now)
    entry.active = true
    entry.stored = true
    return { became, first }
  }

  /** A socket of the member joined: active here, the store still to hear of its first ping. */
  arrived(roomId: string, memberId: string, name: string, now: number): boolean {
    const entry = this.entryOf(roomId, memberId, name, now)
    const became = !entry.active
    entry.heardAt = Math.max(entry.heardAt, now)
    entry.active = true
    return became
  }

  /** Offline here until the next sign of life; true when it was active. */
  away(roomId: string, memberId: string): boolean {
    const entry = this.rooms.get(roomId)?.get(memberId)
    if (!entry?.active) return false
    entry.active = false
    return true
  }

  /** This process holds no socket of the member any more: what it held of it. */
  release(roomId: string, memberId: string): { name: string, active: boolean } | undefined {
    const members = this.rooms.get(roomId)
    const entry = members?.get(memberId)
    if (!entry) return undefined
    members!.delete(memberId)
    if (members!.size === 0) this.rooms.delete(roomId)
    return entry
  }

  nameOf(roomId: string, memberId: string): string | undefined {
    return this.rooms.get(roomId)?.get(memberId)?.name
  }

  isActive(roomId: string, memberId: string): boolean {
    return this.rooms.get(roomId)?.get(memberId)?.active === true
  }

  /** The members active here in a room. */
  activeIds(roomId: string): string[] {
    const ids: string[] = []
    for (const [id, entry] of this.rooms.get(roomId) ?? []) if (entry.active) ids.push(id)
    return ids
  }

  roomIds(): IterableIterator<string> {
    return this.rooms.keys()
  }

  /** Turns inactive every member not heard since `cutoff`, and says which. */
  lapse(cutoff: number): Array<[roomId: string, memberId: string]> {
    const lapsed: Array<[string, string]> = []
    for (const [roomId, members] of this.rooms) {
      for (const [memberId, entry] of members) {
        if (entry.active && entry.heardAt < cutoff) {
          entry.active = false
          lapsed.push([roomId, memberId])
        }
      }
    }
    return lapsed
  }

  /** The members heard in a room since `since`: those whose last-seen the store is to catch up with. */
  heardSince(roomId: string, since: number): string[] {
    const heard: string[] = []
    for (const [id, entry] of this.rooms.get(roomId) ?? []) if (entry.heardAt >= since) heard.push(id)
    return heard
  }

  private entryOf(roomId: string, memberId: string, name: string, now: number): Heard {
    let members = this.rooms.get(roomId)
    if (!members) this.rooms.set(roomId, members = new Map())
    let entry = members.get(memberId)
    if (!entry) members.set(memberId, entry = { name, heardAt: now, active: false, stored: false })
    entry.name = name
    return entry
  }
}
