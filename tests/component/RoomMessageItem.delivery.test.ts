// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomMessageItem from '~/components/room/RoomMessageItem.vue'
import { useTestLocale } from '~/tests/support/i18n'
import type { ShownMessage } from '~/utils/shown-message'

const own = { sender: 'Ada', text: 'the notes are up', at: 0, id: 'm1' }

function mountOwn(message: Partial<ShownMessage>, delivery: 'sending' | 'sent' | 'refused') {
  return mount(RoomMessageItem, { props: { message: { ...own, ...message }, mine: true, selfId: 'ada', delivery } })
}

describe('RoomMessageItem delivery state', () => {
  it('a sent own message carries no "sent" line: it looks like any message', () => {
    const wrapper = mountOwn({}, 'sent')
    expect(wrapper.find('[data-testid="message-status"]').exists()).toBe(false)
    expect(wrapper.text()).not.toMatch(/sent/i)
    expect(wrapper.get('[data-testid="message-item"]').attributes('data-delivery')).toBe('sent')
  })

  it('an own message still in the outbox says it is sending', () => {
    const wrapper = mountOwn({ id: undefined }, 'sending')
    const status = wrapper.get('[data-testid="message-status"]')
    expect(status.text()).toBe('sending…')
    expect(status.attributes('data-state')).toBe('sending')
  })

  it('a deleted own message shows no delivery state', () => {
    const wrapper = mountOwn({ text: '', deleted: true }, 'sent')
    expect(wrapper.get('[data-testid="message-deleted"]').text()).toBe('This message was deleted')
    expect(wrapper.find('[data-testid="message-status"]').exists()).toBe(false)
    expect(wrapper.text()).not.toMatch(/sent|sending/i)
  })

  it('a refused own message still says so, with a way to let it go', () => {
    const wrapper = mountOwn({ id: undefined }, 'refused')
    expect(wrapper.get('[data-testid="message-status"]').text()).toBe('Not sent: the server refused it')
    expect(wrapper.find('[data-testid="message-discard"]').exists()).toBe(true)
  })

  it('says sending in Chinese in the Chinese interface', () => {
    useTestLocale('zh-CN')
    const wrapper = mountOwn({ id: undefined }, 'sending')
    expect(wrapper.get('[data-testid="message-status"]').text()).toBe('发送中…')
  })
})
