// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomComposer from '~/components/room/RoomComposer.vue'

describe('RoomComposer', () => {
  it('Enter sends the text and clears the input', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get<HTMLInputElement>('[data-testid="message-input"]')
    await input.setValue('hello')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['hello']])
    expect(input.element.value).toBe('')
  })

  it('the Send button sends too', async () => {
    const wrapper = mount(RoomComposer)
    await wrapper.get('[data-testid="message-input"]').setValue('via button')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('send')).toEqual([['via button']])
  })

  it('empty or blank text does not send and keeps Send disabled', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get('[data-testid="message-input"]')
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeDefined()
    await input.setValue('   ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeDefined()
    expect(wrapper.emitted('send')).toBeUndefined()
  })

  it('sends while offline too, and says the message goes out once reconnected', async () => {
    const wrapper = mount(RoomComposer, { props: { offline: true } })
    const input = wrapper.get<HTMLInputElement>('[data-testid="message-input"]')
    expect(input.attributes('placeholder')).toContain('once reconnected')
    await input.setValue('later')
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeUndefined()
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['later']])
  })

  it('Enter that confirms an IME composition does not send', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get('[data-testid="message-input"]')
    await input.setValue('にほんご')
    await input.trigger('keydown', { key: 'Enter', isComposing: true })
    expect(wrapper.emitted('send')).toBeUndefined()
  })
})
