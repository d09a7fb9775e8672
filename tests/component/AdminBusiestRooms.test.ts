// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import AdminBusiestRooms from '~/components/admin/AdminBusiestRooms.vue'

function others(rooms: number, connections: number): string {
  const wrapper = mount(AdminBusiestRooms, { props: { busiest: { rooms: [], others: { rooms, connections } } } })
  return wrapper.get('[data-testid="admin-other-rooms"]').text()
}

describe('AdminBusiestRooms', () => {
  it('counts the rooms it may not name in proper English plurals', () => {
    expect(others(1, 1)).toBe('1 other room (unlisted, private or with a password, or fewer connections): 1 connection')
    expect(others(3, 12)).toBe('3 other rooms (unlisted, private or with a password, or fewer connections): 12 connections')
  })
})
