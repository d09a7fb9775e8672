// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomComposer from '~/components/room/RoomComposer.vue'
import RoomMessageList from '~/components/room/RoomMessageList.vue'
import RoomTypingLine from '~/components/room/RoomTypingLine.vue'
import type { ChatMessage } from '~/shared/protocol'
import type { TimelineEntry } from '~/utils/timeline'

const MINUTE = 60_000
const today = new Date()
today.setHours(12, 0, 0, 0)
const noon = today.getTime()

function chat(seq: number, from: string, at: number, extra: Partial<ChatMessage> = {}): TimelineEntry {
  const message: ChatMessage = { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: from, name: from }, text: `#${seq}`, at, ...extra }
  return { kind: 'chat', key: message.id, message, mine: from === 'me' }
}

function headers(wrapper: ReturnType<typeof mount>) {
  return wrapper.findAll('[data-testid="message-item"]').map(item => item.find('.message-item__sender').exists())
}

function setGeometry(element: HTMLElement, scrollHeight: number, clientHeight: number) {
  Object.defineProperty(element, 'scrollHeight', { configurable: true, value: scrollHeight })
  Object.defineProperty(element, 'clientHeight', { configurable: true, value: clientHeight })
}

describe('the conversation on screen', () => {
  it('one sender\'s messages within 5 minutes share one header; another sender or a longer pause starts a new one', () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [
      chat(1, 'ann', noon),
      chat(2, 'ann', noon + 4 * MINUTE),
      chat(3, 'ann', noon + 9 * MINUTE + 1),
      chat(4, 'ben', noon + 10 * MINUTE),
      chat(5, 'ann', noon + 10 * MINUTE),
    ] } })
    expect(headers(wrapper)).toEqual([true, false, true, true, true])
    // A follow-up still names its sender for a screen reader.
    expect(wrapper.findAll('[data-testid="message-item"]')[1]!.get('.visually-hidden').text()).toBe('ann:')
    // The full date is there on hover of every message, header or not.
    expect(wrapper.findAll('[data-testid="message-item"]')[1]!.attributes('title')).toMatch(/\d{4}/)
  })

  it('puts a day separator where the day changes: the date, then Yesterday, then Today', () => {
    const day = 24 * 60 * MINUTE
    const wrapper = mount(RoomMessageList, { props: { timeline: [
      chat(1, 'ann', noon - 3 * day),
      chat(2, 'ann', noon - day),
      chat(3, 'ann', noon - day + MINUTE),
      chat(4, 'ann', noon),
    ] } })
    const separators = wrapper.findAll('[data-testid="day-separator"]').map(s => s.text())
    expect(separators).toHaveLength(3)
    expect(separators.slice(1)).toEqual(['Yesterday', 'Today'])
    // A new day opens a new group even for the same sender.
    expect(headers(wrapper)).toEqual([true, true, false, true])
  })

  it('a reader scrolled up gets a "new messages" pill that counts others\' messages and jumps to the bottom', async () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(1, 'ann', noon)] } })
    const list = wrapper.get('[data-testid="message-list"]').element as HTMLElement
    setGeometry(list, 1000, 400)
    list.scrollTop = 100
    await wrapper.setProps({ timeline: [chat(1, 'ann', noon), chat(2, 'ann', noon), chat(3, 'ben', noon)] })
    await flushPromises()
    expect(wrapper.get('[data-testid="new-messages"]').text()).toContain('2 new messages')
    await wrapper.get('[data-testid="new-messages"]').trigger('click')
    expect(list.scrollTop).toBe(1000)
    expect(wrapper.find('[data-testid="new-messages"]').exists()).toBe(false)
  })

  it('asks for older messages at the top, shows load-older while there are any, and keeps the reading position', async () => {
    const wrapper = mount(RoomMessageList, { props: { timeline: [chat(51, 'ann', noon)], hasOlder: true } })
    const list = wrapper.get('[data-testid="message-list"]').element as HTMLElement
    setGeometry(list, 1000, 400)
    list.scrollTop = 0
    await wrapper.get('[data-testid="message-list"]').trigger('scroll')
    expect(wrapper.emitted('loadOlder')).toHaveLength(1)
    await wrapper.setProps({ loadingOlder: true })
    expect(wrapper.get('[data-testid="load-older"]').text()).toContain('Loading')
    list.scrollTop = 10
    await wrapper.setProps({ timeline: [chat(50, 'ben', noon), chat(51, 'ann', noon)], loadingOlder: false, hasOlder: false })
    setGeometry(list, 1600, 400)
    await wrapper.vm.$nextTick()
    expect(list.scrollTop).toBe(610)
    expect(wrapper.find('[data-testid="load-older"]').exists()).toBe(false)
  })

  it('draws only the newest 100 of a long timeline; the top draws more before asking the server, the bottom lets them go', async () => {
    const timeline = Array.from({ length: 250 }, (_, i) => chat(i + 1, i % 2 ? 'ann' : 'ben', noon))
    const wrapper = mount(RoomMessageList, { props: { timeline, hasOlder: true } })
    const list = wrapper.get('[data-testid="message-list"]')
    const element = list.element as HTMLElement
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(100)
    expect(wrapper.find('[data-testid="message-item"]').text()).toContain('#151')
    setGeometry(element, 5000, 400)
    element.scrollTop = 0
    await list.trigger('scroll')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(200)
    expect(wrapper.emitted('loadOlder')).toBeUndefined()
    element.scrollTop = 0
    await list.trigger('scroll')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(250)
    element.scrollTop = 0
    await list.trigger('scroll')
    expect(wrapper.emitted('loadOlder')).toHaveLength(1)
    element.scrollTop = 4600
    await list.trigger('scroll')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(100)
  })

  it('marks edited and deleted messages and a mention of the reader, and offers edit and delete only on own messages', () => {
    const wrapper = mount(RoomMessageList, { props: { selfId: 'me', selfName: 'Ada', timeline: [
      chat(1, 'ann', noon, { editedAt: noon + 1, text: 'fixed' }),
      chat(2, 'ann', noon, { deleted: true, text: '' }),
      chat(3, 'ann', noon, { text: 'hey @ada' }),
      chat(4, 'me', noon, { text: 'mine', reactions: { '👍': ['me', 'ann'] } }),
    ] } })
    const items = wrapper.findAll('[data-testid="message-item"]')
    expect(items[0]!.find('[data-testid="edited-mark"]').exists()).toBe(true)
    expect(items[1]!.find('[data-testid="message-deleted"]').exists()).toBe(true)
    expect(items[1]!.find('[data-testid="message-actions"]').exists()).toBe(false)
    expect(items[2]!.attributes('data-mentioned')).toBe('true')
    expect(items[0]!.find('[data-testid="action-edit"]').exists()).toBe(false)
    expect(items[3]!.find('[data-testid="action-edit"]').exists()).toBe(true)
    expect(items[3]!.findAll('[data-testid="quick-react"]')).toHaveLength(6)
    const reaction = items[3]!.get('[data-testid="reaction"]')
    expect(reaction.text()).toBe('👍 2')
    expect(reaction.attributes('aria-pressed')).toBe('true')
  })

  it('says who is typing by name, one line high whoever types', () => {
    const users = [{ id: 'a', name: 'ann', active: true }, { id: 'b', name: 'ben', active: true }]
    expect(mount(RoomTypingLine, { props: { ids: [], users } }).text()).toBe('')
    expect(mount(RoomTypingLine, { props: { ids: ['a', 'b'], users } }).text()).toBe('ann and ben are typing…')
  })

  it('completes @ from the member list with Tab, and reports typing and its end', async () => {
    const wrapper = mount(RoomComposer, { props: { memberNames: ['Bob', 'Bea', 'Cy'] } })
    const input = wrapper.get('[data-testid="message-input"]')
    const box = input.element as HTMLTextAreaElement
    await input.setValue('hi @B')
    box.setSelectionRange(5, 5)
    await input.trigger('input')
    expect(wrapper.get('[data-testid="mention-suggestions"]').text()).toContain('@Bea')
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'Tab' })
    expect(box.value).toBe('hi @Bea ')
    expect(wrapper.emitted('typing')?.at(-1)).toEqual([true])
    await input.setValue('')
    expect(wrapper.emitted('typing')?.at(-1)).toEqual([false])
  })
})
