// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '~/shared/protocol'
import { mountRoomView } from '~/tests/support/room-page'
import type { TimelineEntry } from '~/utils/timeline'

function message(seq: number, text: string): ChatMessage {
  return { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'bob', name: 'Bob' }, text, at: Date.UTC(2026, 0, 1) + seq * 1000 }
}

const live: TimelineEntry[] = [{ kind: 'chat', key: 'm400', mine: false, message: message(400, 'the newest') }]
const users = [{ id: 'ada', name: 'Ada', active: true }]

function roomWithSearch() {
  const wrapper = mountRoomView({ roomId: 'r', status: 'connected', attempt: 0, maxRetries: 5, online: 1, members: 2, users, selfId: 'ada', selfName: 'Ada', timeline: live }, { attachTo: document.body })
  return { wrapper, finder: wrapper.page.finder }
}

describe('RoomSearch', () => {
  it('the header\'s button opens a field; a search lists the matches with the words marked', async () => {
    const { wrapper, finder } = roomWithSearch()
    expect(wrapper.find('[data-testid="room-search-input"]').exists()).toBe(false)
    await wrapper.get('[data-testid="room-search-button"]').trigger('click')
    const input = wrapper.get<HTMLInputElement>('[data-testid="room-search-input"]')
    expect(document.activeElement).toBe(input.element)
    await input.setValue('  Budget ')
    await wrapper.get('form[class="room-search__form"]').trigger('submit')
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('Searching…')

    finder.takeResults({ type: 'searchResults', roomId: 'r', q: 'Budget', hasMore: true, results: [message(100, 'the budget for 2027, and the BUDGET after'), message(9, 'budget')] })
    await flushPromises()
    const results = wrapper.findAll('[data-testid="search-result"]')
    expect(results.map(result => result.attributes('data-seq'))).toEqual(['100', '9'])
    expect(results[0]!.findAll('mark').map(mark => mark.text())).toEqual(['budget', 'BUDGET'])
    expect(results[0]!.text()).toContain('Bob')
    expect(wrapper.get('[data-testid="search-status"]').text()).toBe('2 messages found')
    expect(wrapper.find('[data-testid="search-more"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('an answer to an older query is dropped', async () => {
    const { wrapper, finder } = roomWithSearch()
    finder.search('first')
    finder.search('second')
    finder.takeResults({ type: 'searchResults', roomId: 'r', q: 'first', hasMore: false, results: [message(1, 'first')] })
    expect(finder.results.value).toEqual([])
    expect(finder.searching.value).toBe(true)
    wrapper.unmount()
  })

  it('choosing a result shows the page around it in place of the live list, the message highlighted, until Back', async () => {
    const { wrapper, finder } = roomWithSearch()
    await wrapper.get('[data-testid="room-search-button"]').trigger('click')
    finder.search('budget')
    finder.takeResults({ type: 'searchResults', roomId: 'r', q: 'budget', hasMore: false, results: [message(100, 'the budget')] })
    await flushPromises()
    await wrapper.get('[data-testid="search-result"]').trigger('click')
    expect(finder.context.value).toEqual({ around: 100, entries: [], loading: true })
    expect(wrapper.find('[data-testid="room-search-input"]').exists()).toBe(false)

    const page = [message(99, 'before it'), message(100, 'the budget'), message(101, 'after it')]
    expect(finder.takeContext({ type: 'history', roomId: 'r', messages: page, hasMore: true, around: 100, hasNewer: true })).toBe(true)
    await flushPromises()
    const items = wrapper.findAll('[data-testid="message-item"]')
    expect(items.map(item => item.attributes('data-message-id'))).toEqual(['m99', 'm100', 'm101'])
    expect(items.map(item => item.attributes('data-highlighted'))).toEqual([undefined, 'true', undefined])
    expect(wrapper.get('[data-testid="message-context"]').text()).toContain('An earlier message')

    // An edit that reaches the room reaches the page shown too.
    finder.applyChange({ type: 'edited', roomId: 'r', id: 'm101', text: 'after it, edited', editedAt: 1 })
    await flushPromises()
    expect(wrapper.findAll('[data-testid="message-text"]').at(-1)!.text()).toContain('after it, edited')

    await wrapper.get('[data-testid="context-back"]').trigger('click')
    expect(wrapper.findAll('[data-testid="message-item"]').map(item => item.attributes('data-message-id'))).toEqual(['m400'])
    wrapper.unmount()
  })

  it('a plain history page (scrolling up) is not taken as the context', () => {
    const { wrapper, finder } = roomWithSearch()
    expect(finder.takeContext({ type: 'history', roomId: 'r', messages: [message(1, 'x')], hasMore: false })).toBe(false)
    wrapper.unmount()
  })
})
