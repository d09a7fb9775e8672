// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { TimelineEntry } from '~/utils/timeline'
import type { ChatMessage, MemberPresence } from '~/shared/protocol'
import { mountRoomView } from '../support/room-page'
import type { RoomPageValues } from '../support/room-page'

const alice: MemberPresence = { id: 'u1', name: 'alice', active: true }
const bob: MemberPresence = { id: 'u2', name: 'bob', active: false }
const carol: MemberPresence = { id: 'u3', name: 'carol', active: true }

function chat(seq: number, from: MemberPresence, text: string, mine: boolean): TimelineEntry {
  const message: ChatMessage = {
    type: 'chat', seq, id: `m${seq}`, roomId: 'lobby', from: { id: from.id, name: from.name }, text,
    at: new Date(2025, 0, 1, 9, 5 + seq).getTime(),
  }
  return { kind: 'chat', key: message.id, message, mine }
}

function mountRoom(values: Partial<RoomPageValues> = {}) {
  return mountRoomView({
    roomId: 'lobby', status: 'connected', attempt: 0, maxRetries: 10, online: 2, members: 3,
    users: [alice, bob, carol], selfId: 'u1', timeline: [], ...values,
  })
}

describe('RoomView', () => {
  it('shows the online count and the member count', () => {
    const wrapper = mountRoom()
    expect(wrapper.get('[data-testid="online-count"]').text()).toBe('2 online')
    expect(wrapper.get('[data-testid="member-count"]').text()).toBe('3 members')
  })

  it('lists one member item per user, marks active and idle, and marks you', () => {
    const wrapper = mountRoom()
    const items = wrapper.findAll('[data-testid="member-item"]')
    expect(items).toHaveLength(3)
    const byName = (name: string) => items.find(item => item.text().includes(name))!
    expect(byName('alice').text()).toContain('(you)')
    expect(byName('alice').text()).toContain('active')
    expect(byName('bob').text()).toContain('idle')
    expect(byName('bob').text()).not.toContain('(you)')
  })

  it('distinguishes your own messages and shows sender and the time as the locale writes it', () => {
    const wrapper = mountRoom({ timeline: [chat(1, alice, 'hi bob', true), chat(2, bob, 'hi alice', false)] })
    const [mine, theirs] = wrapper.findAll('[data-testid="message-item"]')
    expect(mine.classes()).toContain('message-item--mine')
    expect(theirs.classes()).not.toContain('message-item--mine')
    expect(theirs.text()).toContain('bob')
    expect(theirs.text()).toContain('9:07 AM')
    expect(theirs.text()).toContain('hi alice')
  })

  it('renders message text as literal text, never as HTML', () => {
    const wrapper = mountRoom({ timeline: [chat(1, bob, '<b>bold</b><img src=x onerror=alert(1)>', false)] })
    const item = wrapper.get('[data-testid="message-item"]')
    expect(item.find('b').exists()).toBe(false)
    expect(item.find('img').exists()).toBe(false)
    expect(item.text()).toContain('<b>bold</b>')
  })

  it('shows join and leave as system lines, not as messages', () => {
    const timeline: TimelineEntry[] = [
      { kind: 'system', key: 's1', text: { key: 'system.joined', params: { name: 'bob' } }, at: Date.now() },
      chat(1, bob, 'hello', false),
      { kind: 'system', key: 's2', text: { key: 'system.left', params: { name: 'bob' } }, at: Date.now() },
    ]
    const wrapper = mountRoom({ timeline })
    expect(wrapper.findAll('[data-testid="system-item"]').map(item => item.text()))
      .toEqual([expect.stringContaining('bob joined'), expect.stringContaining('bob left')])
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(1)
  })

  it('emits send from the composer and leave from the header', async () => {
    const wrapper = mountRoom()
    const input = wrapper.get('[data-testid="message-input"]')
    await input.setValue('hello room')
    await input.trigger('keydown', { key: 'Enter' })
    await wrapper.get('[data-testid="leave-button"]').trigger('click')
    expect(wrapper.page.send.mock.calls).toEqual([['hello room']])
    expect(wrapper.page.leave).toHaveBeenCalledTimes(1)
  })

  it('still sends while reconnecting: the outbox keeps the message until the link is back', async () => {
    const wrapper = mountRoom({ status: 'reconnecting', attempt: 3 })
    const input = wrapper.get('[data-testid="message-input"]')
    await input.setValue('queued')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.page.send.mock.calls).toEqual([['queued']])
    expect(wrapper.get('[data-testid="connection-status"]').text()).toContain('attempt 3 of 10')
  })

  it('offers Reconnect once retries are exhausted and emits reconnect', async () => {
    const wrapper = mountRoom({ status: 'disconnected', attempt: 10 })
    await wrapper.get('[data-testid="reconnect-button"]').trigger('click')
    expect(wrapper.page.reconnect).toHaveBeenCalledTimes(1)
  })
})
