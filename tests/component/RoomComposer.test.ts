// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import { LIMITS } from '~/shared/protocol'
import RoomComposer from '~/components/room/RoomComposer.vue'

beforeEach(() => {
  localStorage.clear()
})

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

  it('Shift+Enter starts a new line instead of sending', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]')
    expect(input.element.tagName).toBe('TEXTAREA')
    await input.setValue('first line')
    await input.trigger('keydown', { key: 'Enter', shiftKey: true })
    expect(wrapper.emitted('send')).toBeUndefined()
    await input.setValue('first line\nsecond line')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['first line\nsecond line']])
  })

  it('shows no counter below 90% of the limit, and one from there on', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get('[data-testid="message-input"]')
    await input.setValue('x'.repeat(LIMITS.textMaxLength * 0.9 - 1))
    expect(wrapper.find('[data-testid="message-counter"]').exists()).toBe(false)
    await input.setValue('x'.repeat(LIMITS.textMaxLength * 0.9))
    expect(wrapper.get('[data-testid="message-counter"]').text()).toBe(`${LIMITS.textMaxLength * 0.9} / ${LIMITS.textMaxLength}`)
    expect(wrapper.get('[data-testid="message-counter"]').attributes('data-over')).toBe('false')
  })

  it('an over-long paste is kept whole, not cut: the counter turns red and nothing is sent', async () => {
    const wrapper = mount(RoomComposer)
    const input = wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]')
    expect(input.attributes('maxlength')).toBeUndefined()
    const pasted = 'y'.repeat(LIMITS.textMaxLength + 5)
    await input.setValue(pasted)
    expect(input.element.value).toBe(pasted)
    const counter = wrapper.get('[data-testid="message-counter"]')
    expect(counter.text()).toBe(`5 too many: ${LIMITS.textMaxLength + 5} / ${LIMITS.textMaxLength}`)
    expect(counter.classes()).toContain('composer__counter--over')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeDefined()
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toBeUndefined()
    expect(input.element.value).toBe(pasted)
  })

  it('keeps the draft per room across a remount (a reload), and forgets it once sent', async () => {
    const first = mount(RoomComposer, { props: { roomId: 'lobby' } })
    await first.get('[data-testid="message-input"]').setValue('half written')
    first.unmount()
    const other = mount(RoomComposer, { props: { roomId: 'elsewhere' } })
    expect(other.get<HTMLTextAreaElement>('[data-testid="message-input"]').element.value).toBe('')
    const again = mount(RoomComposer, { props: { roomId: 'lobby' } })
    const input = again.get<HTMLTextAreaElement>('[data-testid="message-input"]')
    expect(input.element.value).toBe('half written')
    await input.trigger('keydown', { key: 'Enter' })
    expect(again.emitted('send')).toEqual([['half written']])
    await again.vm.$nextTick()
    expect(localStorage.getItem('heartbeat:draft:lobby')).toBeNull()
  })

  it('takes the focus when it appears, so a joined member can type at once', () => {
    const wrapper = mount(RoomComposer, { attachTo: document.body })
    expect(document.activeElement).toBe(wrapper.get('[data-testid="message-input"]').element)
    wrapper.unmount()
  })
})
