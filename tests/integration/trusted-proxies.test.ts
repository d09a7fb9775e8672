import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect } from '../support/ws-client'
import type { TestClient } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    NUXT_TRUSTED_PROXIES: '127.0.0.1, 127.0.10.0/24',
    NUXT_MAX_CONNECTIONS_PER_ADDRESS: '3',
    NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: '5',
    NUXT_HTTP_REQUESTS_PER_SECOND: '1',
    NUXT_HTTP_BURST: '3',
  })
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const via = (localAddress: string, headers: Record<string, string>) => connect(server.wsUrl, { localAddress, headers })

async function isRefused(client: TestClient): Promise<boolean> {
  const code = await Promise.race([client.closed, new Promise<number>(resolve => setTimeout(() => resolve(0), 500))])
  return code === 4029
}

describe('behind a trusted proxy, limits count the real client', () => {
  it('the socket cap applies per forwarded client, not to the proxy', async () => {
    const alice = await Promise.all(Array.from({ length: 4 }, () => via('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })))
    expect(await Promise.all(alice.map(isRefused))).toEqual([false, false, false, true])
    // Ten clients through one proxy: past the proxy's own TCP cap of 5, since a proxy is not capped.
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => via('127.0.0.1', { 'x-forwarded-for': `203.0.113.${100 + i}` })))
    expect(await Promise.all(others.map(isRefused))).toEqual(Array(10).fill(false))
  })

  it('the right-most untrusted entry counts, so a client cannot prepend its way past the cap', async () => {
    const spoofed = await Promise.all(Array.from({ length: 4 }, (_, i) => via('127.0.0.1', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.8, 127.0.10.5` })))
    expect(await Promise.all(spoofed.map(isRefused))).toEqual([false, false, false, true])
  })

  it('RFC 7239 Forwarded is read when X-Forwarded-For is absent', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => via('127.0.0.1', { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' })))
    expect(await Promise.all(clients.map(isRefused))).toEqual([false, false, false, true])
  })

  it('an untrusted peer\'s forwarding headers are ignored', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, (_, i) => via('127.0.0.20', { 'x-forwarded-for': `203.0.113.${50 + i}` })))
    expect(await Promise.all(clients.map(isRefused))).toEqual([false, false, false, true])
  })

  it('wrong passwords lock out the guessing client only, not everyone behind the proxy', async () => {
    const owner = await via('127.0.0.1', { 'x-forwarded-for': '203.0.113.30' })
    owner.send({ type: 'join', roomId: 'office', name: 'Boss', password: 'hunter2', create: true })
    await owner.next('joined')
    const guesser = await via('127.0.0.1', { 'x-forwarded-for': '203.0.113.31' })
    for (let i = 0; i < 5; i++) {
      guesser.send({ type: 'join', roomId: 'office', name: 'Guess', password: `nope-${i}` })
      expect(await guesser.next('error')).toMatchObject({ code: 'WRONG_PASSWORD' })
    }
    guesser.send({ type: 'join', roomId: 'office', name: 'Guess', password: 'hunter2' })
    expect(await guesser.next('error')).toMatchObject({ code: 'RATE_LIMITED' })
    const colleague = await via('127.0.0.1', { 'x-forwarded-for': '203.0.113.32' })
    colleague.send({ type: 'join', roomId: 'office', name: 'Colleague', password: 'hunter2' })
    expect(await colleague.next('joined')).toMatchObject({ you: { name: 'Colleague' } })
  })

  it('the HTTP rate limit counts the forwarded client', async () => {
    const statusOf = async (forwardedFor: string) => (await fetch(`${server.url}/api/rooms/nosuch`, { headers: { 'x-forwarded-for': forwardedFor } })).status
    const first = []
    for (let i = 0; i < 5; i++) first.push(await statusOf('203.0.113.40'))
    expect(first.slice(0, 3)).toEqual([200, 200, 200])
    expect(first.slice(3)).toContain(429)
    expect(await statusOf('203.0.113.41')).toBe(200)
  })
})
