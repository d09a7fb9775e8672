import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../../shared/protocol'
import { backoffDelay } from '../../utils/backoff'
import { startProxiedDeploy } from '../support/nginx'
import type { ProxiedDeploy } from '../support/nginx'
import { startServer } from '../support/server'

// The rolling deploy of docs/deploy.md ("Rolling restarts"): two instances on
// one Redis behind deploy/nginx.conf, 200 people chatting and pinging, each
// instance restarted in turn (SIGTERM, then started again on its port).
// Each person behaves as the page does: reconnects after the page's backoff,
// resumes with its token and lastSeq, and resends what was not acknowledged.

const PEOPLE = 200
const ROOMS = 10
const WINDOW_MS = 4000
const PING_EVERY_MS = 1000
const CHAT_EVERY_MS = 2500
/** docs/deploy.md: a client is back within this of its instance's SIGTERM. */
const BACK_WITHIN_MS = 5000
const ENV = { NUXT_HEARTBEAT_WINDOW_MS: String(WINDOW_MS), NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: String(PING_EVERY_MS) }

let deploy: ProxiedDeploy

beforeAll(async () => {
  deploy = await startProxiedDeploy(ENV)
})
afterAll(() => deploy?.stop())

class Person {
  token: string | undefined
  lastSeq = 0
  ws: WebSocket | undefined
  joined = false
  stopped = false
  failures = 0
  sent = 0
  /** clientId -> text, until the room sends it back. */
  readonly outbox = new Map<string, string>()
  readonly acked = new Set<string>()
  /** message id -> clientId of every chat seen, live or in a resume. */
  readonly received = new Map<string, string>()
  /** When this person's socket closed, and when it was joined again. */
  readonly drops: Array<{ closedAt: number, backAt?: number }> = []
  /** Presence changes seen: member id, online or not, when. */
  readonly presence: Array<{ id: string, active: boolean, at: number, left: boolean }> = []
  id = ''
  /** Error codes the server answered with, and close codes: shown when someone does not come back. */
  readonly errors: string[] = []

  constructor(readonly index: number, readonly roomId: string) {}

  get address(): string {
    return `127.0.3.${this.index + 1}`
  }

  connect(): void {
    const ws = this.ws = new WebSocket(deploy.nginx.wsUrl, { localAddress: this.address, origin: deploy.nginx.url })
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', roomId: this.roomId, name: `P${this.index}`, create: true, ...(this.token ? { token: this.token, lastSeq: this.lastSeq } : {}) })))
    ws.on('message', data => this.onFrame(JSON.parse(data.toString()) as ServerFrame))
    ws.on('error', () => {})
    ws.on('close', (code) => {
      if (ws !== this.ws) return
      this.errors.push(`close ${code}`)
      if (this.joined) this.drops.push({ closedAt: Date.now() })
      this.joined = false
      if (this.stopped) return
      this.failures++
      setTimeout(() => this.connect(), backoffDelay(this.failures, { baseMs: 500, maxMs: 5000 }))
    })
  }

  private onFrame(frame: ServerFrame): void {
    const now = Date.now()
    if (frame.type === 'joined') {
      this.token = frame.token
      this.id = frame.you.id
      this.joined = true
      this.failures = 0
      const drop = this.drops.at(-1)
      if (drop && drop.backAt === undefined) drop.backAt = now
      for (const message of frame.history) this.seeChat(message)
      for (const [clientId, text] of this.outbox) this.ws!.send(JSON.stringify({ type: 'chat', text, clientId }))
    }
    if (frame.type === 'chat') this.seeChat(frame)
    if (frame.type === 'error') this.errors.push(frame.code)
    if (frame.type === 'presence') {
      for (const member of frame.changed) this.presence.push({ id: member.id, active: member.active, at: now, left: false })
      for (const id of frame.left) this.presence.push({ id, active: false, at: now, left: true })
    }
  }

  private seeChat(message: { id: string, seq: number, clientId?: string, from: { id: string } }): void {
    this.received.set(message.id, message.clientId ?? '')
    this.lastSeq = Math.max(this.lastSeq, message.seq)
    if (message.from.id === this.id && message.clientId && this.outbox.delete(message.clientId)) this.acked.add(message.clientId)
  }

  chat(): void {
    const clientId = `p${this.index}-${++this.sent}`
    const text = `message ${clientId}`
    this.outbox.set(clientId, text)
    if (this.joined) this.ws!.send(JSON.stringify({ type: 'chat', text, clientId }))
  }

  ping(): void {
    if (this.joined) this.ws!.send('{"type":"ping"}')
  }

  stop(): void {
    this.stopped = true
    this.ws?.terminate()
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await sleep(50)
  }
}

describe('a rolling restart behind nginx', () => {
  it(`${PEOPLE} people chatting and pinging through two restarts: nothing acknowledged lost or doubled, everyone back in time, nobody who stayed dropped from the count`, async () => {
    const people = Array.from({ length: PEOPLE }, (_, i) => new Person(i, `rolling-${i % ROOMS}`))
    for (const person of people) person.connect()
    await until(() => people.every(person => person.joined), 30_000, () => `${people.filter(person => !person.joined).length} joins`)
    const pinger = setInterval(() => people.forEach(person => person.ping()), PING_EVERY_MS)
    // Each person chats at its own offset.
    const chatters = people.map(person => setTimeout(function chatAgain() {
      person.chat()
      chatters[person.index] = setTimeout(chatAgain, CHAT_EVERY_MS)
    }, Math.random() * CHAT_EVERY_MS))
    const restarts: Array<{ at: number, instance: number }> = []
    try {
      await sleep(3000)
      for (let i = 0; i < deploy.instances.length; i++) {
        const old = deploy.instances[i]!
        const port = Number(new URL(old.url).port)
        const exited = new Promise(resolve => old.process.once('exit', resolve))
        restarts.push({ at: Date.now(), instance: i })
        old.process.kill('SIGTERM')
        await exited
        deploy.instances[i] = await startServer({ NUXT_REDIS_URL: deploy.redis.url, NUXT_TRUSTED_PROXIES: '127.0.0.1', NUXT_PUBLIC_ORIGIN: deploy.nginx.url, ...ENV }, { port })
        await until(() => people.every(person => person.joined), 20_000, () => `${people.filter(person => !person.joined).length} people to come back: ${JSON.stringify(people.filter(person => !person.joined).slice(0, 5).map(person => person.errors.slice(-6)))}`)
        await sleep(3000)
      }
    }
    finally {
      clearInterval(pinger)
      chatters.forEach(timer => clearTimeout(timer))
    }
    // Pings go on while the last messages come back.
    const lastPings = setInterval(() => people.forEach(person => person.ping()), PING_EVERY_MS)
    try {
      await until(() => people.every(person => person.outbox.size === 0), 15_000, () => `${people.reduce((sum, person) => sum + person.outbox.size, 0)} unacknowledged messages`)
      await sleep(1000)
    }
    finally {
      clearInterval(lastPings)
      people.forEach(person => person.stop())
    }

    // Nothing acknowledged lost or doubled: in each room, every member saw
    // every acknowledged message of the room exactly once (one id per clientId).
    const sentTotal = people.reduce((sum, person) => sum + person.acked.size, 0)
    expect(sentTotal).toBeGreaterThan(PEOPLE * 3)
    for (let room = 0; room < ROOMS; room++) {
      const members = people.filter(person => person.roomId === `rolling-${room}`)
      const acked = members.flatMap(person => [...person.acked])
      const idsByClientId = new Map<string, Set<string>>()
      for (const member of members) {
        for (const [id, clientId] of member.received) idsByClientId.set(clientId, (idsByClientId.get(clientId) ?? new Set()).add(id))
      }
      expect([...idsByClientId].filter(([, ids]) => ids.size > 1).map(([clientId]) => clientId), `room ${room}: doubled`).toEqual([])
      for (const member of members) {
        const seen = new Set(member.received.values())
        expect(acked.filter(clientId => !seen.has(clientId)), `room ${room}, P${member.index}: lost`).toEqual([])
      }
    }

    // Everyone whose instance restarted was back within the documented time of its SIGTERM.
    const moved = people.filter(person => person.drops.length > 0)
    expect(moved.length).toBeGreaterThan(PEOPLE / 4)
    for (const person of moved) {
      for (const drop of person.drops) {
        const sigterm = restarts.findLast(restart => restart.at <= drop.closedAt)!
        expect(drop.backAt, `P${person.index} never came back`).toBeDefined()
        expect(drop.backAt! - sigterm.at, `P${person.index}`).toBeLessThan(BACK_WITHIN_MS)
      }
    }

    // Nobody left, so nobody is ever shown as gone; and through each
    // restart, nobody whose socket stayed on the other instance was shown
    // offline for longer than one window.
    expect(people.filter(observer => observer.presence.some(change => change.left)).map(observer => observer.index)).toEqual([])
    const end = Date.now()
    let stayedThroughARestart = 0
    restarts.forEach((restart, k) => {
      const periodEnd = restarts[k + 1]?.at ?? end
      const inPeriod = (at: number) => at >= restart.at && at < periodEnd
      const stayed = new Set(people.filter(person => !person.drops.some(drop => inPeriod(drop.closedAt))).map(person => person.id))
      stayedThroughARestart += stayed.size
      for (const observer of people) {
        const offlineSince = new Map<string, number>()
        const longest = new Map<string, number>()
        for (const change of observer.presence) {
          if (!stayed.has(change.id) || !inPeriod(change.at)) continue
          if (!change.active) offlineSince.set(change.id, offlineSince.get(change.id) ?? change.at)
          else if (offlineSince.has(change.id)) {
            longest.set(change.id, Math.max(longest.get(change.id) ?? 0, change.at - offlineSince.get(change.id)!))
            offlineSince.delete(change.id)
          }
        }
        for (const [id, since] of offlineSince) longest.set(id, Math.max(longest.get(id) ?? 0, periodEnd - since))
        expect([...longest].filter(([, ms]) => ms > WINDOW_MS), `restart ${k}: P${observer.index} saw members who stayed offline too long`).toEqual([])
      }
    })
    expect(stayedThroughARestart).toBeGreaterThan(PEOPLE / 4)
    console.log(`[rolling-restart] ${sentTotal} messages acknowledged, ${moved.length} people moved, back within ${Math.max(...moved.flatMap(person => person.drops.map(drop => drop.backAt! - restarts.findLast(restart => restart.at <= drop.closedAt)!.at)))} ms of SIGTERM`)
  }, 150_000)
})
