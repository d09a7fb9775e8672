import { spawn } from 'node:child_process'
import calculateSlot from 'cluster-key-slot'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import { startRedisCluster } from '../support/redis-cluster'
import type { RunningCluster } from '../support/redis-cluster'
import { FAST_ENV, SERVER_ENTRY, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

/** What docs/deploy.md promises: after a master fails, chat is acknowledged again within this. */
const RECOVERY_MS = 10_000

let cluster: RunningCluster
let one: RunningServer
let two: RunningServer
const pingers = new Set<ReturnType<typeof setInterval>>()

beforeAll(async () => {
  cluster = await startRedisCluster()
  const env = { NUXT_REDIS_URL: cluster.url, NUXT_REDIS_CLUSTER: 'true' }
  ;[one, two] = await Promise.all([startServer(env), startServer(env)])
}, 60_000)
afterEach(() => {
  for (const timer of pingers) clearInterval(timer)
  pingers.clear()
  closeAllClients()
})
afterAll(async () => {
  await Promise.all([one, two].map(server => server?.stop()))
  await cluster?.stop()
})

async function member(url: string, roomId: string, name: string, extra: Record<string, unknown> = {}) {
  const joined = await joinRoom(url, roomId, name, extra)
  pingers.add(setInterval(() => joined.client.send({ type: 'ping' }), 400))
  return joined
}

/** The port of the master that serves the room's slot now. */
async function masterOf(roomId: string): Promise<number> {
  const slot = calculateSlot(`hb:{${roomId}}:room`)
  const { masters } = await cluster.roles()
  for (const port of masters) {
    if ((await ownedSlots(port)).some(([from, to]) => slot >= from && slot <= to)) return port
  }
  throw new Error(`no master serves slot ${slot}`)
}

async function ownedSlots(port: number): Promise<Array<[number, number]>> {
  const myself = (await cluster.cli(port, 'cluster', 'nodes')).split('\n').find(line => line.includes('myself'))!
  return myself.split(' ').slice(8).filter(part => /^\d/.test(part)).map((part) => {
    const [from, to] = part.split('-').map(Number)
    return [from!, to ?? from!]
  })
}

/** One room id on each of the three masters. */
async function roomsOnEveryShard(prefix: string): Promise<string[]> {
  const { masters } = await cluster.roles()
  const byMaster = new Map<number, string>()
  for (let i = 0; byMaster.size < masters.length; i++) {
    const id = `${prefix}-${i}`
    const port = await masterOf(id)
    if (!byMaster.has(port)) byMaster.set(port, id)
  }
  return [...byMaster.values()]
}

/**
 * A member that behaves as the page does when its socket is closed with
 * 1012 (join again): it joins again with its token and the last seq it saw,
 * and takes the history it missed. Records every chat it saw, by seq.
 */
interface Page {
  client: () => TestClient
  /** seq -> text of every chat seen, live or from a rejoin's history. */
  seen: Map<number, string>
  /** clientIds of chat acknowledged to this page (its own, live or in a rejoin's history). */
  acknowledged: Set<string>
  /** Rejoins, and those the server could not recover (recovered: false). */
  rejoins: { count: number, unrecovered: number }
}

async function page(url: string, roomId: string, name: string): Promise<Page> {
  let current = await member(url, roomId, name)
  const result: Page = { client: () => current.client, seen: new Map(), acknowledged: new Set(), rejoins: { count: 0, unrecovered: 0 } }
  const record = (message: ChatMessage) => {
    result.seen.set(message.seq, message.text)
    if (message.from.id === current.joined.you.id && message.clientId) result.acknowledged.add(message.clientId)
  }
  const follow = (client: TestClient) => {
    client.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string }
      if (frame.type === 'chat') record(frame as ChatMessage)
    })
    client.ws.on('close', (code) => {
      if (code !== 1012) return
      void rejoin()
    })
  }
  // As the page: UNAVAILABLE (the shard still failing over) is tried again after a pause.
  const rejoin = async () => {
    const lastSeq = Math.max(0, ...result.seen.keys())
    for (const until = Date.now() + 20_000; Date.now() < until;) {
      const back = await tryJoin(url, roomId, name, { token: current.joined.token, lastSeq })
      if (back) {
        pingers.add(setInterval(() => back.client.send({ type: 'ping' }), 400))
        result.rejoins.count++
        if (back.joined.recovered !== true) result.rejoins.unrecovered++
        current = back
        back.joined.history.forEach(record)
        follow(back.client)
        return
      }
      await new Promise(resolve => setTimeout(resolve, 300))
    }
  }
  current.joined.history.forEach(record)
  follow(current.client)
  return result
}

/** A join answered with joined, or undefined (and the socket closed) when refused. */
async function tryJoin(url: string, roomId: string, name: string, extra: Record<string, unknown>) {
  const client = await connect(url)
  client.send({ type: 'join', roomId, name, ...extra })
  for (const until = Date.now() + 5000; Date.now() < until;) {
    const joined = client.frames.find(frame => frame.type === 'joined')
    if (joined) return { client, joined }
    if (client.frames.some(frame => frame.type === 'error')) break
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  client.close()
  return undefined
}

/**
 * Sends chat as the page's outbox does: the same clientId again after a
 * refusal (UNAVAILABLE), no answer, or a rejoin, until it is acknowledged.
 */
async function sendUntilAcknowledged(sender: Page, text: string, clientId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const client = sender.client()
    const errorsBefore = client.frames.filter(frame => frame.type === 'error').length
    if (client.ws.readyState === client.ws.OPEN) client.send({ type: 'chat', text, clientId })
    for (const until = Date.now() + 1000; Date.now() < until;) {
      if (sender.acknowledged.has(clientId)) return
      if (client.frames.filter(frame => frame.type === 'error').length > errorsBefore) break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    if (Date.now() > deadline) throw new Error(`"${text}" not acknowledged within ${timeoutMs} ms: ${JSON.stringify(client.frames.slice(-3))}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

const byId = (a: Array<string | number>, b: Array<string | number>) => String(a[0]).localeCompare(String(b[0]))

describe('two instances on a Redis Cluster of three shards', () => {
  it('chat, presence and resume work across the instances in rooms on every shard', async () => {
    const rooms = await roomsOnEveryShard('spread')
    expect(new Set(await Promise.all(rooms.map(masterOf))).size).toBe(3)
    for (const roomId of rooms) {
      const ada = await member(one.wsUrl, roomId, 'Ada')
      const bob = await member(two.wsUrl, roomId, 'Bob')
      expect(bob.joined.presence).toMatchObject({ online: 2, members: 2 })
      expect(await ada.client.next('presence')).toMatchObject({ online: 2, members: 2, changed: [{ name: 'Bob', active: true }] })

      ada.client.send({ type: 'chat', text: `from one in ${roomId}` })
      bob.client.send({ type: 'chat', text: `from two in ${roomId}` })
      const onOne = [await ada.client.next('chat'), await ada.client.next('chat')]
      const onTwo = [await bob.client.next('chat'), await bob.client.next('chat')]
      expect(onTwo.map(m => [m.seq, m.text])).toEqual(onOne.map(m => [m.seq, m.text]))

      // Bob leaves his tab and comes back on the other instance with what he saw.
      bob.client.close()
      ada.client.send({ type: 'chat', text: 'while Bob was away' })
      await ada.client.next('chat')
      const back = await joinRoom(one.wsUrl, roomId, 'Bob', { token: bob.joined.token, lastSeq: onTwo[1]!.seq })
      expect(back.joined).toMatchObject({ you: bob.joined.you, recovered: true })
      expect(back.joined.history.map(m => m.text)).toEqual(['while Bob was away'])
    }
  }, 30_000)

  it('the lobby lists public rooms of every shard, from either instance', async () => {
    const rooms = await roomsOnEveryShard('lobby')
    for (const roomId of rooms) await member(one.wsUrl, roomId, 'Ann', { visibility: 'public', title: `Open ${roomId}` })
    await expect.poll(async () => {
      const body = await (await fetch(`${two.url}/api/rooms`)).json() as { rooms: Array<{ id: string, title: string, online: number }> }
      return body.rooms.filter(room => rooms.includes(room.id)).map(room => [room.id, room.title, room.online]).sort(byId)
    }, { timeout: 5000 }).toEqual(rooms.map(id => [id, `Open ${id}`, 1]).sort(byId))
  }, 20_000)

  // A master that dies (SIGKILL) or hands over (CLUSTER FAILOVER on its
  // replica): every message acknowledged before is in the history after, and
  // the members chat again, across the instances, without joining again.
  for (const how of ['SIGKILL of the master', 'CLUSTER FAILOVER on its replica'] as const) {
    it(`${how}: no acknowledged message is lost, and chat works again within ${RECOVERY_MS / 1000} s`, async () => {
      // A shard that still has its replica (the other test may have taken one).
      const { replicaOf } = await cluster.roles()
      const candidates = await roomsOnEveryShard(how.startsWith('SIGKILL') ? 'killed' : 'handover')
      const masters = await Promise.all(candidates.map(masterOf))
      const roomId = candidates.find((_, i) => replicaOf.has(masters[i]!))
      const master = await masterOf(roomId!)
      const replica = replicaOf.get(master)!
      const ada = await page(one.wsUrl, roomId!, 'Ada')
      const bob = await page(two.wsUrl, roomId!, 'Bob')
      await ada.client().next('presence')

      // Acknowledged one after the other until the very moment of the failure.
      const sent: string[] = []
      const send = async (text: string, timeoutMs: number) => {
        await sendUntilAcknowledged(ada, text, text, timeoutMs)
        sent.push(text)
      }
      for (let i = 0; i < 20; i++) await send(`before ${i}`, 5000)

      const failedAt = Date.now()
      if (how.startsWith('SIGKILL')) await cluster.kill(master)
      else await cluster.cli(replica, 'cluster', 'failover')

      await send('after 0', RECOVERY_MS)
      const recoveredMs = Date.now() - failedAt
      console.log(`[cluster] ${how}: chat acknowledged again ${recoveredMs} ms after the failure`)
      expect(recoveredMs).toBeLessThan(RECOVERY_MS)
      expect(await masterOf(roomId!)).toBe(replica)
      // Chat goes on while the instances' subscribers move to the new master.
      for (let i = 1; i < 10; i++) {
        await send(`after ${i}`, 5000)
        await new Promise(resolve => setTimeout(resolve, 100))
      }

      // Nothing acknowledged is missing: a newcomer's history holds every message, in order, once.
      const newcomer = await joinRoom(two.wsUrl, roomId!, 'Cy')
      expect(newcomer.joined.history.map(m => m.text)).toEqual(sent)
      // Both pages, on either instance, show every message, in seq order,
      // live or caught up by a rejoin the server asked for; never unrecovered.
      for (const shown of [ada, bob]) {
        await expect.poll(() => [...shown.seen.entries()].sort(([a], [b]) => a - b).map(([, text]) => text), { timeout: 5000 }).toEqual(sent)
        expect(shown.rejoins.unrecovered).toBe(0)
      }
      console.log(`[cluster] ${how}: rejoins asked of the pages: Ada ${ada.rejoins.count}, Bob ${bob.rejoins.count}`)
    }, 40_000)
  }

  // Last here: it empties a shard. Each master holds an epoch key of its own,
  // so a shard that lost its data is noticed even where no room of a socket lives.
  it('a shard that loses its data (FLUSHALL on one master) makes every socket join again, on either instance', async () => {
    const { masters } = await cluster.roles()
    const [roomId] = await roomsOnEveryShard('epoch')
    const roomMaster = await masterOf(roomId!)
    const flushed = masters.find(port => port !== roomMaster)!
    const ada = await member(one.wsUrl, roomId!, 'Ada')
    const bob = await member(two.wsUrl, roomId!, 'Bob')
    await cluster.cli(flushed, 'flushall')
    // The epoch is checked on every idle-sweep interval (5 s by default).
    const codes = await Promise.race([
      Promise.all([ada.client.closed, bob.client.closed]),
      new Promise(resolve => setTimeout(() => resolve('still open'), 8000)),
    ])
    expect(codes).toEqual([1012, 1012])
  }, 20_000)
})

/** Starts the built server and waits for it to exit: a refusal to start. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { ...process.env, NODE_ENV: 'production', ...FAST_ENV, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the server did not refuse to start within 15 s:\n${output}`))
    }, 15_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('a Redis setting that cannot work: the server refuses to start, naming it', () => {
  function expectRefusal({ code, output }: { code: number | null, output: string }, setting: string) {
    expect(code).not.toBe(0)
    expect(code).not.toBe(null)
    const lines = output.split('\n').filter(line => line.includes('cannot start'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(setting)
    // One line, never a raw stack.
    expect(output).not.toMatch(/^\s+at /m)
  }

  it('several URLs without NUXT_REDIS_CLUSTER=true', async () => {
    expectRefusal(await refusedStart({ NUXT_REDIS_URL: cluster.url }), 'NUXT_REDIS_CLUSTER')
  })

  it('one node of a cluster without NUXT_REDIS_CLUSTER=true', async () => {
    const { masters } = await cluster.roles()
    expectRefusal(await refusedStart({ NUXT_REDIS_URL: `redis://127.0.0.1:${masters[0]}` }), 'NUXT_REDIS_CLUSTER')
  })

  it('NUXT_REDIS_CLUSTER=true on a Redis that is not a cluster', async () => {
    const plain = await startRedis()
    try {
      expectRefusal(await refusedStart({ NUXT_REDIS_URL: plain.url, NUXT_REDIS_CLUSTER: 'true' }), 'NUXT_REDIS_CLUSTER')
    }
    finally {
      await plain.kill()
    }
  })

  it('a NUXT_REDIS_WAIT_REPLICAS that is not a count', async () => {
    expectRefusal(await refusedStart({ NUXT_REDIS_URL: cluster.url, NUXT_REDIS_CLUSTER: 'true', NUXT_REDIS_WAIT_REPLICAS: 'all' }), 'NUXT_REDIS_WAIT_REPLICAS')
  })
})
