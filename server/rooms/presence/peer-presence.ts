/**
 * What the other processes say about members of the rooms this one has
 * views of: memberId -> the peers that hold it active. A member is online
 * while this process or any live peer holds it so; a peer that falls silent
 * is dropped from every room at once, which is how a SIGKILLed instance's
 * members go offline everywhere else.
 */
export class PeerPresence {
  private readonly rooms = new Map<string, Map<string, Set<string>>>()

  /** Records one peer's word on one member; true when the member's peer-held state changed. */
  set(roomId: string, memberId: string, peerId: string, active: boolean): boolean {
    let members = this.rooms.get(roomId)
    if (!members) {
      if (!active) return false
      this.rooms.set(roomId, members = new Map())
    }
    const holders = members.get(memberId)
    const before = holders !== undefined && holders.size > 0
    if (active) {
      if (holders) holders.add(peerId)
      else members.set(memberId, new Set([peerId]))
    }
    else if (holders) {
      holders.delete(peerId)
      if (holders.size === 0) members.delete(memberId)
    }
    return before !== this.isActive(roomId, memberId)
  }

  /** A peer's whole state in a room (its announcement): returns the members whose peer-held state changed. */
  replace(roomId: string, peerId: string, activeIds: Iterable<string>): string[] {
    const changed = new Set<string>()
    const now = new Set(activeIds)
    for (const [memberId, holders] of this.rooms.get(roomId) ?? []) {
      if (holders.has(peerId) && !now.has(memberId) && this.set(roomId, memberId, peerId, false)) changed.add(memberId)
    }
    for (const memberId of now) if (this.set(roomId, memberId, peerId, true)) changed.add(memberId)
    return [...changed]
  }

  /** A peer fell silent: every member it held, in every room, loses it. Returns what changed. */
  dropPeer(peerId: string): Array<[roomId: string, memberId: string]> {
    const changed: Array<[string, string]> = []
    for (const [roomId, members] of this.rooms) {
      for (const [memberId, holders] of members) {
        if (!holders.delete(peerId)) continue
        if (holders.size === 0) {
          members.delete(memberId)
          changed.push([roomId, memberId])
        }
      }
    }
    return changed
  }

  isActive(roomId: string, memberId: string): boolean {
    return (this.rooms.get(roomId)?.get(memberId)?.size ?? 0) > 0
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId)
  }

  forgetMember(roomId: string, memberId: string): void {
    this.rooms.get(roomId)?.delete(memberId)
  }
}
