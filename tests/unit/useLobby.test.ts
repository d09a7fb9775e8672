// @vitest-environment happy-dom
import { effectScope, shallowRef } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useLobby } from '../../composables/useLobby'
import type { UseLobbyOptions } from '../../composables/useLobby'
import type { LobbyWatchRoom } from '../../shared/protocol'
import { FakeWebSocket } from './fake-websocket'

const scopes: ReturnType<typeof effectScope>[] = []

function mountLobby(options: UseLobbyOptions = {}) {
  const scope = effectScope()
  scopes.push(scope)
  return scope.run(() => useLobby({ url: 'ws://chat.test/ws', WebSocket: FakeWebSocket as unknown as typeof WebSocket, random: () => 1, ...options }))!
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeWebSocket.reset()
})
afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop()
  vi.useRealTimers()
})

const room = (id: string, online: number, members = online, title = '') => ({ id, title, online, members })

describe('useLobby', () => {
  it('watches the lobby with your rooms\' tokens and is live once the first list comes', () => {
    const lobby = mountLobby({ mine: [{ id: 'mine', token: 't-mine' }] })
    const socket = FakeWebSocket.latest()
    socket.open()
    expect(socket.frames).toEqual([{ type: 'watch', scope: 'lobby', rooms: [{ id: 'mine', token: 't-mine' }] }])
    expect(lobby.stale.value).toBe(true)
    socket.receive({ type: 'lobby', rooms: [room('a', 1), room('b', 5)], mine: [{ ...room('mine', 2), lastSeq: 7 }], refused: ['gone'] })
    expect(lobby.stale.value).toBe(false)
    expect(lobby.rooms.value.map(r => r.id)).toEqual(['b', 'a'])
    expect(lobby.mine.value.get('mine')).toMatchObject({ online: 2, lastSeq: 7 })
    expect([...lobby.refused.value]).toEqual(['gone'])
  })

  it('applies diffs in place and keeps the busiest first', () => {
    const lobby = mountLobby()
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive({ type: 'lobby', rooms: [room('a', 3), room('b', 2), room('c', 1)] })
    socket.receive({ type: 'lobby', changed: [room('c', 9), room('d', 2, 4)], removed: ['a'] })
    expect(lobby.rooms.value).toEqual([room('c', 9), room('d', 2, 4), room('b', 2)])
    socket.receive({ type: 'lobby', mine: [{ ...room('x', 1), lastSeq: 3 }] })
    socket.receive({ type: 'lobby', mineRemoved: ['x'] })
    expect(lobby.mine.value.size).toBe(0)
  })

  it('pings like a room page, goes stale when the link drops and watches again on the new socket', () => {
    const lobby = mountLobby({ heartbeatIntervalMs: 1000, pongTimeoutMs: 3000 })
    const first = FakeWebSocket.latest()
    first.open()
    first.receive({ type: 'lobby', rooms: [room('a', 3)] })
    vi.advanceTimersByTime(1000)
    expect(first.frames.at(-1)).toEqual({ type: 'ping' })
    first.receive({ type: 'pong', online: 0, members: 0 })
    first.drop()
    expect(lobby.stale.value).toBe(true)
    // The counts stay, as last seen, for the page to grey out.
    expect(lobby.rooms.value).toEqual([room('a', 3)])
    vi.advanceTimersByTime(500)
    const second = FakeWebSocket.latest()
    expect(second).not.toBe(first)
    second.open()
    expect(second.frames).toEqual([{ type: 'watch', scope: 'lobby' }])
    second.receive({ type: 'lobby', rooms: [room('b', 1)] })
    expect(lobby.stale.value).toBe(false)
    expect(lobby.rooms.value).toEqual([room('b', 1)])
  })

  it('a dead link (no pong) is noticed and replaced', () => {
    mountLobby({ heartbeatIntervalMs: 1000, pongTimeoutMs: 3000 })
    const first = FakeWebSocket.latest()
    first.open()
    first.receive({ type: 'lobby', rooms: [] })
    vi.advanceTimersByTime(1000 + 3000)
    expect(first.closedByClient).toBe(true)
    vi.advanceTimersByTime(500)
    expect(FakeWebSocket.instances.length).toBe(2)
  })

  it('watches again when your rooms change', () => {
    const mine = shallowRef<LobbyWatchRoom[]>([])
    mountLobby({ mine })
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive({ type: 'lobby', rooms: [] })
    mine.value = [{ id: 'new', token: 't-new' }]
    return Promise.resolve().then(() => {
      expect(socket.frames.at(-1)).toEqual({ type: 'watch', scope: 'lobby', rooms: [{ id: 'new', token: 't-new' }] })
    })
  })

  it('too many watchers: tries again later with backoff instead of waiting silently', () => {
    mountLobby()
    const first = FakeWebSocket.latest()
    first.open()
    first.receive({ type: 'error', code: 'TOO_MANY_WATCHERS', message: 'too many lobby watchers' })
    vi.advanceTimersByTime(500)
    expect(FakeWebSocket.instances.length).toBe(2)
  })

  it('close() stops the socket and every timer', () => {
    const lobby = mountLobby()
    const socket = FakeWebSocket.latest()
    socket.open()
    socket.receive({ type: 'lobby', rooms: [] })
    lobby.close()
    expect(socket.closedByClient).toBe(true)
    vi.advanceTimersByTime(120_000)
    expect(FakeWebSocket.instances.length).toBe(1)
  })
})
