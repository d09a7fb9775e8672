// Runs in the node environment: no window, as during server-side rendering.
import { effectScope } from 'vue'
import { afterEach, expect, it, vi } from 'vitest'
import { useHeartbeatSocket } from '../../composables/useHeartbeatSocket'
import { FakeWebSocket } from './fake-websocket'

afterEach(() => {
  vi.useRealTimers()
})

it('does nothing without a window, so a page can call it during SSR', () => {
  vi.useFakeTimers()
  FakeWebSocket.reset()
  const scope = effectScope()
  const chat = scope.run(() => useHeartbeatSocket({
    roomId: 'lobby',
    name: 'Ada',
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
  }))!

  expect(chat.status.value).toBe('idle')
  expect(chat.send('hello')).toBe(false)
  chat.reconnect()
  expect(FakeWebSocket.instances).toHaveLength(0)
  expect(vi.getTimerCount()).toBe(0)
  scope.stop()
})
