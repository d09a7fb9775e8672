// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { mountRoomView } from '~/tests/support/room-page'
import type { RoomPageValues } from '~/tests/support/room-page'
import type { TimelineEntry } from '~/utils/timeline'

const users = [{ id: 'ada', name: 'Ada', active: true }, { id: 'bob', name: 'Bob', active: true }]
const timeline: TimelineEntry[] = [{ kind: 'chat', key: 'm5', mine: false, message: { type: 'chat', seq: 5, id: 'm5', roomId: 'r', from: { id: 'bob', name: 'Bob' }, text: 'the plan', at: 1 } }]
const pin = { id: 'm5', seq: 5, from: { id: 'bob', name: 'Bob' }, excerpt: 'the plan', at: 1 }

function room(values: Partial<RoomPageValues> = {}) {
  return mountRoomView({ roomId: 'r', status: 'connected', attempt: 0, maxRetries: 5, online: 2, members: 2, users, selfId: 'ada', selfName: 'Ada', timeline, ...values })
}

describe('pins', () => {
  it('no bar without pins; with one, the bar shows who said what, and choosing it asks for the page around it', async () => {
    const wrapper = room()
    expect(wrapper.find('[data-testid="pinned-bar"]').exists()).toBe(false)
    wrapper.page.pins.take({ type: 'pins', roomId: 'r', ids: ['m5'], pinned: [pin] })
    await flushPromises()
    const bar = wrapper.get('[data-testid="pinned-bar"]')
    expect(bar.attributes('aria-label')).toBe('Pinned messages')
    expect(bar.get('[data-testid="pinned-message"]').text()).toBe('Bob: the plan')
    expect(bar.find('[data-testid="unpin"]').exists()).toBe(false)
    await bar.get('[data-testid="pinned-message"]').trigger('click')
    expect(wrapper.page.sent).toHaveBeenLastCalledWith({ type: 'history', around: 5, limit: 50 })
  })

  it('choosing a pinned thread reply opens its thread, asking for the newest replies, instead of the main timeline around it', async () => {
    const wrapper = room()
    wrapper.page.pins.take({ type: 'pins', roomId: 'r', ids: ['m9'], pinned: [{ ...pin, id: 'm9', seq: 9, excerpt: 'in the thread', threadId: 'm5' }] })
    await flushPromises()
    await wrapper.get('[data-testid="pinned-message"]').trigger('click')
    expect(wrapper.page.sent).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'history', threadId: 'm5' }))
    expect(wrapper.page.sent).not.toHaveBeenCalledWith(expect.objectContaining({ around: 9 }))
  })

  it('the owner pins from a message\'s actions and unpins from the bar; a member is offered neither', async () => {
    const member = room({ ownerId: 'bob' })
    expect(member.find('[data-testid="action-pin"]').exists()).toBe(false)

    const owner = room({ ownerId: 'ada' })
    const action = owner.get('[data-testid="action-pin"]')
    expect(action.attributes('aria-pressed')).toBe('false')
    await action.trigger('click')
    expect(owner.page.sent).toHaveBeenLastCalledWith({ type: 'pin', id: 'm5', pinned: true })
    owner.page.pins.take({ type: 'pins', roomId: 'r', ids: ['m5'], pinned: [pin] })
    await flushPromises()
    expect(owner.get('[data-testid="action-pin"]').attributes('aria-pressed')).toBe('true')
    await owner.get('[data-testid="unpin"]').trigger('click')
    expect(owner.page.sent).toHaveBeenLastCalledWith({ type: 'pin', id: 'm5', pinned: false })
  })
})

describe('slow mode line', () => {
  it('the owner has the control; a member sees the setting and the countdown', async () => {
    const owner = room({ ownerId: 'ada' })
    const select = owner.get<HTMLSelectElement>('[data-testid="slow-mode-select"]')
    expect([...select.element.options].map(option => option.text)).toEqual(['Off', '5 s', '10 s', '30 s', '60 s', '300 s'])
    await select.setValue('30')
    expect(owner.page.sent).toHaveBeenLastCalledWith({ type: 'slowMode', seconds: 30 })

    const member = room({ ownerId: 'bob' })
    expect(member.find('[data-testid="slow-mode-line"]').exists()).toBe(false)
    member.page.slowMode.take(30)
    member.page.slowMode.waitFor(12_000)
    await flushPromises()
    expect(member.get('[data-testid="slow-mode-line"]').text()).toContain('Slow mode: one message every 30 s')
    expect(member.get('[data-testid="slow-mode-countdown"]').text()).toBe('Next message in 12 s')
    member.page.slowMode.stop()
  })
})
