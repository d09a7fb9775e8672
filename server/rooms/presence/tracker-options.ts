export interface PresenceTrackerOptions {
  windowMs: number
  /**
   * How long a membership lasts without any sign of life (a ping, a chat, a
   * join with its token). Being offline is not leaving: this is the room's
   * lifetime for its members, not a presence timeout.
   */
  memberTtlMs: number
  /** The TTL of a member that never pinged after joining (a join and nothing else costs little to remove). */
  neverPingedMemberTtlMs: number
  emptyRoomGraceMs: number
  presenceMergeMs: number
  /** Rooms an idle pass looks at, at most: what a pass costs the store is bounded, however many rooms there are. */
  idleRoomsPerPass?: number
  /** Writes one serialized frame to every socket of the room on this process. */
  broadcast: (roomId: string, data: string) => void
  /** Removes a member whose TTL ran out, the same way a leave does. */
  expireMember: (roomId: string, memberId: string) => Promise<void>
  log: (message: string) => void
  /** Keeps the lobby index in step: counts as the view tells them, a change seen without a view, a room deleted. */
  lobby?: {
    countsChanged: (roomId: string, online: number, members: number) => void
    roomChanged: (roomId: string) => void
    roomGone: (roomId: string) => void
  }
}
