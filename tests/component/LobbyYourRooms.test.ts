// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import LobbyYourRooms from '~/components/lobby/LobbyYourRooms.vue'
import type { YourRoom } from '~/components/lobby/LobbyYourRooms.vue'
import { NuxtLinkStub } from '../support/nuxt-link-stub'

function mountRooms(rooms: YourRoom[], stale = false) {
  return mount(LobbyYourRooms, { props: { rooms, stale }, global: { stubs: { NuxtLink: NuxtLinkStub } } })
}

describe('LobbyYourRooms', () => {
  it('lists your rooms, private ones by the other member\'s name, with live counts and new messages', () => {
    const wrapper = mountRooms([
      { roomId: 'design', title: 'Design crit', online: 3, members: 5, unread: 4 },
      { roomId: 'dm-1', peer: 'bob', online: 1, members: 2, unread: 0 },
      { roomId: 'quiet' },
    ])
    const rows = wrapper.findAll('[data-testid="your-room"]')
    expect(rows.map(row => row.attributes('data-room-id'))).toEqual(['design', 'dm-1', 'quiet'])
    expect(rows[0]!.text()).toContain('Design crit')
    expect(rows[0]!.get('[data-testid="your-room-unread"]').text()).toBe('4 new')
    expect(rows[0]!.get('[data-testid="your-room-online"]').text()).toBe('3 online')
    expect(rows[1]!.text()).toContain('Private · bob')
    expect(rows[1]!.find('[data-testid="your-room-unread"]').exists()).toBe(false)
    expect(rows[2]!.find('[data-testid="your-room-online"]').exists()).toBe(false)
    expect(rows[2]!.get('a').attributes('href')).toBe('/room/quiet')
  })

  it('greys counts out while not connected, and shows nothing without rooms', () => {
    expect(mountRooms([{ roomId: 'a', online: 2 }], true).get('[data-testid="your-room-online"]').attributes('data-stale')).toBe('true')
    expect(mountRooms([]).find('[data-testid="your-rooms"]').exists()).toBe(false)
  })
})
