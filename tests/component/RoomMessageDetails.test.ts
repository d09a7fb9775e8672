// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomMessageList from '~/components/room/RoomMessageList.vue'
import type { ChatMessage } from '~/shared/protocol'
import type { TimelineEntry } from '~/utils/timeline'
import { useTestLocale } from '../support/i18n'

const evening = new Date(2026, 10, 27, 21, 45).getTime()

function chat(seq: number, text: string, extra: Partial<ChatMessage> = {}): TimelineEntry {
  const message: ChatMessage = { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'b', name: 'Bob' }, text, at: evening, ...extra }
  return { kind: 'chat', key: message.id, mine: false, message }
}

const reply = (excerpt: string) => chat(2, 'answer', { from: { id: 'a', name: 'Ada' }, replyTo: { id: 'm1', from: { id: 'b', name: 'Bob' }, excerpt } })

describe('message times follow the language at once', () => {
  it('a message\'s time and its full date switch to Chinese without a reload', async () => {
    const list = mount(RoomMessageList, { props: { timeline: [chat(1, 'hello')] } })
    const item = () => list.get('[data-testid="message-item"]')
    expect(item().get('time').text()).toBe('9:45 PM')
    expect(item().attributes('title')).toContain('November 27, 2026')
    useTestLocale('zh-CN')
    await list.vm.$nextTick()
    expect(item().get('time').text()).toBe('21:45')
    expect(item().attributes('title')).toContain('2026年11月27日')
  })
})

describe('right-to-left text', () => {
  it('message text, sender and reply quote take their direction from their own text', () => {
    const list = mount(RoomMessageList, { props: { timeline: [chat(1, 'مرحبا بالعالم'), reply('שלום')] } })
    const [first, second] = list.findAll('[data-testid="message-item"]')
    expect(first!.get('[data-testid="message-text"]').attributes('dir')).toBe('auto')
    expect(first!.get('.message-item__sender').attributes('dir')).toBe('auto')
    expect(second!.get('[data-testid="reply-quote"]').attributes('dir')).toBe('auto')
  })

  it('a link is isolated left to right, so an override before it cannot turn it around', () => {
    const list = mount(RoomMessageList, { props: { timeline: [chat(1, '\u202Esee https://bank.example/ now')] } })
    expect(list.get('[data-testid="message-link"]').attributes('dir')).toBe('ltr')
  })
})

describe('reply quotes follow the message they quote', () => {
  it('show the edited text once the quoted message is edited', async () => {
    const list = mount(RoomMessageList, { props: { timeline: [chat(1, 'meet at 5'), reply('meet at 5')] } })
    expect(list.get('[data-testid="reply-quote"]').text()).toContain('meet at 5')
    await list.setProps({ timeline: [chat(1, 'meet at 6', { editedAt: evening + 1 }), reply('meet at 5')] })
    const quote = list.get('[data-testid="reply-quote"]')
    expect(quote.text()).toContain('meet at 6')
    expect(quote.text()).not.toContain('meet at 5')
  })

  it('say the quoted message was deleted, and no longer show its text', async () => {
    const list = mount(RoomMessageList, { props: { timeline: [chat(1, 'my secret'), reply('my secret')] } })
    await list.setProps({ timeline: [chat(1, '', { deleted: true }), reply('my secret')] })
    const quote = list.get('[data-testid="reply-quote"]')
    expect(quote.text()).not.toContain('my secret')
    expect(quote.text()).toContain('This message was deleted')
    expect(quote.attributes('data-deleted')).toBe('true')
  })

  it('say the quoted message was deleted when the server says so, though it is not loaded here', () => {
    const gone = chat(2, 'answer', { from: { id: 'a', name: 'Ada' }, replyTo: { id: 'm1', from: { id: 'b', name: 'Bob' }, excerpt: '', deleted: true } })
    const list = mount(RoomMessageList, { props: { timeline: [gone] } })
    const quote = list.get('[data-testid="reply-quote"]')
    expect(quote.text()).toContain('This message was deleted')
    expect(quote.attributes('data-deleted')).toBe('true')
  })

  it('keep the server\'s excerpt when the quoted message is not loaded', () => {
    const list = mount(RoomMessageList, { props: { timeline: [reply('an older line')] } })
    expect(list.get('[data-testid="reply-quote"]').text()).toContain('an older line')
  })
})
