// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import LobbyDirectory from '~/components/lobby/LobbyDirectory.vue'
import type { LobbyRoom } from '~/shared/protocol'
import { useTestLocale } from '../support/i18n'
import { NuxtLinkStub } from '../support/nuxt-link-stub'

const rooms: LobbyRoom[] = [
  { id: 'design-crit', title: 'Design crit', online: 4, members: 6 },
  { id: 'rust-help', title: 'rust-help', online: 3, members: 3 },
  { id: 'night-owls', title: 'Night owls', online: 1, members: 1 },
]

function mountDirectory(props: Partial<{ rooms: LobbyRoom[], loaded: boolean, stale: boolean }> = {}) {
  return mount(LobbyDirectory, { props: { rooms, loaded: true, stale: false, ...props }, global: { stubs: { NuxtLink: NuxtLinkStub } } })
}

const cards = (wrapper: ReturnType<typeof mountDirectory>) => wrapper.findAll('[data-testid="room-card"]')

describe('LobbyDirectory', () => {
  it('shows each public room with its title, id, live online and member counts, linking to the room', () => {
    const wrapper = mountDirectory()
    expect(cards(wrapper).map(card => card.attributes('data-room-id'))).toEqual(['design-crit', 'rust-help', 'night-owls'])
    const first = cards(wrapper)[0]!
    expect(first.get('[data-testid="room-card-title"]').text()).toBe('Design crit')
    expect(first.text()).toContain('design-crit')
    expect(first.get('[data-testid="room-online"]').text()).toBe('4 online')
    expect(first.get('[data-testid="room-members"]').text()).toBe('6 members')
    expect(first.get('a').attributes('href')).toBe('/room/design-crit')
    // A title that is only the id is not said twice.
    expect(cards(wrapper)[1]!.text().match(/rust-help/g)).toHaveLength(1)
    expect(cards(wrapper)[2]!.get('[data-testid="room-members"]').text()).toBe('1 member')
  })

  it('updates a count in place when the rooms change', async () => {
    const wrapper = mountDirectory()
    const card = cards(wrapper)[2]!.element
    await wrapper.setProps({ rooms: rooms.map(room => (room.id === 'night-owls' ? { ...room, online: 2, members: 2 } : room)) })
    expect(cards(wrapper)[2]!.element).toBe(card)
    expect(cards(wrapper)[2]!.get('[data-testid="room-online"]').text()).toBe('2 online')
  })

  it('searches by id or title, ignoring case, and offers to open an exact id that is not listed', async () => {
    const wrapper = mountDirectory()
    await wrapper.get('[data-testid="room-search"]').setValue('OWLS')
    expect(cards(wrapper).map(card => card.attributes('data-room-id'))).toEqual(['night-owls'])
    await wrapper.get('[data-testid="room-search"]').setValue('crit')
    expect(cards(wrapper).map(card => card.attributes('data-room-id'))).toEqual(['design-crit'])
    await wrapper.get('[data-testid="room-search"]').setValue('secret-room')
    expect(cards(wrapper)).toHaveLength(0)
    expect(wrapper.get('[data-testid="directory-empty"]').text()).toBe('No public room matches.')
    expect(wrapper.get('[data-testid="search-open"]').attributes('href')).toBe('/room/secret-room')
  })

  it('greys the counts out as stale while the lobby is not connected', () => {
    const wrapper = mountDirectory({ stale: true })
    const online = cards(wrapper)[0]!.get('[data-testid="room-online"]')
    expect(online.attributes('data-stale')).toBe('true')
    expect(wrapper.get('[data-testid="lobby-stale"]').text()).toContain('Counts as last seen')
    expect(wrapper.get('[data-testid="room-directory"]').attributes('data-stale')).toBe('true')
  })

  it('speaks Chinese', () => {
    useTestLocale('zh-CN')
    const wrapper = mountDirectory()
    expect(wrapper.text()).toContain('公开房间')
    expect(cards(wrapper)[0]!.get('[data-testid="room-online"]').text()).toBe('4 人在线')
    expect(cards(wrapper)[0]!.get('[data-testid="room-members"]').text()).toBe('6 位成员')
  })
})

describe('LobbyDirectory for screen readers', () => {
  it('says how busy the lobby is when it changes, at most every 10 s, not on arrival', async () => {
    vi.useFakeTimers()
    try {
      const wrapper = mount(LobbyDirectory, { props: { rooms: [], loaded: false, stale: true }, global: { stubs: { NuxtLink: NuxtLinkStub } } })
      const region = () => wrapper.get('[data-testid="lobby-announcer"]')
      expect(region().attributes('aria-live')).toBe('polite')
      await wrapper.setProps({ rooms, loaded: true, stale: false })
      expect(region().text()).toBe('')
      await wrapper.setProps({ rooms: [...rooms, { id: 'new', title: '', online: 2, members: 2 }] })
      expect(region().text()).toBe('Public rooms: 4. People online: 10.')
      await wrapper.setProps({ rooms: [...rooms, { id: 'new', title: '', online: 3, members: 3 }] })
      await wrapper.setProps({ rooms: [...rooms, { id: 'new', title: '', online: 4, members: 4 }] })
      vi.advanceTimersByTime(9_999)
      await wrapper.vm.$nextTick()
      expect(region().text()).toBe('Public rooms: 4. People online: 10.')
      vi.advanceTimersByTime(1)
      await wrapper.vm.$nextTick()
      expect(region().text()).toBe('Public rooms: 4. People online: 12.')
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('LobbyDirectory search past the live list', () => {
  it('asks for more as the person types and shows the server\'s matches, marked as not live', async () => {
    const wrapper = mountDirectory()
    await wrapper.get('[data-testid="room-search"]').setValue('quiet')
    expect(wrapper.emitted('search')?.at(-1)).toEqual(['quiet'])
    await wrapper.setProps({ moreMatches: [{ id: 'quiet-corner', title: 'Quiet corner', online: 0, members: 1 }, rooms[0]!] })
    const more = wrapper.get('[data-testid="room-search-more"]').findAll('[data-testid="room-card"]')
    // A room already in the live list is not shown twice.
    expect(more.map(card => card.attributes('data-room-id'))).toEqual(['quiet-corner'])
    expect(more[0]!.get('[data-testid="room-online"]').attributes('data-stale')).toBe('true')
    expect(wrapper.find('[data-testid="directory-empty"]').exists()).toBe(false)
  })
})
