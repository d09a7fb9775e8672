// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomBlockedNotice from '~/components/room/RoomBlockedNotice.vue'
import type { MemberPresence } from '~/shared/protocol'
import { useTestLocale } from '../support/i18n'
import { mountRoomView } from '../support/room-page'
import type { RoomPageValues } from '../support/room-page'

const alice: MemberPresence = { id: 'u1', name: 'alice', active: true }
const bob: MemberPresence = { id: 'u2', name: 'bob', active: true }

function mountRoom(values: Partial<RoomPageValues> = {}, attached = false) {
  return mountRoomView({
    roomId: 'design', status: 'connected', attempt: 0, maxRetries: 10, online: 2, members: 2,
    users: [alice, bob], selfId: 'u1', timeline: [], ...values,
  }, attached ? { attachTo: document.body } : {})
}

const item = (wrapper: ReturnType<typeof mountRoom>, id: string) => wrapper.get(`[data-member-id="${id}"]`)

describe('the room title', () => {
  it('shows the title with the id beside it; the owner renames it', async () => {
    const wrapper = mountRoom({ title: 'Design crit', ownerId: 'u1' })
    expect(wrapper.get('[data-testid="room-title"]').text()).toBe('Design crit')
    expect(wrapper.get('[data-testid="room-label"]').text()).toBe('Room design')
    await wrapper.get('[data-testid="rename-button"]').trigger('click')
    await wrapper.get('[data-testid="title-input"]').setValue('  Design review ')
    await wrapper.get('[data-testid="title-save"]').trigger('submit')
    expect(wrapper.page.rename.mock.calls).toEqual([['Design review']])
  })

  it('only the owner can rename', () => {
    const wrapper = mountRoom({ title: 'Design crit', ownerId: 'u2' })
    expect(wrapper.find('[data-testid="rename-button"]').exists()).toBe(false)
    expect(item(wrapper, 'u2').get('[data-testid="owner-mark"]').text()).toBe('owner')
  })
})

describe('members: message privately, remove', () => {
  it('offers "Message privately" on the other members only, and says whom', async () => {
    const wrapper = mountRoom({ ownerId: 'u2' })
    expect(item(wrapper, 'u1').find('[data-testid="dm-button"]').exists()).toBe(false)
    const dm = item(wrapper, 'u2').get('[data-testid="dm-button"]')
    expect(dm.text()).toBe('Message privately')
    expect(dm.attributes('aria-label')).toBe('Message bob privately')
    await dm.trigger('click')
    expect(wrapper.page.openPrivateRoom.mock.calls).toEqual([[{ id: 'u2', name: 'bob' }]])
    expect(wrapper.find('[data-testid="kick-button"]').exists()).toBe(false)
  })

  it('the owner removes a member only after confirming', async () => {
    const wrapper = mountRoom({ ownerId: 'u1' })
    await item(wrapper, 'u2').get('[data-testid="kick-button"]').trigger('click')
    expect(wrapper.page.kick).not.toHaveBeenCalled()
    expect(item(wrapper, 'u2').text()).toContain('Remove bob? They cannot rejoin from their browser for 10 minutes.')
    await item(wrapper, 'u2').get('[data-testid="kick-cancel"]').trigger('click')
    expect(wrapper.page.kick).not.toHaveBeenCalled()
    await item(wrapper, 'u2').get('[data-testid="kick-button"]').trigger('click')
    await item(wrapper, 'u2').get('[data-testid="kick-confirm"]').trigger('click')
    expect(wrapper.page.kick.mock.calls).toEqual([['u2', { blockNetwork: false, deleteRecent: false }]])
  })

  it('offers neither while the link is down', () => {
    const wrapper = mountRoom({ ownerId: 'u1', status: 'reconnecting', attempt: 1 })
    expect(wrapper.find('[data-testid="dm-button"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="kick-button"]').exists()).toBe(false)
  })
})

describe('private rooms and invites', () => {
  it('a private room is headed by the peer\'s name, with no private messages or removals inside it', () => {
    const wrapper = mountRoom({ peer: { id: 'u2', name: 'bob' }, ownerId: 'u1', title: 'dm-x' })
    expect(wrapper.get('[data-testid="room-peer"]').text()).toBe('Private conversation with bob')
    expect(wrapper.find('[data-testid="dm-button"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="kick-button"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="rename-button"]').exists()).toBe(false)
  })

  it('an invite shows as a badge and a notice that opens the private room', async () => {
    const wrapper = mountRoom({ invites: [{ roomId: 'dm-1', from: { id: 'u2', name: 'bob' } }] })
    expect(wrapper.get('[data-testid="invite-badge"]').text()).toBe('1')
    expect(wrapper.get('[data-testid="invite-badge"]').attributes('aria-label')).toBe('1 private invitation')
    const notice = wrapper.get('[data-testid="invite-notice"]')
    expect(notice.text()).toContain('bob invites you to a private conversation.')
    await notice.get('[data-testid="invite-open"]').trigger('click')
    expect(wrapper.page.openInvite.mock.calls).toEqual([['dm-1']])
    await notice.get('[data-testid="invite-dismiss"]').trigger('click')
    expect(wrapper.page.dismissInvite.mock.calls).toEqual([['dm-1']])
  })

  it('without invites there is no badge', () => {
    const wrapper = mountRoom()
    expect(wrapper.find('[data-testid="invite-badge"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="invite-notice"]').exists()).toBe(false)
  })
})

describe('refused for good', () => {
  const until = new Date(2026, 10, 27, 14, 5).getTime()

  it('a removed member is told until when, in the page\'s locale', () => {
    const wrapper = mount(RoomBlockedNotice, { props: { roomId: 'design', removedUntil: until } })
    const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(until)
    expect(wrapper.get('[data-testid="kicked-notice"]').text()).toContain(`You can join it again after ${time}.`)
    expect(time).toMatch(/02:05|14:05/)
  })

  it('in Chinese too', () => {
    useTestLocale('zh-CN')
    const wrapper = mount(RoomBlockedNotice, { props: { roomId: 'design', removedUntil: until } })
    expect(wrapper.text()).toContain('你已被移出此房间')
    expect(wrapper.text()).toContain(`${new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit' }).format(until)} 之后重新加入`)
  })

  it('a third person at a private room is told it is private', () => {
    const wrapper = mount(RoomBlockedNotice, { props: { roomId: 'dm-x' } })
    expect(wrapper.get('[data-testid="private-refused"]').text()).toContain('Only its two members can join this room.')
  })
})

describe('the header and member list in Chinese', () => {
  it('counts, buttons and marks', () => {
    useTestLocale('zh-CN')
    const wrapper = mountRoom({ ownerId: 'u1' })
    expect(wrapper.get('[data-testid="online-count"]').text()).toBe('2 人在线')
    expect(wrapper.get('[data-testid="member-count"]').text()).toBe('2 位成员')
    expect(wrapper.get('[data-testid="leave-button"]').text()).toBe('离开')
    expect(item(wrapper, 'u1').text()).toContain('（你）')
    expect(item(wrapper, 'u2').get('[data-testid="dm-button"]').text()).toBe('私聊')
  })
})

describe('keyboard focus', () => {
  it('follows the removal question and comes back with Keep', async () => {
    const wrapper = mountRoom({ ownerId: 'u1' }, true)
    await item(wrapper, 'u2').get('[data-testid="kick-button"]').trigger('click')
    await flushPromises()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('kick-cancel')
    await item(wrapper, 'u2').get('[data-testid="kick-cancel"]').trigger('click')
    await flushPromises()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('kick-button')
    wrapper.unmount()
  })

  it('goes to the title field on Rename and back to Rename after saving', async () => {
    const wrapper = mountRoom({ ownerId: 'u1', title: 'Old' }, true)
    await wrapper.get('[data-testid="rename-button"]').trigger('click')
    await flushPromises()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('title-input')
    await wrapper.get('[data-testid="title-input"]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('rename-button')
    expect(wrapper.page.rename).not.toHaveBeenCalled()
    wrapper.unmount()
  })
})
