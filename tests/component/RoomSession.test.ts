// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { shallowRef } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import RoomSession from '~/components/room/RoomSession.vue'
import { useHeartbeatSocket } from '~/composables/useHeartbeatSocket'
import { useConversationTools } from '~/composables/useConversationTools'

vi.mock('~/composables/useHeartbeatSocket', () => ({ useHeartbeatSocket: vi.fn() }))

function fakeSocket() {
  return {
    status: shallowRef('connected'),
    attempt: shallowRef(0),
    maxRetries: shallowRef(10),
    online: shallowRef(1),
    members: shallowRef(1),
    users: shallowRef([{ id: 'u1', name: 'alice', active: true }]),
    self: shallowRef({ id: 'u1', name: 'alice' }),
    timeline: shallowRef([]),
    rttMs: shallowRef(12),
    error: shallowRef<{ code: string, message: string }>(),
    ended: shallowRef<Record<string, unknown>>(),
    roomProtected: shallowRef<boolean>(),
    e2eeSalt: shallowRef<string>(),
    title: shallowRef<string>(),
    // The room view reads these from the provided room page, so the fake has them too.
    typing: shallowRef<string[]>([]),
    hasOlder: shallowRef(false),
    loadingOlder: shallowRef(false),
    owner: shallowRef<string>(),
    peer: shallowRef<{ id: string, name: string }>(),
    invites: shallowRef([]),
    privateRoom: shallowRef<{ roomId: string }>(),
    ...useConversationTools({ send: vi.fn(() => true), selfId: () => 'u1', isOwner: () => false }),
    send: vi.fn(() => true),
    leave: vi.fn(),
    reconnect: vi.fn(),
    close: vi.fn(),
  }
}

let socket: ReturnType<typeof fakeSocket>

beforeEach(() => {
  socket = fakeSocket()
  vi.mocked(useHeartbeatSocket).mockReset().mockReturnValue(socket as never)
})

function mountSession() {
  return mount(RoomSession, {
    props: { roomId: 'lobby', name: 'alice', password: 'pw', heartbeatIntervalMs: 5000, maxRetries: 7 },
  })
}

describe('RoomSession', () => {
  it('joins (without creating) with the name, password and runtime settings it was given', () => {
    const wrapper = mountSession()
    expect(useHeartbeatSocket).toHaveBeenCalledWith(
      { roomId: 'lobby', name: 'alice', password: 'pw', create: false, heartbeatIntervalMs: 5000, maxRetries: 7 })
    expect(wrapper.get('[data-testid="online-count"]').text()).toBe('1 online')
    expect(wrapper.get('[data-testid="member-item"]').text()).toContain('(you)')
  })

  it('forwards sending and reconnecting to the socket', async () => {
    const wrapper = mountSession()
    await wrapper.get('[data-testid="message-input"]').setValue('hi')
    await wrapper.get('[data-testid="message-input"]').trigger('keydown', { key: 'Enter' })
    expect(socket.send).toHaveBeenCalledWith('hi')
    socket.status.value = 'disconnected'
    await wrapper.vm.$nextTick()
    await wrapper.get('[data-testid="reconnect-button"]').trigger('click')
    expect(socket.reconnect).toHaveBeenCalledOnce()
  })

  it('names the tab after the room, and renames it when the room is renamed', async () => {
    const wrapper = mountSession()
    expect(wrapper.emitted('pageTitle')?.at(-1)).toEqual(['lobby · Heartbeat Chat'])
    socket.title.value = 'Design review'
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('pageTitle')?.at(-1)).toEqual(['Design review · Heartbeat Chat'])
  })

  it('Leave leaves the room before telling the page', async () => {
    const wrapper = mountSession()
    await wrapper.get('[data-testid="leave-button"]').trigger('click')
    expect(socket.leave).toHaveBeenCalledOnce()
    expect(wrapper.emitted('left')).toHaveLength(1)
  })

  it.each(['WRONG_PASSWORD', 'NAME_TAKEN', 'ROOM_FULL', 'SERVER_FULL'])('a %s refusal goes back to the page', async (code) => {
    const wrapper = mountSession()
    socket.ended.value = { reason: 'refused', code, message: 'refused' }
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('joinRefused')).toEqual([[{ code, message: 'refused' }]])
  })

  it('a lockout goes back to the page with how long to wait', async () => {
    const wrapper = mountSession()
    socket.ended.value = { reason: 'refused', code: 'RATE_LIMITED', message: 'too many', retryAfterMs: 30_000 }
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('joinRefused')).toEqual([[{ code: 'RATE_LIMITED', message: 'too many', retryAfterMs: 30_000 }]])
  })

  it('shows no room, no message box and no count before the server has accepted the join', async () => {
    socket.self.value = undefined as never
    socket.status.value = 'reconnecting'
    const wrapper = mountSession()
    expect(wrapper.find('[data-testid="message-input"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="online-count"]').exists()).toBe(false)
    socket.self.value = { id: 'u1', name: 'alice' }
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[data-testid="message-input"]').exists()).toBe(true)
    expect(wrapper.emitted('entered')).toEqual([[{ protected: false }]])
  })

  it('shows a lock for a protected room', async () => {
    socket.roomProtected.value = true
    const wrapper = mountSession()
    expect(wrapper.find('[data-testid="room-lock"]').exists()).toBe(true)
  })

  it('leaving in another tab goes back to the page with what was dropped', async () => {
    const wrapper = mountSession()
    socket.ended.value = { reason: 'left-elsewhere', unsentDropped: 2 }
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('leftElsewhere')).toEqual([[{ unsentDropped: 2 }]])
  })

  it('other errors stay in the room view', async () => {
    const wrapper = mountSession()
    socket.error.value = { code: 'TOO_LARGE', message: 'too long' }
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('joinRefused')).toBeUndefined()
    expect(wrapper.get('[role="alert"]').text()).toBe('That is too large to send.')
  })
})
