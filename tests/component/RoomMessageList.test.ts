// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import RoomMessageList from '~/components/room/RoomMessageList.vue'
import type { PendingEntry, TimelineEntry } from '~/utils/timeline'

function chat(seq: number, mine = false): TimelineEntry {
  return {
    kind: 'chat',
    key: `m${seq}`,
    mine,
    message: { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'u', name: 'u' }, text: `#${seq}`, at: 0 },
  }
}

function pending(clientId: string): PendingEntry {
  return { kind: 'pending', key: `own:${clientId}`, clientId, text: `pending ${clientId}`, writtenAt: 0, senderName: 'me' }
}

/** The server's copy of `pending`: same key, now with a seq. */
function acknowledged(entry: PendingEntry, seq: number): TimelineEntry {
  return { ...chat(seq, true), key: entry.key }
}

function deliveryStates(wrapper: ReturnType<typeof mount>) {
  return wrapper.findAll('[data-testid="message-item"]').map((item) => {
    const mark = item.find('[data-testid="message-status"]')
    return mark.exists() ? mark.attributes('data-state') : 'none'
  })
}

// happy-dom does no layout, so the list's geometry is set by hand.
function setGeometry(element: HTMLElement, scrollHeight: number, clientHeight: number) {
  Object.defineProperty(element, 'scrollHeight', { configurable: true, value: scrollHeight })
  Object.defineProperty(element, 'clientHeight', { configurable: true, value: clientHeight })
}

describe('RoomMessageList', () => {
  it('says so when there are no messages yet', () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [] } })
    expect(wrapper.text()).toContain('No messages yet')
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(0)
  })

  it('scrolls to the newest message while the reader is at the bottom', async () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(1)] } })
    const list = wrapper.get('[data-testid="message-list"]').element as HTMLElement
    setGeometry(list, 1000, 400)
    list.scrollTop = 600
    await wrapper.setProps({ timeline: [chat(1), chat(2)] })
    setGeometry(list, 1100, 400)
    await wrapper.vm.$nextTick()
    expect(list.scrollTop).toBe(1100)
  })

  it('leaves a reader who scrolled up in place, unless the new message is their own', async () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(1)] } })
    const list = wrapper.get('[data-testid="message-list"]').element as HTMLElement
    setGeometry(list, 1000, 400)
    list.scrollTop = 100
    await wrapper.setProps({ timeline: [chat(1), chat(2)] })
    await wrapper.vm.$nextTick()
    expect(list.scrollTop).toBe(100)
    await wrapper.setProps({ timeline: [chat(1), chat(2), chat(3, true)] })
    await wrapper.vm.$nextTick()
    expect(list.scrollTop).toBe(1000)
  })

  it('marks an own pending message "sending…", and an acknowledged one and others\' messages not at all', () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(1), chat(2, true), pending('a')] } })
    expect(deliveryStates(wrapper)).toEqual(['none', 'none', 'sending'])
    expect(wrapper.findAll('[data-testid="message-status"]').map(mark => mark.text())).toEqual(['sending…'])
    expect(wrapper.findAll('[data-testid="message-item"]').map(item => item.attributes('data-delivery'))).toEqual([undefined, 'sent', 'sending'])
  })

  it('an acknowledged message keeps its element, so it is not announced twice', async () => {
    const waiting = pending('a')
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(1), waiting] } })
    const element = wrapper.findAll('[data-testid="message-item"]')[1]?.element
    await wrapper.setProps({ timeline: [chat(1), acknowledged(waiting, 2)] })
    const item = wrapper.findAll('[data-testid="message-item"]')[1]
    expect(item?.element).toBe(element)
    expect(item?.attributes('data-delivery')).toBe('sent')
  })
})

describe('RoomMessageList unread line', () => {
  it('draws "New messages" above the first unread message, once, and the message opens its own group', () => {
    const timeline = [chat(1), chat(2), chat(3), chat(4)]
    const wrapper = mount(RoomMessageList, { props: { timeline, firstUnreadSeq: 3 } })
    const dividers = wrapper.findAll('[data-testid="unread-divider"]')
    expect(dividers).toHaveLength(1)
    expect(dividers[0]!.text()).toBe('New messages')
    const after = dividers[0]!.element.nextElementSibling as HTMLElement
    expect(after.dataset.messageId).toBe('m3')
    expect(after.querySelector('.message-item__sender')).not.toBeNull()
  })

  it('no line without an unread seq, or when that message is not loaded', () => {
    expect(mount(RoomMessageList, { props: { timeline: [chat(1), chat(2)] } }).find('[data-testid="unread-divider"]').exists()).toBe(false)
    expect(mount(RoomMessageList, { props: { timeline: [chat(1), chat(2)], firstUnreadSeq: 9 } }).find('[data-testid="unread-divider"]').exists()).toBe(false)
  })

  it('draws far enough back to show a first unread message older than the newest hundred', async () => {
    const timeline = Array.from({ length: 130 }, (_, index) => chat(index + 1))
    const wrapper = mount(RoomMessageList, { props: { timeline, firstUnreadSeq: 20 } })
    await nextTick()
    expect(wrapper.find('[data-testid="unread-divider"]').exists()).toBe(true)
  })
})
