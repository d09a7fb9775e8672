// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import LobbyNewRoomForm from '~/components/lobby/LobbyNewRoomForm.vue'
import { useTestLocale } from '../support/i18n'

const radio = (wrapper: ReturnType<typeof mount>, which: 'public' | 'unlisted') =>
  wrapper.get<HTMLInputElement>(`[data-testid="visibility-${which}"]`).element

describe('LobbyNewRoomForm', () => {
  it('preselects public and creates the room with its id, title and visibility', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { initialName: 'Ada' } })
    expect(radio(wrapper, 'public').checked).toBe(true)
    await wrapper.get('[data-testid="new-room-id"]').setValue('book-club')
    await wrapper.get('[data-testid="new-room-title"]').setValue('  Book club ')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Ada', roomId: 'book-club', title: 'Book club', visibility: 'public' }]])
  })

  it('makes up an id when none is typed, and Generate fills in a fresh one', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { initialName: 'Ada' } })
    const input = wrapper.get<HTMLInputElement>('[data-testid="new-room-id"]')
    await wrapper.get('[data-testid="new-room-generate"]').trigger('click')
    const first = input.element.value
    await wrapper.get('[data-testid="new-room-generate"]').trigger('click')
    expect(first).toMatch(/^[a-z0-9]{8}$/)
    expect(input.element.value).toMatch(/^[a-z0-9]{8}$/)
    expect(input.element.value).not.toBe(first)
    await input.setValue('')
    await wrapper.get('form').trigger('submit')
    const request = wrapper.emitted('submit')![0]![0] as { roomId: string }
    expect(request.roomId).toMatch(/^[a-z0-9]{8}$/)
    expect(input.element.value).toBe(request.roomId)
  })

  it('can be unlisted', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { initialName: 'Ada' } })
    await wrapper.get('[data-testid="new-room-id"]').setValue('quiet')
    await wrapper.get('[data-testid="visibility-unlisted"]').setValue(true)
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Ada', roomId: 'quiet', visibility: 'unlisted' }]])
  })

  it('a password makes the room unlisted, and the form shows it', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { initialName: 'Ada' } })
    await wrapper.get('[data-testid="new-room-id"]').setValue('vault')
    await wrapper.get('[data-testid="new-room-password"]').setValue('s3cret')
    expect(radio(wrapper, 'unlisted').checked).toBe(true)
    expect(radio(wrapper, 'public').disabled).toBe(true)
    expect(wrapper.get('[data-testid="new-room-unlisted-note"]').text()).toContain('unlisted')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ name: 'Ada', roomId: 'vault', visibility: 'unlisted', password: 's3cret' }]])
    // Without the password the person's own choice is back.
    await wrapper.get('[data-testid="new-room-password"]').setValue('')
    expect(radio(wrapper, 'public').checked).toBe(true)
  })

  it('does not create with an invalid id or without a name, and shows why the last try did not go ahead', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { error: 'A room called x exists already.' } })
    await wrapper.get('[data-testid="new-room-id"]').setValue('no spaces')
    expect(wrapper.get('[data-testid="create-room-button"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="new-room-id"]').setValue('fine')
    expect(wrapper.get('[data-testid="create-room-button"]').attributes('disabled')).toBeDefined()
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(wrapper.get('[data-testid="new-room-error"]').text()).toBe('A room called x exists already.')
  })

  it('says that ids starting with dm- are kept for private rooms, rather than creating one the server refuses', async () => {
    const wrapper = mount(LobbyNewRoomForm, { props: { initialName: 'Ada' } })
    await wrapper.get('[data-testid="new-room-id"]').setValue('dm-party')
    expect(wrapper.get('[data-testid="new-room-id-error"]').text()).toBe('Ids starting with dm- are kept for private conversations.')
    expect(wrapper.get('[data-testid="create-room-button"]').attributes('disabled')).toBeDefined()
  })

  it('speaks Chinese', () => {
    useTestLocale('zh-CN')
    const wrapper = mount(LobbyNewRoomForm)
    expect(wrapper.text()).toContain('新建房间')
    expect(wrapper.get('[data-testid="create-room-button"]').text()).toBe('创建房间')
  })
})
