export interface HeldMembership { roomId: string, memberId: string, tokenHash: string }

interface AddressEntry {
  held: Map<string, HeldMembership>
  /** Joins under way that may add a member. */
  pending: number
  /** Last time its memberships were checked against the store. */
  checkedAt: number
}

export type Reservation = 'ok' | 'address-full' | 'server-full'

/** Addresses re-checked against the store per sweep, at most. */
const RECHECKS_PER_SWEEP = 10

/**
 * Which client address (by its hash, as member records keep it) admitted
 * which members, online or not, on this process. One address may hold at
 * most `perAddress` memberships, so it cannot fill a room or the server by
 * itself, and the ledger holds at most `maxTotal`. Memberships outlast the
 * process, so a new one is given those the store holds (`hold`) at start. A member
 * leaves the ledger when this process removes it or hears its leave; a
 * removal it cannot hear (another instance's, in a room this one no longer
 * serves) is found by re-checking an address at its cap against the store,
 * at most every `recheckMs`.
 */
export class MembershipLedger {
  private readonly byAddress = new Map<string, AddressEntry>()
  private readonly addressOfMember = new Map<string, string>()
  private total = 0

  constructor(private readonly perAddress: number, private readonly maxTotal: number, private readonly recheckMs: number) {}

  /** Holds a place for a join from the address; every 'ok' must be followed by one `settle`. */
  reserve(address: string): Reservation {
    const entry = this.byAddress.get(address)
    if (entry && entry.held.size + entry.pending >= this.perAddress) return 'address-full'
    if (this.total >= this.maxTotal) return 'server-full'
    this.entryOf(address).pending++
    this.total++
    return 'ok'
  }

  /** The join is over: its place goes to the member it made, or back. */
  settle(address: string, made?: HeldMembership): void {
    const entry = this.byAddress.get(address)
    if (!entry) return
    entry.pending--
    this.total--
    if (!made) return this.dropIfEmpty(address, entry)
    const key = memberKey(made.roomId, made.memberId)
    entry.held.set(key, made)
    this.addressOfMember.set(key, address)
    this.total++
  }

  /** A membership the store holds from before this process: counted like one it made. */
  hold(address: string, held: HeldMembership): void {
    const key = memberKey(held.roomId, held.memberId)
    if (this.addressOfMember.has(key)) return
    this.entryOf(address).held.set(key, held)
    this.addressOfMember.set(key, address)
    this.total++
  }

  /** The member is gone: its address may admit another. */
  forget(roomId: string, memberId: string): void {
    const key = memberKey(roomId, memberId)
    const address = this.addressOfMember.get(key)
    if (address === undefined) return
    this.addressOfMember.delete(key)
    const entry = this.byAddress.get(address)
    if (!entry?.held.delete(key)) return
    this.total--
    this.dropIfEmpty(address, entry)
  }

  /** Asks the store about the memberships of addresses at their cap; forgets those it no longer has. */
  async recheck(now: number, isLive: (held: HeldMembership) => Promise<boolean>): Promise<void> {
    const due: AddressEntry[] = []
    for (const entry of this.byAddress.values()) {
      if (entry.held.size + entry.pending >= this.perAddress && now - entry.checkedAt >= this.recheckMs) due.push(entry)
      if (due.length === RECHECKS_PER_SWEEP) break
    }
    for (const entry of due) {
      entry.checkedAt = now
      for (const held of [...entry.held.values()]) {
        if (!await isLive(held)) this.forget(held.roomId, held.memberId)
      }
    }
  }

  heldBy(address: string): number {
    return this.byAddress.get(address)?.held.size ?? 0
  }

  get size(): number {
    return this.total
  }

  private entryOf(address: string): AddressEntry {
    let entry = this.byAddress.get(address)
    if (!entry) this.byAddress.set(address, entry = { held: new Map(), pending: 0, checkedAt: -Infinity })
    return entry
  }

  private dropIfEmpty(address: string, entry: AddressEntry): void {
    if (entry.held.size === 0 && entry.pending === 0) this.byAddress.delete(address)
  }
}

function memberKey(roomId: string, memberId: string): string {
  return `${roomId}\u0000${memberId}`
}
