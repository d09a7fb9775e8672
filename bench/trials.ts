import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchClient, ClientPool } from './load.js'
import { openNewcomer } from './load.js'
import { latencyStats } from './measure.js'
import type { LatencyStats } from './measure.js'

const TRIAL_TIMEOUT_MS = 10_000

/**
 * Resolves with the time of the last arrival once every one of `expected`
 * clients has been marked, or with undefined after the timeout.
 */
class Arrivals {
  private readonly seen = new Set<number>()
  private lastAt = 0
  private done: ((lastAt: number | undefined) => void) | undefined
  readonly finished: Promise<number | undefined>

  constructor(private readonly expected: number, timeoutMs = TRIAL_TIMEOUT_MS) {
    this.finished = new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs)
      this.done = (at) => {
        clearTimeout(timer)
        resolve(at)
      }
      if (expected === 0) this.done(performance.now())
    })
  }

  mark(client: BenchClient, at: number): void {
    if (this.seen.has(client.index)) return
    this.seen.add(client.index)
    this.lastAt = at
    if (this.seen.size === this.expected) this.done?.(this.lastAt)
  }

  get count(): number {
    return this.seen.size
  }
}

/**
 * Chat fan-out: the room's first member posts, one message at a time; the
 * latency is from the send to the last of the other members receiving it.
 */
export async function measureFanout(pool: ClientPool, members: BenchClient[], trials: number, tag: string): Promise<LatencyStats> {
  const [sender, ...others] = members
  if (!sender) throw new Error('fan-out needs a room with members')
  const samples: number[] = []
  for (let trial = 0; trial < trials; trial++) {
    const clientId = `${tag}-${trial}`
    const arrivals = new Arrivals(others.length)
    pool.taps.chat = (client, text, at) => {
      if (client !== sender && text.includes(`"clientId":"${clientId}"`)) arrivals.mark(client, at)
    }
    const sentAt = performance.now()
    sender.ws.send(JSON.stringify({ type: 'chat', text: `fan-out probe ${trial} of ${tag}`, clientId }))
    const lastAt = await arrivals.finished
    if (lastAt !== undefined) samples.push(lastAt - sentAt)
    await sleep(20)
  }
  pool.taps.chat = undefined
  return latencyStats(samples, trials, others.length)
}

interface PresenceEvent { changed?: { name: string, active: boolean }[], left?: string[] }

/**
 * Presence propagation: a newcomer joins the room; the latency is from its
 * join frame to the last member learning of it (a presence frame naming it).
 * It then leaves, and the next one comes once the leave has reached everyone
 * and the room's merge window has passed, so each join is a first change.
 * Newcomers take the server URLs in turn, like the pool's clients.
 */
export async function measurePresence(pool: ClientPool, wsUrls: readonly string[], roomId: string, members: BenchClient[], trials: number, gapMs: number, tag: string): Promise<LatencyStats> {
  const samples: number[] = []
  for (let trial = 0; trial < trials; trial++) {
    const name = `${tag}-${trial}`
    const newcomer = await openNewcomer(wsUrls[trial % wsUrls.length]!)
    try {
      const joinedAll = new Arrivals(members.length)
      let newcomerId = ''
      const leftAll = new Arrivals(members.length)
      pool.taps.presence = (client, text, at) => {
        const naming = text.includes(`"${name}"`)
        const unnaming = newcomerId !== '' && text.includes(`"${newcomerId}"`)
        if (client.roomId !== roomId || (!naming && !unnaming)) return
        const frame = JSON.parse(text) as PresenceEvent
        if (frame.changed?.some(member => member.name === name && member.active)) joinedAll.mark(client, at)
        if (unnaming && frame.left?.includes(newcomerId)) leftAll.mark(client, at)
      }
      const sentAt = performance.now()
      newcomer.ws.send(JSON.stringify({ type: 'join', roomId, name, create: true }))
      const joined = await newcomer.next('joined', TRIAL_TIMEOUT_MS)
      newcomerId = (joined.you as { id: string }).id
      const lastAt = await joinedAll.finished
      if (lastAt !== undefined) samples.push(lastAt - sentAt)
      newcomer.ws.send(JSON.stringify({ type: 'leave' }))
      await newcomer.next('left', TRIAL_TIMEOUT_MS)
      await leftAll.finished
    }
    finally {
      newcomer.ws.terminate()
    }
    await sleep(gapMs)
  }
  pool.taps.presence = undefined
  return latencyStats(samples, trials, members.length)
}
