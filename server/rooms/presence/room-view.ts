import type { MemberPresence } from '../../../shared/protocol'

/**
 * What this process has told a room's sockets about who is there. Presence
 * frames are the differences against it, and pongs read its counts, so a ping
 * costs O(1) whatever the room size.
 */
export class RoomView {
  private readonly users = new Map<string, MemberPresence>()
  private activeCount = 0

  get online(): number {
    return this.activeCount
  }

  get members(): number {
    return this.users.size
  }

  /** The state this process last told about the member; undefined for a member it does not know. */
  isActive(memberId: string): boolean | undefined {
    return this.users.get(memberId)?.active
  }

  get(memberId: string): MemberPresence | undefined {
    return this.users.get(memberId)
  }

  has(memberId: string): boolean {
    return this.users.has(memberId)
  }

  ids(): IterableIterator<string> {
    return this.users.keys()
  }

  /** Records the member's state; true when that is a change worth telling. */
  set(member: MemberPresence): boolean {
    const before = this.users.get(member.id)
    if (before && before.active === member.active && before.name === member.name) return false
    this.activeCount += Number(member.active) - Number(before?.active ?? false)
    this.users.set(member.id, member)
    return true
  }

  delete(memberId: string): boolean {
    const before = this.users.get(memberId)
    if (!before) return false
    this.activeCount -= Number(before.active)
    this.users.delete(memberId)
    return true
  }

  snapshot(): { online: number, members: number, users: MemberPresence[] } {
    return { online: this.online, members: this.members, users: [...this.users.values()] }
  }
}
