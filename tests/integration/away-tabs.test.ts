import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PresenceFrame } from '../../shared/protocol'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function away(roomId: string, body: object, base = server.url) {
  // As navigator.sendBeacon posts it: text/plain.
  return fetch(`${base}/api/rooms/${roomId}/away`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'text/plain;charset=UTF-8' } })
}

/** Every state of `memberId` that `watcher` was told about from `from` on. */
function statesOf(watcher: TestClient, memberId: string, from: number): boolean[] {
  return watcher.frames.slice(from)
    .filter((frame): frame is PresenceFrame => frame.type === 'presence')
    .flatMap(frame => frame.changed.filter(member => member.id === memberId).map(member => member.active))
}

function onlineCounts(watcher: TestClient, from: number): number[] {
  return watcher.frames.slice(from).flatMap(frame => (frame.type === 'presence' || frame.type === 'pong' ? [frame.online] : []))
}

/** Keeps a socket pinging as a browser tab does (every 500 ms here) until stopped. */
function keepPinging(client: TestClient): () => void {
  const timer = setInterval(() => client.send({ type: 'ping' }), 500)
  return () => clearInterval(timer)
}

describe('closing one of two tabs', () => {
  it.each(['beacon before the socket closes', 'socket closes before the beacon'])(
    'does not make the member idle while another tab is alive (%s)',
    async (order) => {
      const roomId = `two-tabs-${order.startsWith('beacon') ? 'a' : 'b'}`
      const first = await joinRoom(server.wsUrl, roomId, 'Ada', { tabId: 'tab-1' })
      const second = await joinRoom(server.wsUrl, roomId, 'Ada', { token: first.joined.token, tabId: 'tab-2' })
      const bob = await joinRoom(server.wsUrl, roomId, 'Bob')
      const stopBob = keepPinging(bob.client)
      const stopSecond = keepPinging(second.client)
      await sleep(300)
      const from = bob.client.frames.length

      if (order.startsWith('beacon')) {
        expect((await away(roomId, { token: first.joined.token, tabId: 'tab-1' })).status).toBe(204)
        first.client.close()
      }
      else {
        first.client.close()
        await sleep(50)
        expect((await away(roomId, { token: first.joined.token, tabId: 'tab-1' })).status).toBe(204)
      }
      // Longer than the window (1.5 s here): an idle mark would have come and gone by now.
      await sleep(2500)
      stopBob()
      stopSecond()

      expect(statesOf(bob.client, first.joined.you.id, from)).toEqual([])
      expect(Math.min(...onlineCounts(bob.client, from))).toBe(2)
    },
  )

  it('the beacon of the last tab still marks the member away at once', async () => {
    const ada = await joinRoom(server.wsUrl, 'last-tab', 'Ada', { tabId: 'only-tab' })
    const bob = await joinRoom(server.wsUrl, 'last-tab', 'Bob')
    const from = bob.client.frames.length
    const sentAt = Date.now()
    expect((await away('last-tab', { token: ada.joined.token, tabId: 'only-tab' })).status).toBe(204)
    const frame = await bob.client.next('presence', 1000)
    expect(Date.now() - sentAt).toBeLessThan(1000)
    expect(frame.changed).toEqual([{ id: ada.joined.you.id, name: 'Ada', active: false }])
    expect(statesOf(bob.client, ada.joined.you.id, from)).toEqual([false])
  })

  it('a tabId that is not a short string is refused with 400', async () => {
    const ada = await joinRoom(server.wsUrl, 'bad-tab', 'Ada', { tabId: 'tab' })
    expect((await away('bad-tab', { token: ada.joined.token, tabId: 'x'.repeat(65) })).status).toBe(400)
    expect((await away('bad-tab', { token: ada.joined.token, tabId: 42 })).status).toBe(400)
  })
})

describe('closing one of two tabs held by two instances on one Redis', () => {
  let redis: RunningRedis
  let one: RunningServer
  let two: RunningServer

  beforeAll(async () => {
    redis = await startRedis()
    ;[one, two] = await Promise.all([1, 2].map(() => startServer({ NUXT_REDIS_URL: redis.url })))
  })
  afterAll(async () => {
    await Promise.all([one, two].map(instance => instance.stop()))
    await redis.kill()
  })

  it.each(['the closing tab\'s instance', 'the other tab\'s instance'])(
    'a beacon landing on %s does not make the member idle',
    async (target) => {
      const roomId = `spread-${target.startsWith('the closing') ? 'a' : 'b'}`
      const first = await joinRoom(one.wsUrl, roomId, 'Ada', { tabId: 'tab-1' })
      const second = await joinRoom(two.wsUrl, roomId, 'Ada', { token: first.joined.token, tabId: 'tab-2' })
      const bob = await joinRoom(one.wsUrl, roomId, 'Bob')
      const stopBob = keepPinging(bob.client)
      const stopSecond = keepPinging(second.client)
      await sleep(300)
      const from = bob.client.frames.length

      const base = target.startsWith('the closing') ? one.url : two.url
      expect((await away(roomId, { token: first.joined.token, tabId: 'tab-1' }, base)).status).toBe(204)
      first.client.close()
      await sleep(2500)
      stopBob()
      stopSecond()

      expect(statesOf(bob.client, first.joined.you.id, from)).toEqual([])
      expect(Math.min(...onlineCounts(bob.client, from))).toBe(2)
    },
  )

  it('the beacon of the last tab, on its own instance, still marks the member away at once', async () => {
    const ada = await joinRoom(one.wsUrl, 'spread-last', 'Ada', { tabId: 'only-tab' })
    const bob = await joinRoom(two.wsUrl, 'spread-last', 'Bob')
    await sleep(200)
    const sentAt = Date.now()
    expect((await away('spread-last', { token: ada.joined.token, tabId: 'only-tab' }, one.url)).status).toBe(204)
    const states: boolean[] = []
    while (!states.includes(false) && Date.now() - sentAt < 1000) {
      const frame = await bob.client.next('presence', 1000)
      states.push(...frame.changed.filter(member => member.id === ada.joined.you.id).map(member => member.active))
    }
    expect(states).toEqual([false])
    expect(Date.now() - sentAt).toBeLessThan(1000)
  })
})
