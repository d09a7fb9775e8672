// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { MemberPresence } from '~/shared/protocol'
import { mountRoomView } from '../support/room-page'
import type { RoomPageValues } from '../support/room-page'

const alice: MemberPresence = { id: 'u1', name: 'alice', active: true }
const bob: MemberPresence = { id: 'u2', name: 'bob', active: false }

function mountRoom(values: Partial<RoomPageValues> = {}) {
  return mountRoomView({
    roomId: 'lobby', status: 'connected', attempt: 0, maxRetries: 10, online: 2, members: 2,
    users: [alice, bob], selfId: 'u1', timeline: [], ...values,
  })
}

describe('what the room view shows is true', () => {
  it('while connected the online count is live: data-stale="false", no "last connected" note', () => {
    const count = mountRoom().get('[data-testid="online-count"]')
    expect(count.attributes('data-stale')).toBe('false')
    expect(count.text()).toBe('2 online')
  })

  it.each(['connecting', 'reconnecting', 'disconnected', 'offline'] as const)(
    'while %s the counts and active markers are shown as last known, not live',
    (status) => {
      const wrapper = mountRoom({ status, attempt: 3 })
      const count = wrapper.get('[data-testid="online-count"]')
      expect(count.attributes('data-stale')).toBe('true')
      expect(count.text()).toBe('2 online when last connected')
      expect(count.classes()).toContain('room-header__online--stale')
      expect(wrapper.get('[data-testid="member-count"]').classes()).toContain('room-header__members--stale')
      expect(wrapper.get('[data-testid="member-list"]').attributes('data-stale')).toBe('true')
      // Screen readers hear it too, not only the grey.
      expect(wrapper.get('[data-testid="member-list"]').attributes('aria-description')).toBe('As last seen before the connection was lost')
    },
  )

  it('every member item carries data-member-id and data-active="true|false"', () => {
    const items = mountRoom().findAll('[data-testid="member-item"]')
    expect(items.map(item => [item.attributes('data-member-id'), item.attributes('data-active')])).toEqual([
      ['u1', 'true'],
      ['u2', 'false'],
    ])
  })
})
