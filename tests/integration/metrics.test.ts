import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pngBytes, upload } from '../support/files'
import { moved, scrape } from '../support/metrics'
import { startRedis } from '../support/redis'
import { METRICS_TOKEN, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const GAUGES = ['heartbeat_connections{transport="websocket"}', 'heartbeat_rooms', 'heartbeat_members_online', 'heartbeat_lobby_watchers']

describe('GET /metrics', () => {
  it('answers a bare 401 without the bearer token, or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: METRICS_TOKEN }]
    for (const headers of attempts) {
      const res = await fetch(`${server.url}/metrics`, { headers })
      expect(res.status).toBe(401)
      expect(await res.text()).toBe('')
    }
  })

  it('serves Prometheus text with the process metrics, event-loop lag included', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes', 'heartbeat_fanout_seconds_bucket', 'heartbeat_ack_seconds_bucket']) {
      expect(text).toContain(name)
    }
  })

  it('each number moves by what clients did: join, chat, ping, upload, a refused frame, leave and resume', async () => {
    const before = await scrape(server.url)
    const ada = await joinRoom(server.wsUrl, 'metrics-room', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'metrics-room', 'Bob')
    const watcher = await connect(server.wsUrl)
    watcher.send({ type: 'watch', scope: 'lobby' })
    await watcher.next('lobby')
    const joined = await scrape(server.url)
    expect(moved(before, joined, [...GAUGES, 'heartbeat_joins_total'])).toEqual({
      'heartbeat_connections{transport="websocket"}': 3,
      'heartbeat_rooms': 1,
      'heartbeat_members_online': 2,
      'heartbeat_lobby_watchers': 1,
      'heartbeat_joins_total': 2,
    })

    for (const text of ['one', 'two', 'three']) {
      ada.client.send({ type: 'chat', text })
      await bob.client.next('chat')
    }
    for (let i = 0; i < 2; i++) {
      ada.client.send({ type: 'ping' })
      await ada.client.next('pong')
    }
    ada.client.send({ type: 'no-such-frame' })
    await ada.client.next('error')
    const sent = await upload(server.url, 'metrics-room', ada.joined.token, { bytes: await pngBytes(32, 32), name: 'tiny.png', type: 'image/png' })
    expect(sent.status).toBe(201)
    const talked = await scrape(server.url)
    expect(moved(joined, talked, [
      'heartbeat_messages_total', 'heartbeat_pings_total', 'heartbeat_frames_refused_total{code="BAD_REQUEST"}',
      'heartbeat_uploads_total', 'heartbeat_upload_bytes_total', 'heartbeat_ack_seconds_count',
    ])).toEqual({
      'heartbeat_messages_total': 3,
      'heartbeat_pings_total': 2,
      'heartbeat_frames_refused_total{code="BAD_REQUEST"}': 1,
      'heartbeat_uploads_total': 1,
      'heartbeat_upload_bytes_total': sent.body.file!.size,
      'heartbeat_ack_seconds_count': 3,
    })
    // Each chat is one broadcast here, and one commit in the store.
    expect(moved(joined, talked, ['heartbeat_fanout_seconds_count'])['heartbeat_fanout_seconds_count']).toBeGreaterThanOrEqual(3)
    expect(moved(joined, talked, ['heartbeat_store_seconds_count{op="appendMessage"}'])).toEqual({ 'heartbeat_store_seconds_count{op="appendMessage"}': 3 })

    bob.client.ws.close(1000)
    await bob.client.closed
    await expect.poll(async () => moved(talked, await scrape(server.url), [...GAUGES, 'heartbeat_sockets_closed_total{code="1000"}'])).toEqual({
      'heartbeat_connections{transport="websocket"}': -1,
      'heartbeat_rooms': 0,
      'heartbeat_members_online': -1,
      'heartbeat_lobby_watchers': 0,
      'heartbeat_sockets_closed_total{code="1000"}': 1,
    })
    const left = await scrape(server.url)
    const back = await joinRoom(server.wsUrl, 'metrics-room', 'Bob', { token: bob.joined.token, lastSeq: 3 })
    expect(back.joined.recovered).toBe(true)
    expect(moved(left, await scrape(server.url), ['heartbeat_joins_total', 'heartbeat_resumes_total{recovered="true"}', 'heartbeat_members_online'])).toEqual({
      'heartbeat_joins_total': 1,
      'heartbeat_resumes_total{recovered="true"}': 1,
      'heartbeat_members_online': 1,
    })
  })
})

describe('metrics switched off or shared', () => {
  it('without NUXT_METRICS_TOKEN there is no /metrics', async () => {
    const plain = await startServer({ NUXT_METRICS_TOKEN: undefined })
    try {
      const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: 'Bearer ' } })
      expect(res.status).toBe(404)
    }
    finally {
      await plain.stop()
    }
  })

  it('with Redis each instance labels its series with its own instance name', async () => {
    const redis = await startRedis()
    const one = await startServer({ NUXT_REDIS_URL: redis.url, NUXT_METRICS_INSTANCE: 'chat-1' })
    try {
      const series = await scrape(one.url)
      expect(series.get('heartbeat_connections{transport="websocket",instance="chat-1"}')).toBe(0)
      expect(series.get('heartbeat_joins_total{instance="chat-1"}')).toBe(0)
    }
    finally {
      await one.stop()
      await redis.kill()
    }
  })
})
