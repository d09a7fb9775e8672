/** Who asks for an image: per-member and per-address limits count by these. */
export interface ImageOwner {
  /** The room and member, e.g. `${roomId}\n${memberId}`: member ids are per room. */
  member: string
  address: string
}

export interface ImageGateLimits {
  /** Images made at once, server-wide (each takes most of a core and tens of megabytes). */
  running: number
  /** Images waiting for a turn, server-wide. */
  waiting: number
  /** Images one member may have in flight, running or waiting. */
  perMember: number
  /** Images one address may have in flight, running or waiting. */
  perAddress: number
}

export const DEFAULT_IMAGE_GATE_LIMITS: ImageGateLimits = { running: 2, waiting: 16, perMember: 2, perAddress: 4 }

/** Why a job was turned away: which of the limits was reached. */
export type ImageGateRefusal = 'member' | 'address' | 'server'

interface Waiting { owner: ImageOwner, start: () => void }

/**
 * Images are made a few at a time, and fairly: an address (and a member)
 * has at most one image being made at any moment, so a member who sends a
 * flood of heavy images holds one slot while another member's small image
 * takes the next free one, and past its share in flight a member or address
 * is turned away (429) rather than queued. Waiting jobs start in arrival
 * order among those whose member and address have nothing running.
 */
export class ImageGate {
  private running = 0
  private readonly waiting: Waiting[] = []
  private readonly inFlight = { member: new Map<string, number>(), address: new Map<string, number>() }
  private readonly busy = { member: new Set<string>(), address: new Set<string>() }

  constructor(private readonly limits: ImageGateLimits = DEFAULT_IMAGE_GATE_LIMITS) {}

  /** The job's answer, or which limit turned it away (nothing ran). */
  async run<T>(owner: ImageOwner, job: () => Promise<T>): Promise<{ value: T } | { refused: ImageGateRefusal }> {
    if ((this.inFlight.member.get(owner.member) ?? 0) >= this.limits.perMember) return { refused: 'member' }
    if ((this.inFlight.address.get(owner.address) ?? 0) >= this.limits.perAddress) return { refused: 'address' }
    if (!this.mayStart(owner) && this.waiting.length >= this.limits.waiting) return { refused: 'server' }
    count(this.inFlight.member, owner.member, 1)
    count(this.inFlight.address, owner.address, 1)
    try {
      if (this.mayStart(owner)) this.begin(owner)
      else await new Promise<void>(resolve => this.waiting.push({ owner, start: resolve }))
      try {
        return { value: await job() }
      }
      finally {
        this.running--
        this.busy.member.delete(owner.member)
        this.busy.address.delete(owner.address)
        this.startWaiting()
      }
    }
    finally {
      count(this.inFlight.member, owner.member, -1)
      count(this.inFlight.address, owner.address, -1)
    }
  }

  private mayStart(owner: ImageOwner): boolean {
    return this.running < this.limits.running && !this.busy.member.has(owner.member) && !this.busy.address.has(owner.address)
  }

  private begin(owner: ImageOwner): void {
    this.running++
    this.busy.member.add(owner.member)
    this.busy.address.add(owner.address)
  }

  private startWaiting(): void {
    for (let index = 0; index < this.waiting.length && this.running < this.limits.running;) {
      const next = this.waiting[index]!
      if (!this.mayStart(next.owner)) {
        index++
        continue
      }
      this.waiting.splice(index, 1)
      this.begin(next.owner)
      next.start()
    }
  }
}

function count(map: Map<string, number>, key: string, change: number): void {
  const next = (map.get(key) ?? 0) + change
  if (next > 0) map.set(key, next)
  else map.delete(key)
}
