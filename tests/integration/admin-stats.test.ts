import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startRedis } from '../support/redis'
import { METRICS_HEADERS, METRICS_TOKEN, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

interface Sample { at: number, connections: number, rooms: number, membersOnline: number, messagesPerSecond: number }
interface Stats {
  instance: string | null
  sampleMs: number
  samples: Sample[]
  busiest: { rooms: Array<{ title: string, connections: number }>, others: { rooms: number, connections: number } }
  instances: Array<{ instanceId: string, name?: string, beatAgeMs: number, connections?: number }> | null
}

let server: RunningServer

beforeAll(async () => {
  server = await startServer({ NUXT_STORE: 'memory' })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

async function stats(url = server.url): Promise<Stats> {
  const res = await fetch(`${url}/api/admin/stats`, { headers: METRICS_HEADERS })
  expect(res.status).toBe(200)
  return await res.json() as Stats
}

/** A request from its own source address (the failed-token budget is per address). */
function getFrom(localAddress: string, headers: Record<string, string>, path = '/api/admin/stats'): Promise<{ status: number, headers: Record<string, unknown>, body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url)
    request({ host: url.hostname, port: url.port, path: url.pathname, localAddress, agent: false, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    }).on('error', reject).end()
  })
}

/** Messages the samples account for: each one's rate over the time since the one before. */
function messagesIn(samples: Sample[]): number {
  let total = 0
  for (let i = 1; i < samples.length; i++) total += samples[i]!.messagesPerSecond * (samples[i]!.at - samples[i - 1]!.at) / 1000
  return total
}

describe('GET /api/admin/stats', () => {
  it('answers 401 without the bearer token, with a wrong one, or with the token in the query', async () => {
    const attempts: Array<[string, Record<string, string>]> = [
      ['', {}],
      ['', { authorization: 'Bearer wrong' }],
      ['', { authorization: `Bearer ${METRICS_TOKEN}x` }],
      ['', { authorization: METRICS_TOKEN }],
      [`?token=${METRICS_TOKEN}`, {}],
    ]
    for (const [query, headers] of attempts) {
      const res = await fetch(`${server.url}/api/admin/stats${query}`, { headers })
      expect(res.status).toBe(401)
      const body = await res.json() as { code: string }
      expect(body).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String) })
    }
  })

  it('after ten wrong tokens from one address it answers 429 there, even to the right token, while other addresses get in', async () => {
    for (let i = 0; i < 11; i++) expect((await getFrom('127.0.8.1', { authorization: `Bearer guess-${i}` })).status).toBe(401)
    const blocked = await getFrom('127.0.8.1', METRICS_HEADERS)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect((await getFrom('127.0.8.2', METRICS_HEADERS)).status).toBe(200)
    // /metrics takes the same token, so it shares the budget: no second ten guesses there.
    expect((await getFrom('127.0.8.1', METRICS_HEADERS, '/metrics')).status).toBe(429)
  })

  it('wrong tokens sent to /api/health count against the address too, and health then shows the status alone', async () => {
    for (let i = 0; i < 11; i++) {
      const answer = await getFrom('127.0.8.3', { authorization: `Bearer guess-${i}` }, '/api/health')
      expect(JSON.parse(answer.body)).toEqual({ status: 'ok' })
    }
    expect((await getFrom('127.0.8.3', METRICS_HEADERS)).status).toBe(429)
    expect(JSON.parse((await getFrom('127.0.8.3', METRICS_HEADERS, '/api/health')).body)).toEqual({ status: 'ok' })
    expect(JSON.parse((await getFrom('127.0.8.4', METRICS_HEADERS, '/api/health')).body)).toHaveProperty('rooms')
  })

  it('the figures move when clients join and chat: connections, rooms, members online, messages a second', async () => {
    const before = await stats()
    expect(before.samples.length).toBeGreaterThanOrEqual(2)
    const first = before.samples.at(-1)!
    const ada = await joinRoom(server.wsUrl, 'admin-figures', 'Ada', { title: 'Figures', visibility: 'public' })
    const bob = await joinRoom(server.wsUrl, 'admin-figures', 'Bob')
    const joined = (await stats()).samples.at(-1)!
    expect({ connections: joined.connections - first.connections, rooms: joined.rooms - first.rooms, members: joined.membersOnline - first.membersOnline })
      .toEqual({ connections: 2, rooms: 1, members: 2 })

    // Pinging as the page does, so the server keeps both through the wait below.
    const pings = setInterval(() => [ada, bob].forEach(({ client }) => client.send({ type: 'ping' })), 400)
    onTestFinished(() => clearInterval(pings))
    const talkedFrom = Date.now()
    for (let i = 0; i < 5; i++) {
      ada.client.send({ type: 'chat', text: `line ${i}` })
      await bob.client.next('chat')
    }
    // Wait past a sample, so the messages fall in the kept history as well as in the figures now.
    await new Promise(resolve => setTimeout(resolve, before.sampleMs + 500))
    const talked = await stats()
    const since = talked.samples.filter(sample => sample.at >= talkedFrom - before.sampleMs)
    expect(messagesIn([talked.samples[talked.samples.indexOf(since[0]!) - 1] ?? since[0]!, ...since])).toBeCloseTo(5, 5)
    expect(talked.samples.at(-2)!.at - talked.samples.at(-3)!.at).toBeGreaterThanOrEqual(before.sampleMs - 200)

    bob.client.close()
    await bob.client.closed
    clearInterval(pings)
    const adaPings = setInterval(() => ada.client.send({ type: 'ping' }), 400)
    onTestFinished(() => clearInterval(adaPings))
    await expect.poll(async () => (await stats()).samples.at(-1)!.connections - first.connections).toBe(1)
  })

  it('names public rooms only: no id or title of an unlisted, password or private room, counted as other rooms', async () => {
    const open = await joinRoom(server.wsUrl, 'admin-open-plaza', 'Ada', { title: 'Open Plaza', visibility: 'public' })
    await joinRoom(server.wsUrl, 'admin-open-plaza', 'Bob')
    await joinRoom(server.wsUrl, 'admin-hidden-den', 'Cy', { title: 'Hidden Den', visibility: 'unlisted' })
    await joinRoom(server.wsUrl, 'admin-locked-vault', 'Di', { title: 'Locked Vault', visibility: 'public', password: 'hunter2-hunter2' })
    const other = await joinRoom(server.wsUrl, 'admin-open-plaza', 'Eve')
    open.client.send({ type: 'dm', to: other.joined.you.id })
    const dm = await open.client.next('dm')
    const pair = await joinRoom(server.wsUrl, dm.roomId, 'Ada', { token: dm.token, create: undefined })

    const answer = await stats()
    const text = JSON.stringify(answer)
    for (const secret of ['admin-hidden-den', 'Hidden Den', 'admin-locked-vault', 'Locked Vault', dm.roomId, pair.joined.title, 'admin-open-plaza']) {
      expect(text).not.toContain(secret)
    }
    expect(answer.busiest.rooms).toEqual([{ title: 'Open Plaza', connections: 3 }])
    expect(answer.busiest.others).toEqual({ rooms: 3, connections: 3 })
    expect(answer.instances).toEqual([])
  })
})

describe('the admin figures are off without NUXT_METRICS_TOKEN', () => {
  it('answers 404 whatever the request carries', async () => {
    const plain = await startServer({ NUXT_STORE: 'memory', NUXT_METRICS_TOKEN: undefined })
    try {
      for (const headers of [{}, METRICS_HEADERS, { authorization: 'Bearer ' }]) {
        expect((await fetch(`${plain.url}/api/admin/stats`, { headers })).status).toBe(404)
      }
    }
    finally {
      await plain.stop()
    }
  })
})

describe('the admin figures with Redis', () => {
  it('list every instance with its name, a recent beat and its connections', async () => {
    const redis = await startRedis()
    const one = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_METRICS_INSTANCE: 'chat-1' })
    const two = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_METRICS_INSTANCE: 'chat-2' })
    try {
      await joinRoom(two.wsUrl, 'admin-fleet', 'Ada')
      await joinRoom(two.wsUrl, 'admin-fleet', 'Bob')
      await joinRoom(one.wsUrl, 'admin-fleet', 'Cy')
      // chat-2 publishes its count when it is asked; chat-1 then sees it beside its own.
      await stats(two.url)
      await expect.poll(async () => {
        const answer = await stats(one.url)
        return answer.instances?.map(({ name, connections }) => ({ name, connections }))
      }, { timeout: 5000 }).toEqual([{ name: 'chat-1', connections: 1 }, { name: 'chat-2', connections: 2 }])
      const answer = await stats(one.url)
      expect(answer.instance).toBe('chat-1')
      for (const instance of answer.instances!) expect(instance.beatAgeMs).toBeGreaterThanOrEqual(0)
      for (const instance of answer.instances!) expect(instance.beatAgeMs).toBeLessThan(3000)
    }
    finally {
      await one.stop()
      await two.stop()
      await redis.kill()
    }
  })
})
