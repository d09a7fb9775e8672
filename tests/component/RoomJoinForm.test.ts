// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomJoinForm from '~/components/room/RoomJoinForm.vue'

describe('RoomJoinForm', () => {
  it('submits the trimmed name, the room id and the password', async () => {
    const wrapper = mount(RoomJoinForm)
    await wrapper.get('[data-testid="name-input"]').setValue('  alice ')
    await wrapper.get('[data-testid="room-input"]').setValue('lobby')
    await wrapper.get('[data-testid="password-input"]').setValue('s3cret')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'alice', roomId: 'lobby', password: 's3cret' }]])
  })

  it('leaves the password out when none was typed', async () => {
    const wrapper = mount(RoomJoinForm, { props: { initialName: 'alice' } })
    await wrapper.get('[data-testid="room-input"]').setValue('lobby')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'alice', roomId: 'lobby' }]])
  })

  it('New room fills in a fresh 8-character room id', async () => {
    const wrapper = mount(RoomJoinForm)
    const input = wrapper.get<HTMLInputElement>('[data-testid="room-input"]')
    await wrapper.get('[data-testid="new-room-button"]').trigger('click')
    const first = input.element.value
    await wrapper.get('[data-testid="new-room-button"]').trigger('click')
    expect(first).toMatch(/^[a-z0-9]{8}$/)
    expect(input.element.value).toMatch(/^[a-z0-9]{8}$/)
    expect(input.element.value).not.toBe(first)
  })

  it('does not join with an invalid room id or without a name', async () => {
    const wrapper = mount(RoomJoinForm)
    await wrapper.get('[data-testid="room-input"]').setValue('no spaces/allowed')
    await wrapper.get('[data-testid="name-input"]').setValue('alice')
    expect(wrapper.get('[data-testid="join-button"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="room-input"]').setValue('ok-room')
    await wrapper.get('[data-testid="name-input"]').setValue('   ')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toBeUndefined()
  })

  it('does not join with a name that is invisible or holds control characters, and sends the normalised name', async () => {
    const wrapper = mount(RoomJoinForm, { props: { roomId: 'lobby', showPassword: false } })
    const joinButton = () => wrapper.get('[data-testid="join-button"]')
    for (const name of ['\u200b\u200b', '\u3164', 'ali\u0000ce']) {
      await wrapper.get('[data-testid="name-input"]').setValue(name)
      expect({ name, disabled: joinButton().attributes('disabled') !== undefined }).toEqual({ name, disabled: true })
    }
    await wrapper.get('[data-testid="name-input"]').setValue('\uff41lice\u200b')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'alice', roomId: 'lobby' }]])
  })

  it('for a shared link asks only for the name, with the password only when needed', async () => {
    const wrapper = mount(RoomJoinForm, { props: { roomId: 'lobby', showPassword: false } })
    expect(wrapper.find('[data-testid="room-input"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="password-input"]').exists()).toBe(false)
    await wrapper.get('[data-testid="name-input"]').setValue('bob')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'bob', roomId: 'lobby' }]])
  })

  it('requires the password for a protected room and shows why the last join failed', async () => {
    const wrapper = mount(RoomJoinForm, {
      props: { roomId: 'vault', initialName: 'bob', passwordRequired: true, error: 'wrong password' },
    })
    expect(wrapper.get('[role="alert"]').text()).toBe('wrong password')
    expect(wrapper.get('[data-testid="join-button"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="password-input"]').setValue('again')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'bob', roomId: 'vault', password: 'again' }]])
  })

  it('prefills a remembered name that arrives after mount, without overwriting typing', async () => {
    const wrapper = mount(RoomJoinForm)
    const input = wrapper.get<HTMLInputElement>('[data-testid="name-input"]')
    await wrapper.setProps({ initialName: 'alice' })
    expect(input.element.value).toBe('alice')
    await input.setValue('carol')
    await wrapper.setProps({ initialName: 'dave' })
    expect(input.element.value).toBe('carol')
  })
})
