/**
 * Things one client address holds at once (TCP connections, WebSocket
 * sockets), with a cap per address. The map holds only addresses that hold
 * something, so it is bounded by what the server holds in total.
 */
export class AddressSlots {
  private readonly held = new Map<string, number>()

  constructor(readonly maxPerAddress: number) {}

  /** Counts one in; false (and nothing counted) when the address is at its cap. */
  take(address: string): boolean {
    const count = this.held.get(address) ?? 0
    if (count >= this.maxPerAddress) return false
    this.held.set(address, count + 1)
    return true
  }

  release(address: string): void {
    const count = (this.held.get(address) ?? 1) - 1
    if (count > 0) this.held.set(address, count)
    else this.held.delete(address)
  }

  get addressCount(): number {
    return this.held.size
  }
}
