// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import RoomBlockedNotice from '~/components/room/RoomBlockedNotice.vue'
import type { ChatMessage, MemberPresence } from '~/shared/protocol'
import type { TimelineEntry } from '~/utils/timeline'
import { useTestLocale } from '../support/i18n'
import { mountRoomView } from '../support/room-page'
import type { RoomPageValues } from '../support/room-page'

const ada: MemberPresence = { id: 'u1', name: 'ada', active: true }
const eve: MemberPresence = { id: 'u2', name: 'eve', active: true }

function entry(message: Partial<ChatMessage> & { id: string }, mine = false): TimelineEntry {
  return { kind: 'chat', key: message.id, mine, message: { type: 'chat', seq: 1, roomId: 'design', from: mine ? ada : eve, text: 'buy pills', at: 0, ...message } }
}

function mountRoom(values: Partial<RoomPageValues> = {}) {
  return mountRoomView({
    roomId: 'design', status: 'connected', attempt: 0, maxRetries: 10, online: 2, members: 2,
    users: [ada, eve], selfId: 'u1', ownerId: 'u1', timeline: [], ...values,
  })
}

const eveItem = (wrapper: ReturnType<typeof mountRoom>) => wrapper.get('[data-member-id="u2"]')

afterEach(() => vi.unstubAllGlobals())

describe('the owner\'s removal dialog', () => {
  it('bans the member only, unless the owner ticks what else to do, each choice saying what it does', async () => {
    const wrapper = mountRoom()
    await eveItem(wrapper).get('[data-testid="kick-button"]').trigger('click')
    const dialog = eveItem(wrapper)
    expect(dialog.text()).toContain('Remove eve? They cannot rejoin from their browser for 10 minutes.')
    expect(dialog.text()).toContain('Also delete their messages from the last 10 minutes, for everyone')
    expect(dialog.text()).toContain('Also block their network for 10 minutes: nobody else on it (an office, a school, a home) can join meanwhile')
    const block = dialog.get<HTMLInputElement>('[data-testid="kick-block-network"]')
    const recent = dialog.get<HTMLInputElement>('[data-testid="kick-delete-recent"]')
    expect([block.element.checked, recent.element.checked]).toEqual([false, false])
    await dialog.get('[data-testid="kick-confirm"]').trigger('click')
    expect(wrapper.page.kick.mock.calls).toEqual([['u2', { blockNetwork: false, deleteRecent: false }]])
    await eveItem(wrapper).get('[data-testid="kick-button"]').trigger('click')
    await eveItem(wrapper).get('[data-testid="kick-block-network"]').setValue(true)
    await eveItem(wrapper).get('[data-testid="kick-delete-recent"]').setValue(true)
    await eveItem(wrapper).get('[data-testid="kick-confirm"]').trigger('click')
    expect(wrapper.page.kick.mock.calls[1]).toEqual(['u2', { blockNetwork: true, deleteRecent: true }])
    // Asked again, the choices start unticked.
    await eveItem(wrapper).get('[data-testid="kick-button"]').trigger('click')
    expect(eveItem(wrapper).get<HTMLInputElement>('[data-testid="kick-block-network"]').element.checked).toBe(false)
  })

  it('in Chinese too', async () => {
    useTestLocale('zh-CN')
    const wrapper = mountRoom()
    await eveItem(wrapper).get('[data-testid="kick-button"]').trigger('click')
    expect(eveItem(wrapper).text()).toContain('同时为所有人删除对方最近 10 分钟内的消息')
    expect(eveItem(wrapper).text()).toContain('同时封锁对方的网络 10 分钟')
  })
})

describe('the owner deletes others\' messages', () => {
  it('offers Delete on another member\'s message to the owner only, and asks first', async () => {
    const confirm = vi.fn(() => true)
    vi.stubGlobal('confirm', confirm)
    const owner = mountRoom({ timeline: [entry({ id: 'm1' })] })
    await owner.get('[data-testid="action-delete"]').trigger('click')
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Delete this message of eve for everyone?'))
    expect(owner.page.remove.mock.calls).toEqual([['m1']])
    const member = mountRoom({ ownerId: 'u2', timeline: [entry({ id: 'm1' })] })
    expect(member.find('[data-testid="action-delete"]').exists()).toBe(false)
    expect(member.find('[data-testid="action-edit"]').exists()).toBe(false)
  })

  it('a tombstone says the owner removed it, in English and Chinese; an author\'s own delete says deleted', () => {
    const timeline = [entry({ id: 'm1', text: '', deleted: true, deletedBy: 'owner' }), entry({ id: 'm2', seq: 2, text: '', deleted: true })]
    const texts = () => mountRoom({ ownerId: 'u2', timeline }).findAll('[data-testid="message-deleted"]').map(node => node.text())
    expect(texts()).toEqual(['This message was removed by the room\'s owner', 'This message was deleted'])
    useTestLocale('zh-CN')
    expect(texts()).toEqual(['此消息已被房主移除', '此消息已被删除'])
  })
})

describe('a join refused by a network block', () => {
  const until = new Date(2026, 10, 27, 14, 5).getTime()

  it('says someone on the network was removed, not the reader, and until when', () => {
    const wrapper = mount(RoomBlockedNotice, { props: { roomId: 'design', networkBlockedUntil: until } })
    const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(until)
    const notice = wrapper.get('[data-testid="network-blocked-notice"]')
    expect(notice.text()).toContain('Someone on your network was removed from this room')
    expect(notice.text()).toContain(`You were not removed: you can join after ${time}.`)
    expect(notice.text()).not.toContain('You were removed')
  })

  it('in Chinese too', () => {
    useTestLocale('zh-CN')
    const wrapper = mount(RoomBlockedNotice, { props: { roomId: 'design', networkBlockedUntil: until } })
    expect(wrapper.text()).toContain('与你处于同一网络的某人已被移出此房间')
    expect(wrapper.text()).toContain(`${new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit' }).format(until)} 之后加入`)
    expect(wrapper.text()).not.toContain('你已被移出此房间')
  })
})
