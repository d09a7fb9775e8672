// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '~/shared/protocol'
import { mountRoomView } from '~/tests/support/room-page'
import type { TimelineEntry } from '~/utils/timeline'

const AT = Date.UTC(2026, 0, 1)
function message(seq: number, text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'bob', name: 'Bob' }, text, at: AT + seq * 1000, ...extra }
}

const root = message(5, 'where shall we eat?', { thread: { replyCount: 3, lastReplyAt: AT + 9000 } })
const replies = [message(7, 'the noodle place', { threadId: 'm5' }), message(8, 'or tacos', { threadId: 'm5' }), message(9, 'noodles it is', { threadId: 'm5', from: { id: 'ada', name: 'Ada' } })]
const timeline: TimelineEntry[] = [
  { kind: 'chat', key: 'm5', mine: false, message: root },
  { kind: 'chat', key: 'm6', mine: false, message: message(6, 'unrelated') },
]
const users = [{ id: 'ada', name: 'Ada', active: true }, { id: 'bob', name: 'Bob', active: true }]

function room() {
  return mountRoomView({ roomId: 'r', status: 'connected', attempt: 0, maxRetries: 5, online: 2, members: 2, users, selfId: 'ada', selfName: 'Ada', timeline }, { attachTo: document.body })
}

const page = (frame: { messages: ChatMessage[], hasMore: boolean }) => ({ type: 'history' as const, roomId: 'r', threadId: 'm5', ...frame })

describe('the thread panel', () => {
  it('the summary opens the thread: its root on top, its replies asked for and listed apart from the main timeline', async () => {
    const wrapper = room()
    expect(wrapper.find('[data-testid="thread-panel"]').exists()).toBe(false)
    const summary = wrapper.get<HTMLButtonElement>('[data-testid="thread-summary"]')
    expect(summary.text()).toContain('3 replies')
    summary.element.focus()
    await summary.trigger('click')
    expect(wrapper.page.sent).toHaveBeenLastCalledWith({ type: 'history', threadId: 'm5', before: Number.MAX_SAFE_INTEGER, limit: 50 })

    const panel = wrapper.get('[data-testid="thread-panel"]')
    expect(panel.attributes('role')).toBe('region')
    expect(document.getElementById(panel.attributes('aria-labelledby')!)?.textContent?.trim()).toBe('Thread')
    expect(panel.get('[data-testid="thread-root"]').text()).toContain('where shall we eat?')
    expect(panel.get('[data-testid="thread-loading"]').text()).toBe('Loading the replies…')
    // The composer takes the keyboard, named for the thread.
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Reply in this thread')

    wrapper.page.thread.takePage(page({ messages: replies, hasMore: false }))
    await flushPromises()
    const listed = panel.get('[data-testid="thread-replies"]')
    expect(listed.attributes('aria-label')).toBe('Replies in this thread')
    expect(listed.findAll('[data-testid="message-text"]').map(text => text.text())).toEqual(['the noodle place', 'or tacos', 'noodles it is'])
    expect(wrapper.get('[data-testid="message-list"]').text()).not.toContain('noodle')
    // One level deep: neither a reply nor the root in the panel starts a thread.
    expect(panel.find('[data-testid="thread-open"]').exists()).toBe(false)
    expect(panel.find('[data-testid="thread-summary"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('a reply goes through the room\'s send with the thread\'s id; a live reply joins the list, one of another thread does not', async () => {
    const wrapper = room()
    await wrapper.get('[data-testid="thread-open"]').trigger('click')
    wrapper.page.thread.takePage(page({ messages: replies.slice(0, 1), hasMore: false }))
    await flushPromises()
    const panel = wrapper.get('[data-testid="thread-panel"]')
    await panel.get('textarea').setValue('see you at 7')
    await panel.get('form.composer').trigger('submit')
    await flushPromises()
    expect(wrapper.page.send).toHaveBeenLastCalledWith('see you at 7', undefined, undefined, 'm5')
    expect(wrapper.page.send).toHaveBeenCalledTimes(1)

    wrapper.page.thread.takeReply(replies[1]!)
    wrapper.page.thread.takeReply(message(20, 'elsewhere', { threadId: 'm6' }))
    await flushPromises()
    expect(panel.findAll('[data-testid="message-text"]').map(text => text.text())).toEqual(['where shall we eat?', 'the noodle place', 'or tacos'])
    wrapper.unmount()
  })

  it('older replies are asked for page by page, before the oldest shown', async () => {
    const wrapper = room()
    await wrapper.get('[data-testid="thread-summary"]').trigger('click')
    wrapper.page.thread.takePage(page({ messages: replies.slice(1), hasMore: true }))
    await flushPromises()
    await wrapper.get('[data-testid="thread-panel"] [data-testid="load-older"]').trigger('click')
    expect(wrapper.page.sent).toHaveBeenLastCalledWith({ type: 'history', threadId: 'm5', before: 8, limit: 50 })
    wrapper.page.thread.takePage(page({ messages: replies.slice(0, 1), hasMore: false }))
    await flushPromises()
    expect(wrapper.get('[data-testid="thread-replies"]').findAll('[data-testid="message-text"]')).toHaveLength(3)
    expect(wrapper.find('[data-testid="thread-panel"] [data-testid="load-older"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('Escape closes it and gives the keyboard back to what opened it; Close does the same', async () => {
    const wrapper = room()
    const summary = wrapper.get<HTMLButtonElement>('[data-testid="thread-summary"]')
    summary.element.focus()
    await summary.trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="thread-panel"] textarea').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(wrapper.find('[data-testid="thread-panel"]').exists()).toBe(false)
    expect(document.activeElement).toBe(summary.element)

    summary.element.focus()
    await summary.trigger('click')
    await wrapper.get('[data-testid="thread-close"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="thread-panel"]').exists()).toBe(false)
    expect(document.activeElement).toBe(summary.element)
    wrapper.unmount()
  })

  it('a search result that is a thread reply opens its thread, paged back to it, and marks it', async () => {
    const wrapper = room()
    const { finder } = wrapper.page
    await wrapper.get('[data-testid="room-search-button"]').trigger('click')
    finder.search('tacos')
    finder.takeResults({ type: 'searchResults', roomId: 'r', q: 'tacos', hasMore: false, results: [replies[1]!] })
    await flushPromises()
    await wrapper.get('[data-testid="search-result"]').trigger('click')
    expect(wrapper.page.sent).toHaveBeenLastCalledWith({ type: 'history', threadId: 'm5', before: Number.MAX_SAFE_INTEGER, limit: 50 })
    expect(finder.context.value).toBeUndefined()
    // The newest page does not reach it: the next one is asked for at once.
    wrapper.page.thread.takePage(page({ messages: [replies[2]!], hasMore: true }))
    expect(wrapper.page.sent).toHaveBeenLastCalledWith({ type: 'history', threadId: 'm5', before: 9, limit: 50 })
    wrapper.page.thread.takePage(page({ messages: replies.slice(0, 2), hasMore: false }))
    await flushPromises()
    expect(wrapper.get('[data-testid="thread-panel"] [data-highlighted="true"]').text()).toContain('or tacos')
    wrapper.unmount()
  })

  it('a deleted root stays a tombstone that still opens its thread', async () => {
    const tombstone = { ...root, text: '', deleted: true as const }
    const wrapper = mountRoomView({ roomId: 'r', status: 'connected', attempt: 0, maxRetries: 5, online: 2, members: 2, users, selfId: 'ada', timeline: [{ kind: 'chat', key: 'm5', mine: false, message: tombstone }] }, { attachTo: document.body })
    const item = wrapper.get('[data-testid="message-item"]')
    expect(item.get('[data-testid="message-deleted"]').text()).toBe('This message was deleted')
    await item.get('[data-testid="thread-summary"]').trigger('click')
    expect(wrapper.get('[data-testid="thread-panel"] [data-testid="thread-root"]').text()).toContain('This message was deleted')
    wrapper.unmount()
  })
})
