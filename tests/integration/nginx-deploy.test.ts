import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { JoinedFrame } from '../../shared/protocol'
import { httpGet, startProxiedDeploy } from '../support/nginx'
import type { ProxiedDeploy } from '../support/nginx'
import { METRICS_HEADERS } from '../support/server'
import { closeAllStreams, connectStream } from '../support/stream-client'
import { closeAllClients, connect } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

// The deploy of docs/deploy.md for real: Debian's nginx with deploy/nginx.conf
// in front of two instances on one redis-server. Every client leaves from its
// own loopback address (all of 127.0.0.0/8 is this machine), so nginx sees
// different clients and names each in X-Forwarded-For.

const SOCKETS_PER_ADDRESS = 50
const CROWD = 120

let deploy: ProxiedDeploy

beforeAll(async () => {
  // The app's own caps (50 sockets, 100 TCP connections per address), not FAST_ENV's raised ones.
  deploy = await startProxiedDeploy({ NUXT_MAX_CONNECTIONS_PER_ADDRESS: undefined, NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: undefined })
})
afterEach(() => {
  closeAllClients()
  closeAllStreams()
})
afterAll(() => deploy?.stop())

/** A socket through nginx from `address`, with the Origin a page of the app would send. */
function from(address: string, headers: Record<string, string> = {}): Promise<TestClient> {
  return connect(deploy.nginx.wsUrl, { localAddress: address, origin: deploy.nginx.url, headers })
}

/** The close code if the server closes the socket within `ms`, else 'open'. */
function closedWithin(client: TestClient, ms: number): Promise<number | 'open'> {
  return Promise.race([client.closed, new Promise<'open'>(resolve => setTimeout(() => resolve('open'), ms))])
}

/** Joins; a refused socket resolves with its close code instead of a `joined` frame. */
async function join(address: string, roomId: string, name: string, password?: string): Promise<{ client: TestClient, joined?: JoinedFrame, closeCode?: number }> {
  const client = await from(address)
  client.send({ type: 'join', roomId, name, create: true, ...(password ? { password } : {}) })
  return Promise.race([
    client.next('joined', 15_000).then(joined => ({ client, joined })),
    client.closed.then(closeCode => ({ client, closeCode })),
  ])
}

/** What a member's page shows as the online count: its latest pong or presence, else its joined frame. */
function onlineSeenBy(person: { client: TestClient, joined?: JoinedFrame }): number | undefined {
  const latest = person.client.frames.findLast(frame => frame.type === 'presence' || frame.type === 'pong')
  return latest && 'online' in latest ? latest.online : person.joined?.presence.online
}

/** `count` addresses of `prefix`.N that nginx sends to one instance, so a per-instance rule would see them together. */
async function addressesOnOneInstance(prefix: string, count: number): Promise<string[]> {
  const first = `${prefix}.1`
  const upstream = await deploy.nginx.upstreamFor(first)
  const found = [first]
  for (let n = 2; found.length < count && n < 255; n++) {
    if (await deploy.nginx.upstreamFor(`${prefix}.${n}`) === upstream) found.push(`${prefix}.${n}`)
  }
  expect(found).toHaveLength(count)
  return found
}

/**
 * The TCP connections between nginx and the instance on `port`, open or just
 * closed (ESTABLISHED, TIME_WAIT; /proc/net/tcp lists both ends, as both run
 * here), each named by its port on nginx's side: a new name is a new connection.
 */
function connectionsTo(port: number): Set<string> {
  const names = new Set<string>()
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, state] = line.trim().split(/\s+/)
    if (!local || !remote || (state !== '01' && state !== '06')) continue
    const localPort = Number.parseInt(local.split(':')[1]!, 16)
    const remotePort = Number.parseInt(remote.split(':')[1]!, 16)
    if (localPort === port) names.add(remote)
    else if (remotePort === port) names.add(local)
  }
  return names
}

describe('behind nginx as docs/deploy.md sets it up', () => {
  it(`${CROWD} people, each from their own address, join one room through nginx and all see ${CROWD} online`, async () => {
    const joinedSoFar: TestClient[] = []
    // FAST_ENV's window is 1.5 s: everyone who has joined pings, as a page would.
    const keepAlive = setInterval(() => joinedSoFar.forEach(client => client.send({ type: 'ping' })), 400)
    try {
      const started = performance.now()
      const people = await Promise.all(Array.from({ length: CROWD }, async (_, i) => {
        const person = await join(`127.0.1.${i + 1}`, 'crowd', `Person ${i + 1}`)
        joinedSoFar.push(person.client)
        return person
      }))
      const joinMs = Math.round(performance.now() - started)
      expect(people.filter(person => !person.joined).map(person => person.closeCode)).toEqual([])
      await expect.poll(() => people.map(onlineSeenBy), { timeout: 5000 }).toEqual(Array(CROWD).fill(CROWD))
      console.log(`[nginx-deploy] ${CROWD} joins through nginx from ${CROWD} addresses in ${joinMs} ms`)

      // nginx spread them over both instances, and each instance counted real client addresses, not nginx's one.
      const addressesPerInstance = await Promise.all(deploy.instances.map(async (instance) => {
        const health = await (await fetch(`${instance.url}/api/health`, { headers: METRICS_HEADERS })).json() as { clientAddresses: number }
        return health.clientAddresses
      }))
      expect(addressesPerInstance.every(count => count > 0)).toBe(true)
      expect(addressesPerInstance.reduce((sum, count) => sum + count, 0)).toBe(CROWD)
    }
    finally {
      clearInterval(keepAlive)
    }
  })

  it(`the ${SOCKETS_PER_ADDRESS + 1}st socket from one address is refused with 4029, a forged X-Forwarded-For does not help, and a neighbour on the same instance still gets in`, async () => {
    const [crowded, neighbour] = await addressesOnOneInstance('127.0.2', 2) as [string, string]
    const held = await Promise.all(Array.from({ length: SOCKETS_PER_ADDRESS }, () => from(crowded)))
    const oneTooMany = await from(crowded)
    expect(await closedWithin(oneTooMany, 3000)).toBe(4029)
    expect(oneTooMany.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'TOO_MANY_CONNECTIONS' }))
    // nginx appends the address it saw; the app counts that one, not what the client wrote before it.
    const forged = await from(crowded, { 'x-forwarded-for': '198.51.100.7' })
    expect(await closedWithin(forged, 3000)).toBe(4029)

    const other = await join(neighbour, 'neighbours', 'Neighbour')
    expect(other.joined?.you.name).toBe('Neighbour')
    expect(await Promise.all(held.map(client => closedWithin(client, 300)))).toEqual(Array(SOCKETS_PER_ADDRESS).fill('open'))
  })

  it('five wrong passwords from one address through nginx lock out that address only, not a colleague on the same instance', async () => {
    const owner = await join('127.0.3.200', 'office', 'Boss', 'hunter2')
    expect(owner.joined?.you.name).toBe('Boss')
    const [guesserAddress, colleagueAddress] = await addressesOnOneInstance('127.0.3', 2) as [string, string]
    const guesser = await from(guesserAddress)
    for (let i = 0; i < 5; i++) {
      guesser.send({ type: 'join', roomId: 'office', name: 'Guess', password: `nope-${i}` })
      expect(await guesser.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
    }
    guesser.send({ type: 'join', roomId: 'office', name: 'Guess', password: 'hunter2' })
    expect(await guesser.next('error')).toMatchObject({ code: 'RATE_LIMITED' })

    const colleague = await join(colleagueAddress, 'office', 'Colleague', 'hunter2')
    expect(colleague.joined?.you.name).toBe('Colleague')
    expect(colleague.joined?.presence).toMatchObject({ members: 2 })
  })

  it('a burst of requests from one address through nginx gets 429, while a neighbour on the same instance is still answered', async () => {
    const [flooder, neighbour] = await addressesOnOneInstance('127.0.4', 2) as [string, string]
    // Past the burst of 60 at once, faster than 20 a second come back.
    const statuses = await Promise.all(Array.from({ length: 150 }, () => httpGet(`${deploy.nginx.url}/api/rooms/nosuch`, flooder).then(answer => answer.status)))
    expect(statuses.filter(status => status === 429).length).toBeGreaterThan(0)
    expect(statuses.every(status => status === 200 || status === 429)).toBe(true)
    // Ten at once: a bucket shared with the flooder would have at most a token or two for them.
    const neighbourStatuses = await Promise.all(Array.from({ length: 10 }, () => httpGet(`${deploy.nginx.url}/api/rooms/nosuch`, neighbour).then(answer => answer.status)))
    expect(neighbourStatuses).toEqual(Array(10).fill(200))
  })

  it('a page on the fallback posts through nginx over connections nginx keeps: 30 POSTs reach the instance over a few connections, not one each', async () => {
    const address = '127.0.5.1'
    const port = Number((await deploy.nginx.upstreamFor(address)).split(':').at(-1))
    const before = connectionsTo(port)
    const ada = await connectStream(deploy.nginx.url, { localAddress: address, origin: deploy.nginx.url })
    ada.send({ type: 'join', roomId: 'kept-connections', name: 'Ada', create: true })
    await ada.next('joined')
    for (let i = 0; i < 30; i++) expect((await ada.post([])).status).toBe(204)
    const opened = [...connectionsTo(port)].filter(name => !before.has(name))
    // The stream's, and the one or two its POSTs took turns on; one per POST would be 31.
    expect(opened.length).toBeGreaterThanOrEqual(2)
    expect(opened.length).toBeLessThanOrEqual(4)
  })
})
