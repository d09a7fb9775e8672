// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { MemberPresence } from '~/shared/protocol'
import type { TimelineEntry } from '~/utils/timeline'
import { useTestLocale } from '../support/i18n'
import { mountRoomView } from '../support/room-page'
import type { RoomPageValues } from '../support/room-page'

const ada: MemberPresence = { id: 'u1', name: 'Ada', active: true }
const bob: MemberPresence = { id: 'u2', name: 'Bob', active: true }

function mountRoom(values: Partial<RoomPageValues> = {}) {
  return mountRoomView({
    roomId: 'lobby', status: 'connected', attempt: 0, maxRetries: 10, online: 2, members: 2,
    users: [ada, bob], selfId: 'u1', timeline: [], notify: 'off', ...values,
  })
}

const joined: TimelineEntry = { kind: 'system', key: 's1', text: { key: 'system.joined', params: { name: 'Bob' } }, at: Date.now() }

describe('the room in Chinese', () => {
  it('says its own lines in Chinese: the empty room, who joined, who is typing, the bell, the day', () => {
    useTestLocale('zh-CN')
    const empty = mountRoom({ typing: ['u2'] })
    expect(empty.get('[data-testid="message-list"]').text()).toContain('还没有消息。打个招呼吧！')
    expect(empty.get('[data-testid="typing-indicator"]').text()).toBe('Bob 正在输入…')
    expect(empty.get('[data-testid="notify-toggle"]').attributes('aria-label')).toBe('此标签页隐藏时，新消息通知我')

    const room = mountRoom({ timeline: [joined] })
    expect(room.get('[data-testid="system-item"]').text()).toContain('Bob 加入了')
    expect(room.get('[data-testid="day-separator"]').text()).toBe('今天')
    expect(room.get('[data-testid="system-item"] time').text()).toMatch(/^\d{2}:\d{2}$/)
  })

  it('the same timeline redraws in the other language when it is switched', async () => {
    const room = mountRoom({ timeline: [joined] })
    expect(room.get('[data-testid="system-item"]').text()).toContain('Bob joined')
    useTestLocale('zh-CN')
    await room.vm.$nextTick()
    expect(room.get('[data-testid="system-item"]').text()).toContain('Bob 加入了')
  })
})

describe('what a screen reader is told', () => {
  it('one polite region for the room; the message list itself is no live region, so history and redraws are not read out', () => {
    const room = mountRoom({ announcements: [{ id: 1, text: 'Bob: hello' }] })
    const region = room.get('[data-testid="room-announcer"]')
    expect(region.attributes('aria-live')).toBe('polite')
    expect(region.text()).toBe('Bob: hello')
    const list = room.get('[data-testid="message-list"]')
    expect(list.attributes('aria-live')).toBeUndefined()
    expect(list.attributes('role')).toBeUndefined()
    expect(room.get('[data-testid="typing-indicator"]').attributes('aria-live')).toBeUndefined()
  })

  it('the conversation is a main landmark with a heading', () => {
    const room = mountRoom()
    const main = room.get('main')
    expect(main.find('h2').text()).toBe('Messages')
    expect(main.attributes('aria-labelledby')).toBe(main.find('h2').attributes('id'))
  })
})
