// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
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
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'lobby' }, showPassword: false } })
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
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'lobby' }, showPassword: false } })
    expect(wrapper.find('[data-testid="room-input"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="password-input"]').exists()).toBe(false)
    await wrapper.get('[data-testid="name-input"]').setValue('bob')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'bob', roomId: 'lobby' }]])
  })

  it('requires the password for a protected room and shows why the last join failed next to it', async () => {
    const wrapper = mount(RoomJoinForm, {
      props: { room: { id: 'vault' }, initialName: 'bob', passwordRequired: true, error: { field: 'password', message: 'That password does not open this room.' } },
    })
    expect(wrapper.get('[data-testid="password-error"]').text()).toBe('That password does not open this room.')
    expect(wrapper.get('[data-testid="password-input"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[data-testid="password-input"]').attributes('aria-describedby')).toBe('join-password-error')
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

describe('RoomJoinForm after a refused join', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a taken name is said next to the name field, with nothing under the password', () => {
    const wrapper = mount(RoomJoinForm, {
      props: { room: { id: 'lobby' }, initialName: 'Ada', error: { field: 'name', message: 'Someone in this room is already called Ada. Pick another name.' } },
    })
    expect(wrapper.get('[data-testid="name-error"]').text()).toContain('already called Ada')
    expect(wrapper.get('[data-testid="name-input"]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('[data-testid="password-error"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="join-error"]').exists()).toBe(false)
  })

  it('a refusal no field can fix (a full room) is said above the button', () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'lobby' }, error: { field: 'form', message: 'This room is full.' } } })
    expect(wrapper.get('[data-testid="join-error"]').text()).toBe('This room is full.')
  })

  it('a lockout counts down how long to wait, and Join opens again when it is over', async () => {
    vi.useFakeTimers()
    const wrapper = mount(RoomJoinForm, {
      props: { room: { id: 'vault' }, initialName: 'Eve', passwordRequired: true, lockedUntil: Date.now() + 42_000 },
    })
    await wrapper.get('[data-testid="password-input"]').setValue('right')
    expect(wrapper.get('[data-testid="password-error"]').text()).toBe('Too many wrong passwords for this room. Try again in 42 s.')
    expect(wrapper.get('[data-testid="join-button"]').attributes('disabled')).toBeDefined()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(wrapper.get('[data-testid="password-error"]').text()).toBe('Too many wrong passwords for this room. Try again in 12 s.')
    await vi.advanceTimersByTimeAsync(12_000)
    expect(wrapper.find('[data-testid="password-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="join-button"]').attributes('disabled')).toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('while a join is under way the button says Joining… and does not submit twice', async () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'lobby' }, initialName: 'Ada', busy: true } })
    const button = wrapper.get('[data-testid="join-button"]')
    expect(button.text()).toBe('Joining…')
    expect(button.attributes('disabled')).toBeDefined()
  })

  it('shows a note, such as having left in another tab', () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'lobby' }, note: 'You left this room.' } })
    expect(wrapper.get('[data-testid="join-note"]').text()).toBe('You left this room.')
  })
})

describe('RoomJoinForm for a link: a room that exists, and one that does not', () => {
  it('a room that exists shows its title and live count, and its button joins without creating', async () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'design', title: 'Design review', online: 3 }, initialName: 'Bob' } })
    expect(wrapper.get('h1').text()).toBe('Join room design')
    expect(wrapper.get('[data-testid="join-room-title"]').text()).toBe('Design review')
    expect(wrapper.get('[data-testid="join-room-online"]').text()).toBe('3 online now')
    expect(wrapper.find('[data-testid="join-missing"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="join-button"]').text()).toBe('Join')
    await wrapper.setProps({ room: { id: 'design', title: 'Design review', online: 4 } })
    expect(wrapper.get('[data-testid="join-room-online"]').text()).toBe('4 online now')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Bob', roomId: 'design' }]])
  })

  it('a room that does not exist is said plainly, and the button creates it with create: true', async () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'desing', missing: true }, initialName: 'Ada' } })
    expect(wrapper.get('h1').text()).toBe('Create room desing')
    expect(wrapper.get('[data-testid="join-missing"]').text()).toBe('No room called desing exists yet. Create it, and you will be its owner.')
    expect(wrapper.find('[data-testid="join-room-summary"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="join-button"]').text()).toBe('Create room')
    await wrapper.setProps({ busy: true })
    expect(wrapper.get('[data-testid="join-button"]').text()).toBe('Creating…')
    await wrapper.setProps({ busy: false })
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Ada', roomId: 'desing', create: true }]])
  })

  it('a title that is only the id is not said twice', () => {
    const wrapper = mount(RoomJoinForm, { props: { room: { id: 'design', title: 'design', online: 0 } } })
    expect(wrapper.find('[data-testid="join-room-title"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="join-room-online"]').text()).toBe('0 online now')
  })

  it('the lobby form sends a typed id in lower case, and never asks to create', async () => {
    const wrapper = mount(RoomJoinForm, { props: { initialName: 'Ada' } })
    await wrapper.get('[data-testid="room-input"]').setValue(' DESIGN ')
    expect(wrapper.get('[data-testid="join-button"]').text()).toBe('Join')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Ada', roomId: 'design' }]])
  })
})
